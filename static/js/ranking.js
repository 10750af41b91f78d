// Ranking works without this script: each option has a select of places. With it, tapping an
// option gives it the next place and tapping it again takes the place back; the selects (which
// are what the form posts) follow, and the list shows the order as it grows.
(function () {
  "use strict";
  document.querySelectorAll(".ranking").forEach(function (list) {
    var places = parseInt(list.dataset.places, 10);
    var items = Array.prototype.slice.call(list.querySelectorAll(".rank-item"));
    var status = document.createElement("p");
    var text = document.createElement("span");
    var reset = document.createElement("button");
    status.className = "rank-status";
    text.setAttribute("aria-live", "polite");
    reset.type = "button";
    reset.textContent = list.dataset.reset;
    status.append(text, reset);
    list.after(status);
    list.classList.add("tap");

    function place(item) { return parseInt(item.querySelector("select").value, 10) || 0; }

    function show() {
      var ranked = items.filter(place).sort(function (a, b) { return place(a) - place(b); });
      items.filter(function (item) { return !place(item); }).forEach(function (item) { ranked.push(item); });
      ranked.forEach(function (item) {
        var n = place(item);
        item.classList.toggle("ranked", n > 0);
        item.querySelector(".rank-badge").textContent = n || "";
        list.append(item);
      });
      text.textContent = list.dataset.progress.replace("{done}", items.filter(place).length).replace("{total}", places);
    }

    items.forEach(function (item) {
      var select = item.querySelector("select");
      var button = document.createElement("button");
      var badge = document.createElement("span");
      button.type = "button";
      button.className = "rank-button";
      badge.className = "rank-badge";
      badge.setAttribute("aria-hidden", "true");
      button.append(badge, item.querySelector(".rank-label").textContent);
      item.prepend(button);
      button.addEventListener("click", function () {
        var mine = place(item);
        if (mine) {
          // Taking a place back moves everything after it up by one.
          items.forEach(function (other) {
            var n = place(other);
            if (n > mine) other.querySelector("select").value = String(n - 1);
          });
          select.value = "";
        } else {
          var next = items.filter(place).length + 1;
          if (next > places) return;
          select.value = String(next);
        }
        show();
      });
    });
    reset.addEventListener("click", function () {
      items.forEach(function (item) { item.querySelector("select").value = ""; });
      show();
    });
    show();
  });
})();
