// 关怀模式: 朗读 reads the page's main content aloud with the browser's own speech synthesis,
// where there is one (the button stays hidden where there is none). A second tap stops it.
(function () {
  "use strict";
  var button = document.querySelector("[data-read-aloud]");
  if (!button || !("speechSynthesis" in window) || !window.SpeechSynthesisUtterance) return;
  var label = button.textContent;
  var stopLabel = button.getAttribute("data-stop-label");
  button.hidden = false;

  function done() { button.textContent = label; }

  button.addEventListener("click", function () {
    if (window.speechSynthesis.speaking) {
      window.speechSynthesis.cancel();
      done();
      return;
    }
    var main = document.getElementById("main");
    var utterance = new window.SpeechSynthesisUtterance(main ? main.innerText : document.body.innerText);
    utterance.lang = document.documentElement.lang || "zh-CN";
    utterance.rate = 0.9;
    utterance.onend = done;
    utterance.onerror = done;
    button.textContent = stopLabel;
    window.speechSynthesis.speak(utterance);
  });
})();
