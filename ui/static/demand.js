// The demand charts: go-echarts options served as JSON (no inline script
// under the CSP), drawn into the divs above each figure's table.
(function () {
  "use strict";
  var main = document.getElementById("demand");
  if (!main || !window.echarts) return;
  var url = "/api/demand?" + (main.dataset.query || "");
  fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (all) {
      if (!all) return;
      Object.keys(all).forEach(function (id) {
        var el = document.getElementById(id);
        if (!el) return;
        var chart = window.echarts.init(el, null, { renderer: "canvas" });
        chart.setOption(all[id], true);
        el.dataset.drawn = "yes";
      });
      main.dataset.charts = "drawn";
    })
    .catch(function () {});
})();
