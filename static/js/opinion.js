// The opinion form works without this script. It adds: a copy of what is typed kept on this
// device until the opinion is sent (a dropped connection or a closed WeChat page loses
// nothing), a count of the characters left, and a guard against a second tap on 提交意见.
(function () {
  "use strict";
  var store;
  try { store = window.localStorage; } catch (e) { store = null; }

  var sent = document.querySelector("[data-clear-autosave]");
  if (sent && store) {
    var prefix = sent.getAttribute("data-clear-autosave");
    Object.keys(store).forEach(function (key) {
      if (key.indexOf(prefix) === 0) store.removeItem(key);
    });
  }

  var form = document.querySelector(".opinion-form");
  if (!form) return;
  var key = form.getAttribute("data-autosave");
  var fields = ["body", "name", "contact"].map(function (name) { return form.elements[name]; });

  function save() {
    if (!store) return;
    var values = fields.map(function (field) { return field ? field.value : ""; });
    try {
      if (values.join("")) store.setItem(key, JSON.stringify(values));
      else store.removeItem(key);
    } catch (e) { /* storage full or private: the form still works */ }
  }

  if (store && form.hasAttribute("data-fresh")) {
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    if (Array.isArray(saved) && saved.join("")) {
      fields.forEach(function (field, i) { if (field && !field.value) field.value = saved[i] || ""; });
      var notice = document.querySelector("[data-autosave-notice]");
      if (notice) notice.hidden = false;
    }
  }

  var body = form.elements.body;
  var counter = document.getElementById(body.getAttribute("data-counter"));
  var limit = parseInt(body.getAttribute("maxlength"), 10);
  var template = counter ? counter.textContent : "";
  function count() {
    if (counter) counter.textContent = template + "（" + body.value.length + "/" + limit + "）";
  }
  count();
  form.addEventListener("input", function () { save(); count(); });
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    window.setTimeout(function () { button.disabled = true; }, 0);
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
