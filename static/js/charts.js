// Draws each result chart from the figure data the page embeds (Plotly served by this app).
(function () {
  "use strict";
  document.querySelectorAll(".chart[data-figure]").forEach(function (box) {
    var figure = JSON.parse(document.getElementById(box.dataset.figure).textContent);
    window.Plotly.newPlot(box, figure.data, figure.layout, {
      displayModeBar: false,
      responsive: true,
      staticPlot: window.matchMedia("(pointer: coarse)").matches,
    });
  });
})();
