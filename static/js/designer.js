// The designer works without this script (blank rows add options, clearing a label removes it).
// It adds: showing the settings of the chosen type, adding, moving and removing option rows.
(function () {
  "use strict";
  var template = document.getElementById("option-row-template");
  // A form sent back to be corrected: open the page at it (the reason is at the top).
  var correcting = document.querySelector("[data-correcting]");
  if (correcting && correcting.id !== "settings") correcting.scrollIntoView();
  var counter = 0;

  function showTools(row) {
    row.querySelectorAll(".row-tools, [data-add-option]").forEach(function (el) { el.hidden = false; });
  }

  document.querySelectorAll(".question-form").forEach(function (form) {
    var select = form.querySelector("[data-type-select]");
    var editor = form.querySelector("[data-options-editor]");
    var rows = form.querySelector(".option-rows");
    form.querySelectorAll(".row-tools").forEach(function (el) { el.hidden = false; });
    var add = form.querySelector("[data-add-option]");
    add.hidden = false;

    if (select) {
      select.addEventListener("change", function () {
        var chosen = select.options[select.selectedIndex];
        editor.hidden = chosen.dataset.hasOptions !== "1";
        editor.querySelector("[data-options-label]").textContent = chosen.dataset.optionsLabel;
        form.querySelectorAll("[data-settings-for]").forEach(function (group) {
          group.hidden = group.dataset.settingsFor !== select.value;
        });
      });
    }

    add.addEventListener("click", function () {
      counter += 1;
      var key = "new-js-" + counter;
      var html = template.innerHTML.split("__KEY__").join(key).split("option-T-").join("option-" + rows.dataset.question + "-");
      rows.insertAdjacentHTML("beforeend", html);
      var row = rows.lastElementChild;
      showTools(row);
      row.querySelector("input[name=option_label]").focus();
    });

    rows.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      var row = button.closest(".option-row");
      if (button.hasAttribute("data-remove")) {
        row.remove();
      } else if (button.dataset.move === "-1" && row.previousElementSibling) {
        rows.insertBefore(row, row.previousElementSibling);
      } else if (button.dataset.move === "1" && row.nextElementSibling) {
        rows.insertBefore(row.nextElementSibling, row);
      }
    });
  });
})();
