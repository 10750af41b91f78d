// Draws each chart of the staff report from the figure data the page embeds, with the Plotly
// the app serves itself (the public's pages show drawings made when results are published).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".chart[data-figure]"), function (box) {
    var figure = JSON.parse(document.getElementById(box.dataset.figure).textContent);
    window.Plotly.newPlot(box, figure.data, figure.layout, {
      displayModeBar: false,
      responsive: true,
      staticPlot: window.matchMedia("(pointer: coarse)").matches,
    });
  });
})();
