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

// Merge and relink boxes (templates/events/partials/picker.html): htmx fills the list under
// the box with suggestions; picking one puts its text ("Nr. 123 · Titel") into the box, which
// the server reads as that number, and moves on to the form's button. Arrow keys walk the
// list, Escape closes it. Without JavaScript the server reads what was typed.
function pickerList(box) {
  return document.getElementById(box.getAttribute("aria-controls"));
}

function closePicker(list) {
  if (list) {
    list.innerHTML = "";
  }
}

document.addEventListener("click", function (event) {
  var pick = event.target.closest && event.target.closest("button[data-pick]");
  if (!pick) {
    return;
  }
  var form = pick.closest("form");
  var box = form && form.querySelector("input[data-picker]");
  if (!box) {
    return;
  }
  box.value = pick.getAttribute("data-pick");
  closePicker(pick.closest(".suggestions"));
  var submit = form.querySelector("button[type=submit]");
  (submit || box).focus();
});

document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (!target.closest) {
    return;
  }
  var box = target.matches("input[data-picker]") ? target : null;
  var list = box ? pickerList(box) : target.closest(".suggestions.picks");
  if (!list) {
    return;
  }
  var picks = Array.prototype.slice.call(list.querySelectorAll("button[data-pick]"));
  var at = picks.indexOf(target);
  if (event.key === "ArrowDown" && picks.length) {
    picks[Math.min(at + 1, picks.length - 1)].focus();
    event.preventDefault();
  } else if (event.key === "ArrowUp" && at >= 0) {
    var form = list.closest("form");
    (at > 0 ? picks[at - 1] : form.querySelector("input[data-picker]")).focus();
    event.preventDefault();
  } else if (event.key === "Escape") {
    var owner = list.closest("form").querySelector("input[data-picker]");
    closePicker(list);
    if (owner) {
      owner.focus();
    }
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
