// Draws each result chart from the figure data the page embeds (Plotly served by this app),
// then marks the page, so that a headless browser printing it knows when to print.
(function () {
  "use strict";
  var drawn = Array.prototype.map.call(document.querySelectorAll(".chart[data-figure]"), function (box) {
    var figure = JSON.parse(document.getElementById(box.dataset.figure).textContent);
    return window.Plotly.newPlot(box, figure.data, figure.layout, {
      displayModeBar: false,
      responsive: true,
      staticPlot: window.matchMedia("(pointer: coarse)").matches || document.body.classList.contains("printed"),
    });
  });
  Promise.all(drawn).then(function () { document.body.dataset.charts = "drawn"; });
})();
