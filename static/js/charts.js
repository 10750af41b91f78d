// Draws each chart of the staff report from the figure data the page embeds, with the Plotly
// the app serves itself (the public's pages show drawings made when results are published).
// The report's chart-type switch draws the chosen kind in place from the figures the page
// holds; without JavaScript its links reload the page with that kind.
(function () {
  "use strict";
  var config = {
    displayModeBar: false,
    responsive: true,
    staticPlot: window.matchMedia("(pointer: coarse)").matches,
  };

  function draw(box, figure) {
    if (!figure) {
      // 表格: the table above says it all.
      window.Plotly.purge(box);
      box.hidden = true;
      return;
    }
    box.hidden = false; // first, or Plotly measures a box of no width
    window.Plotly.react(box, figure.data, figure.layout, config);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".chart[data-figure]"), function (box) {
    var figure = JSON.parse(document.getElementById(box.dataset.figure).textContent);
    if (figure) {
      draw(box, figure);
    }
  });

  Array.prototype.forEach.call(document.querySelectorAll(".chart-switch[data-figures]"), function (nav) {
    var figures = JSON.parse(document.getElementById(nav.dataset.figures).textContent);
    var box = document.querySelector('.chart[data-figure="' + nav.dataset.chart + '"]');
    nav.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-kind]");
      var plain = event.button === 0 && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey);
      if (!box || !link || !plain || !Object.prototype.hasOwnProperty.call(figures, link.dataset.kind)) {
        return; // a new tab, or nothing to draw here: the link does as links do
      }
      event.preventDefault();
      draw(box, figures[link.dataset.kind]);
      Array.prototype.forEach.call(nav.querySelectorAll("a[aria-current]"), function (other) {
        other.removeAttribute("aria-current");
      });
      link.setAttribute("aria-current", "true");
      // The address says which kind shows, so that a reload or a shared link keeps it.
      window.history.replaceState(window.history.state, "", link.href);
    });
  });
})();
