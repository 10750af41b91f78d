// The form works without this script. It only stops a second tap on 提交 from sending the form
// again (the server would store it once anyway), and focuses the list of problems to fix.
(function () {
  "use strict";
  var form = document.querySelector(".survey-form");
  if (!form) return;
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    window.setTimeout(function () { button.disabled = true; }, 0);
  });
  // Typing in the box of 其他____ means choosing 其他.
  form.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.classList.contains("fill-in") || !box.value.trim()) return;
    var option = box.closest(".option");
    var choice = option && option.querySelector("input[type=radio], input[type=checkbox]");
    if (choice) choice.checked = true;
  });
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
