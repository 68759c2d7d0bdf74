// Progressive enhancement only: without it, the share link stays a read-only field to select and copy.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  if (!navigator.clipboard) { return; }
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.getAttribute("data-copied");
        window.setTimeout(function () { button.textContent = label; }, 2000);
      }, function () { field.select(); });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-copy-source]"), function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
