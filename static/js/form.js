// The form works without this script: every page is shown in sequence, every question too, and
// the server applies display and skip logic to what is posted. The script adds, in the browser:
// display and skip logic live (hidden questions are disabled, so they are not sent), one page at
// a time with a progress line, required questions left empty caught before the page turns or the
// form is sent, autosave of what was typed (kept on this device until sent), a guard against a
// second tap on 提交, and focus on the list of problems to fix.
(function () {
  "use strict";

  // The thank-you page: the answers were stored, so drop the copy kept on this device.
  var sent = document.querySelector("[data-clear-autosave]");
  if (sent) {
    var prefix = sent.getAttribute("data-clear-autosave");
    try {
      Object.keys(window.localStorage).forEach(function (key) {
        if (key.indexOf(prefix) === 0) window.localStorage.removeItem(key);
      });
    } catch (e) { /* storage unavailable: nothing was kept */ }
  }
  var sentPage = document.querySelector("[data-answered]");
  if (sentPage) {
    try {
      window.localStorage.setItem("survey-answered:" + sentPage.getAttribute("data-answered"), "1");
    } catch (e) { /* storage unavailable: the server still knows the device */ }
  }

  var form = document.querySelector(".survey-form");
  if (!form) return;
  // 防重复 by device: a device whose response is in is told so before it types anything (the
  // server refuses a second one whatever this script does).
  var once = form.getAttribute("data-once-per-device");
  var sentHere = false;
  try { sentHere = !!once && !!window.localStorage.getItem("survey-answered:" + once); } catch (e) { /* no storage */ }
  if (sentHere) {
    form.hidden = true;
    document.querySelector("[data-answered-here]").hidden = false;
    return;
  }
  var rulesElement = document.getElementById("survey-logic");
  var rules = rulesElement ? JSON.parse(rulesElement.textContent) : [];

  // 防重复: an id for this device, kept in its storage, which a cleared cookie does not reset.
  var device = form.querySelector("input[name=device]");
  if (device) {
    try {
      var id = window.localStorage.getItem("survey-device") || "";
      if (!/^[A-Za-z0-9_-]{22}$/.test(id)) {
        var bytes = new Uint8Array(16);
        window.crypto.getRandomValues(bytes);
        id = window.btoa(String.fromCharCode.apply(null, bytes))
          .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
        window.localStorage.setItem("survey-device", id);
      }
      device.value = id;
    } catch (e) { /* no storage: the cookie stands for the device */ }
  }

  // ---- Required questions left empty: caught here on 下一页 and on 提交 (the server checks
  // again, and the questions of a matrix row by row), each with its message beside it, the page
  // of the first opened and scrolled to it.
  var requiredMessage = form.getAttribute("data-required-message");

  function answered(question) {
    return Array.prototype.some.call(question.querySelectorAll("input, select, textarea"), function (field) {
      if (field.disabled || field.type === "hidden") return false;
      if (field.type === "radio" || field.type === "checkbox") return field.checked;
      return field.value.trim() !== "";
    });
  }

  function mark(question, missing) {
    var message = question.querySelector("[data-client-error]");
    if (missing && !message) {
      message = document.createElement("p");
      message.className = "field-error";
      message.id = question.id + "-required";
      message.setAttribute("data-client-error", "");
      message.textContent = requiredMessage;
      question.querySelector("legend").insertAdjacentElement("afterend", message);
      var described = question.getAttribute("aria-describedby");
      question.setAttribute("aria-describedby", (described ? described + " " : "") + message.id);
    } else if (!missing && message) {
      message.remove();
    }
    if (missing) question.classList.add("has-error");
  }

  function complete(scope) {
    var missing = [];
    scope.querySelectorAll("fieldset.question[data-required]").forEach(function (question) {
      var empty = !question.hidden && !answered(question);
      mark(question, empty);
      if (empty) missing.push(question);
    });
    if (!missing.length) return true;
    var first = missing[0];
    if (pages.length > 1) showPage(pages.indexOf(first.closest("[data-page]")));
    first.scrollIntoView({ block: "start" });
    var field = first.querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus({ preventScroll: true });
    return false;
  }

  form.addEventListener("submit", function (event) {
    if (complete(form)) return;
    event.preventDefault();
    event.stopImmediatePropagation();  // the button stays usable
  });
  form.addEventListener("change", function (event) {
    var question = event.target.closest("fieldset.question[data-required]");
    if (question && question.querySelector("[data-client-error]") && answered(question)) {
      mark(question, false);
      question.classList.remove("has-error");
    }
  });

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

  // ---- Display and skip logic: the same steps as survey/logic.py `shown`.
  function chosenOptions(rule) {
    var chosen = [];
    form.querySelectorAll('[name="q' + rule.id + '"]').forEach(function (field) {
      if (field.tagName === "SELECT") {
        if (field.value) chosen.push(Number(field.value));
      } else if (field.checked) {
        chosen.push(Number(field.value));
      }
    });
    return chosen;
  }

  function holds(condition, effective) {
    var options = effective[condition[0]] || [];
    return (options.indexOf(condition[1]) !== -1) === condition[2];
  }

  function shown() {
    var visible = {};
    var effective = {};
    var pageShown = true;
    var resumeAt = "";  // "": no jump; null: jumped to the end
    for (var i = 0; i < rules.length; i += 1) {
      var rule = rules[i];
      if (resumeAt === null) break;
      var jumped = resumeAt !== "" && rule.key !== resumeAt;
      if (!jumped) resumeAt = "";
      var ok = !rule["if"] || (rule.any
        ? rule["if"].some(function (c) { return holds(c, effective); })
        : rule["if"].every(function (c) { return holds(c, effective); }));
      if (rule.page) pageShown = ok;
      if (jumped || !(ok && pageShown)) continue;
      visible[rule.id] = true;
      effective[rule.key] = rule.choices ? chosenOptions(rule) : [];
      for (var j = 0; j < rule.skip.length; j += 1) {
        if (effective[rule.key].indexOf(rule.skip[j][0]) !== -1) {
          resumeAt = rule.skip[j][1];
          break;
        }
      }
    }
    return visible;
  }

  var pages = Array.prototype.slice.call(form.querySelectorAll("[data-page]"));
  var progress = form.querySelector("[data-progress]");
  var submitRow = form.querySelector("[data-submit]");
  var current = 0;

  function pageVisible(page) {
    return page.querySelector("[data-step]:not([hidden])") !== null;
  }

  function applyLogic() {
    var visible = shown();
    form.querySelectorAll("[data-step]").forEach(function (element) {
      // A page is open while any of its questions is shown (a jump may land inside it).
      if (element.classList.contains("form-page")) return;
      var hide = !visible[element.getAttribute("data-step")];
      element.hidden = hide;
      element.querySelectorAll("input, select, textarea").forEach(function (field) {
        field.disabled = hide;
      });
    });
    if (pages.length > 1) showPage(current);
  }

  function visiblePages() {
    return pages.filter(pageVisible);
  }

  function showPage(index) {
    var open = visiblePages();
    if (open.indexOf(pages[index]) === -1) {
      // The page asked for is hidden now: stay on the nearest open page before it.
      var before = open.filter(function (page) { return pages.indexOf(page) < index; });
      index = pages.indexOf(before.length ? before[before.length - 1] : open[0]);
    }
    current = index;
    var position = open.indexOf(pages[index]);
    pages.forEach(function (page, i) {
      page.classList.toggle("current-page", i === index);
      var nav = page.querySelector("[data-page-nav]");
      nav.hidden = false;
      nav.querySelector("[data-back]").hidden = position === 0;
      nav.querySelector("[data-next]").hidden = position === open.length - 1;
    });
    form.classList.add("paged");
    submitRow.hidden = position !== open.length - 1;
    progress.hidden = false;
    progress.querySelector("[data-progress-text]").textContent = progress.getAttribute("data-label")
      .replace("{n}", position + 1).replace("{total}", open.length);
    var bar = progress.querySelector("progress");
    bar.max = open.length;
    bar.value = position + 1;
  }

  function turn(step) {
    var open = visiblePages();
    var target = open[open.indexOf(pages[current]) + step];
    if (!target) return;
    showPage(pages.indexOf(target));
    var heading = target.querySelector(".page-title");
    form.scrollIntoView();
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
  }

  form.addEventListener("click", function (event) {
    if (event.target.closest("[data-next]") && complete(pages[current])) turn(1);
    if (event.target.closest("[data-back]")) turn(-1);
  });

  // ---- Autosave: what was typed survives a reload or a dropped connection on this device.
  var storeKey = form.getAttribute("data-autosave");
  var notice = document.querySelector("[data-autosave-notice]");

  function answerFields() {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.type !== "hidden" && field.type !== "submit" && field.type !== "button";
    });
  }

  function save() {
    var values = [];
    answerFields().forEach(function (field) {
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) values.push([field.name, field.value]);
      } else if (field.value) {
        values.push([field.name, field.value]);
      }
    });
    try {
      if (values.length) window.localStorage.setItem(storeKey, JSON.stringify(values));
      else window.localStorage.removeItem(storeKey);
    } catch (e) { /* private mode or full: the form still works, unsaved */ }
  }

  function restore() {
    var saved;
    try {
      saved = JSON.parse(window.localStorage.getItem(storeKey) || "null");
    } catch (e) {
      return false;
    }
    if (!Array.isArray(saved) || !saved.length) return false;
    var fields = answerFields();
    saved.forEach(function (pair) {
      fields.forEach(function (field) {
        if (field.name !== pair[0]) return;
        if (field.type === "radio" || field.type === "checkbox") {
          if (field.value === pair[1]) field.checked = true;
        } else {
          field.value = pair[1];
        }
      });
    });
    return true;
  }

  function clearAll() {
    answerFields().forEach(function (field) {
      if (field.type === "radio" || field.type === "checkbox") field.checked = false;
      else if (field.tagName === "SELECT") field.selectedIndex = 0;
      else field.value = "";
    });
    try { window.localStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ }
    notice.hidden = true;
    applyLogic();
  }

  // Restored before the scripts of enhanced fields (ranking) start, so they draw these values.
  // A page the server filled in (after an error) shows what was posted, not an older copy.
  if (storeKey && form.hasAttribute("data-fresh") && restore()) {
    notice.hidden = false;
  }
  if (notice) notice.querySelector("[data-autosave-clear]").addEventListener("click", clearAll);
  form.addEventListener("change", function () { applyLogic(); save(); });
  form.addEventListener("input", save);

  // After a refused submission, open the page of the first problem.
  var firstError = form.querySelector(".has-error");
  if (firstError) current = pages.indexOf(firstError.closest("[data-page]"));
  applyLogic();
  // A link of the problem list may lead to another page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("#error-summary a");
    if (!link) return;
    var target = document.querySelector(link.getAttribute("href"));
    if (target && pages.length > 1) showPage(pages.indexOf(target.closest("[data-page]")));
  });
  // A refused submission's page is the result of a POST: Back from the next page would ask to
  // send the form again (Chromium's "Confirm Form Resubmission"). Replaced by its address, it
  // loads afresh instead, with what was typed restored from this device.
  if (!form.hasAttribute("data-fresh") && window.history.replaceState) {
    window.history.replaceState(window.history.state, "", window.location.href);
  }
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
