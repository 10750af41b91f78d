// The designer works without this script: 编辑 opens a question at its place, 完成 saves it,
// ↑↓ move it, blank rows add options. With it (and htmx, SortableJS): a click opens a question
// in place, every change is saved as it is made, questions are dragged into order, pasted
// lines become options, and leaving with changes not yet saved asks first.
(function () {
  "use strict";
  var status = document.getElementById("save-status");
  var list = document.getElementById("questions");
  var template = document.getElementById("option-row-template");
  var counter = 0;
  var unsaved = new Set(); // forms with changes the server has not confirmed
  var edits = new WeakMap(); // form -> changes typed; compared with those sent

  function say(kind, text) {
    status.dataset.state = kind;
    status.textContent = text;
  }

  function time() {
    var now = new Date();
    return ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function changed(form) {
    edits.set(form, (edits.get(form) || 0) + 1);
    unsaved.add(form);
  }

  function autosave(form) {
    changed(form);
    htmx.trigger(form, "input");
  }

  function addRow(form, label, after) {
    var rows = form.querySelector(".option-rows");
    counter += 1;
    var key = "new-js-" + counter;
    var html = template.innerHTML.split("__KEY__").join(key)
      .split("option-T-").join("option-" + rows.dataset.question + "-");
    var holder = document.createElement("ol");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    row.querySelectorAll(".row-tools").forEach(function (el) { el.hidden = false; });
    row.querySelector("input[name=option_label]").value = label || "";
    if (after) after.after(row); else rows.appendChild(row);
    return row;
  }

  // "A. 国企", "□ 国企", "1、国企": the marks Word and web pages put before an option.
  var MARK = /^(?:[□☐○◯■●☑✓]\s*|[A-Za-z]\s*[.、．:：)）]\s*|\d{1,3}\s*[.、．)）]\s*)/;

  function pasteLines(event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[name=option_label]")) return;
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\r\n]/.test(text)) return;
    event.preventDefault();
    var lines = text.split(/\r?\n/).map(function (line) {
      return line.replace(MARK, "").trim();
    }).filter(Boolean);
    if (!lines.length) return;
    var form = input.form;
    var row = input.closest(".option-row");
    input.value = lines.shift();
    lines.forEach(function (label) { row = addRow(form, label, row); });
    autosave(form);
  }

  function setUpEditor(form) {
    var select = form.querySelector("[data-type-select]");
    var editor = form.querySelector("[data-options-editor]");
    var rows = form.querySelector(".option-rows");
    form.querySelectorAll(".row-tools, [data-add-option]").forEach(function (el) { el.hidden = false; });
    form.addEventListener("input", function () { changed(form); });
    form.addEventListener("paste", pasteLines);
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
    form.querySelector("[data-add-option]").addEventListener("click", function () {
      addRow(form).querySelector("input[name=option_label]").focus();
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
      } else {
        return;
      }
      autosave(form);
    });
  }

  htmx.onLoad(function (content) {
    var forms = content.matches && content.matches("form[data-autosave]")
      ? [content] : Array.from(content.querySelectorAll("form[data-autosave]"));
    forms.forEach(setUpEditor);
    // A question just opened or added: type its title at once. (One sent back to be corrected
    // keeps the focus where it was: htmx puts it back.)
    if (content.matches && content.matches(".q-card.editing:not([data-correcting])")) {
      content.scrollIntoView({block: "nearest"});
      content.querySelector("textarea[name=title]").focus();
    }
  });

  // A click anywhere on a question opens it, as its 编辑 link does.
  list.addEventListener("click", function (event) {
    var body = event.target.closest("[data-open-editor]");
    if (body) body.closest(".q-card").querySelector("[data-edit]").click();
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form.matches("form[data-autosave]")) {
      form.dataset.sent = edits.get(form) || 0;
      say("saving", status.dataset.saving);
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches("form[data-autosave]")) return;
    var xhr = event.detail.xhr;
    if (event.detail.successful) {
      if (String(edits.get(form) || 0) === form.dataset.sent) unsaved.delete(form);
      say("saved", status.dataset.saved.replace("{time}", time()));
    } else if (xhr && xhr.status === 422) {
      say("invalid", status.dataset.invalid);
    }
  });

  // No answer at all (the network is down): try again, and keep the page from being left.
  document.body.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt;
    say("offline", status.dataset.offline);
    setTimeout(function () { if (document.body.contains(form)) htmx.trigger(form, "input"); }, 5000);
  });

  document.body.addEventListener("designer-saved", function (event) {
    Object.entries(event.detail.keys || {}).forEach(function (pair) {
      document.querySelectorAll("input[name=option_key], input[name=option_fill_in]").forEach(function (input) {
        if (input.value === pair[0]) input.value = String(pair[1]);
      });
    });
  });

  document.body.addEventListener("designer-numbers", function (event) {
    var numbers = event.detail.value || event.detail;
    list.querySelectorAll(".q-card").forEach(function (card) {
      var number = numbers[card.dataset.question];
      card.querySelectorAll(".q-number").forEach(function (el) { if (number) el.textContent = number + "."; });
    });
  });

  document.body.addEventListener("designer-refused", function (event) {
    say("invalid", event.detail.value || event.detail);
  });

  // The settings are saved with their own button: until then they count as unsaved.
  var settings = document.querySelector("form[data-explicit-save]");
  settings.addEventListener("input", function () { unsaved.add(settings); });
  settings.addEventListener("submit", function () { unsaved.delete(settings); });

  window.addEventListener("beforeunload", function (event) {
    unsaved.forEach(function (form) { if (!document.body.contains(form)) unsaved.delete(form); });
    if (unsaved.size) {
      event.preventDefault();
      event.returnValue = status.dataset.leave;
    }
  });

  new Sortable(list, {
    handle: ".drag-handle",
    draggable: ".q-card",
    animation: 150,
    forceFallback: true, // mouse and touch alike, and no native drag image over the form
    onEnd: function (event) {
      if (event.oldIndex === event.newIndex) return;
      var body = new FormData();
      body.append("csrf_token", csrfToken());
      list.querySelectorAll(".q-card").forEach(function (card) { body.append("order", card.dataset.question); });
      say("saving", status.dataset.saving);
      fetch(list.dataset.orderUrl, {method: "POST", body: body, headers: {"HX-Request": "true"}, credentials: "same-origin"})
        .then(function (response) {
          var trigger = JSON.parse(response.headers.get("HX-Trigger") || "{}");
          if (response.ok) {
            htmx.trigger(document.body, "designer-numbers", trigger["designer-numbers"]);
            say("saved", status.dataset.saved.replace("{time}", time()));
          } else {
            say("invalid", trigger["designer-refused"] || status.dataset.invalid);
            setTimeout(function () { window.location.reload(); }, 2500);
          }
        })
        .catch(function () { say("offline", status.dataset.offline); });
    },
  });
})();
