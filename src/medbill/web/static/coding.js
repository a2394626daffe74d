// Coding queue: a code's button marks the words of the note that support it (and only those).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button.show-evidence");
  function show(code, button) {
    var on = button.getAttribute("aria-pressed") !== "true";
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    document.querySelectorAll("#note mark").forEach(function (m) {
      var codes = (m.getAttribute("data-codes") || "").split(" ");
      m.classList.toggle("active", on && codes.indexOf(code) >= 0);
    });
    if (on) {
      button.setAttribute("aria-pressed", "true");
      var first = document.querySelector("#note mark.active");
      if (first) { first.scrollIntoView({block: "nearest"}); }
    }
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { show(b.getAttribute("data-code"), b); });
  });
})();
