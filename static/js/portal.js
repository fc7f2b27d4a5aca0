// Behaviour shared by every page. The Content-Security-Policy forbids inline script and
// on…= attributes, so templates mark elements with data- attributes and this file acts.

// <select data-submit-on-change>: choosing an option submits its form (the language switch);
// without JavaScript the form's <noscript> button does it.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-submit-on-change]") && field.form) {
    field.form.submit();
  }
});

// <form data-watch-save> (save a list as a watchlist): htmx changes a list's filters without
// loading the page, and the address bar follows them; the form sends the filters shown now.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches && form.matches("form[data-watch-save]") && form.elements.query) {
    form.elements.query.value = window.location.search.replace(/^\?/, "");
  }
});
