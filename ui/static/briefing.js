// Draws a briefing's charts from the options in #chart-data (built by
// go-echarts on the server). Used by the printable page and, inlined, by
// the downloadable file that opens offline.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  Object.keys(data).forEach(function (id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return;
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(data[id]);
    el.dataset.drawn = "yes";
  });
  document.body.dataset.charts = "drawn";
})();
