// The article page: put the highlighted sentence (?claim= / ?mention=) in the middle of the
// screen. The URL fragment scrolls it to the top edge; this runs after that, on load.
window.addEventListener("load", function () {
  var focus = document.querySelector(".article-text .focus");
  if (focus) {
    focus.scrollIntoView({ block: "center" });
  }
});
