// The referral ledger's charts: go-echarts options served as JSON for the
// same filter as the page, rendered with the embedded echarts build.
(function () {
  "use strict";
  var root = document.getElementById("referrals-page");
  if (!root || !window.echarts) return;
  var q = root.dataset.query || "";
  fetch("/api/referrals/charts" + (q ? "?" + q : ""), { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (all) {
      if (!all) return;
      Object.keys(all).forEach(function (id) {
        var el = document.getElementById(id);
        if (!el) return;
        var chart = window.echarts.init(el, null, { renderer: "canvas" });
        chart.setOption(all[id], true);
        el.dataset.rendered = "yes";
      });
    });
})();
