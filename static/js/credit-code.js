// The server checks every 统一社会信用代码; this tells the enterprise as soon as it leaves the box,
// with the same rule (GB 32100-2015 check character), so a mistyped code is fixed before 提交.
(function () {
  "use strict";
  var ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

  function problem(code, box) {
    if (!code) return "";
    if (code.length !== 18) return box.dataset.wrongLength.replace("{n}", code.length);
    var total = 0;
    for (var i = 0; i < 18; i += 1) {
      if (ALPHABET.indexOf(code[i]) < 0) return box.dataset.wrongCharacter;
      if (i < 17) total += ALPHABET.indexOf(code[i]) * WEIGHTS[i];
    }
    return ALPHABET[(31 - (total % 31)) % 31] === code[17] ? "" : box.dataset.wrongCheck;
  }

  document.querySelectorAll("input[data-kind=credit_code]").forEach(function (box) {
    var note = document.createElement("p");
    note.className = "field-error";
    note.id = box.id + "-check";
    note.setAttribute("aria-live", "polite");
    note.hidden = true;
    box.parentNode.after(note);
    box.addEventListener("change", function () {
      var message = problem(box.value.replace(/[\s-]/g, "").toUpperCase(), box);
      note.textContent = message;
      note.hidden = !message;
      box.setAttribute("aria-invalid", message ? "true" : "false");
    });
  });
})();
