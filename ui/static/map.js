// The map: operations with their radius and the hits that carry a place,
// drawn by Leaflet over the force's tile server when the config names one
// (ui.map.tiles), else over the land outline embedded in the console
// (world-atlas, turned into GeoJSON here by topojson-client). Names and
// titles are put in the map as text (DOM nodes), never as HTML.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L || document.body.classList.contains("wall")) return;
  var boardEl = document.getElementById("board");
  var board = el.dataset.board || (boardEl && boardEl.dataset.board) || "all";
  var map = L.map(el, { attributionControl: true, zoomControl: true, worldCopyJump: true }).setView([54, -2], 5);
  // the outline lies in a pane of its own under the operations and hits,
  // however late it arrives
  map.createPane("outline").style.zIndex = 250;
  var base = null, layer = L.layerGroup().addTo(map), fitted = false;
  var phaseColour = { live: "#ff5252", imminent: "#ffb300", before: "#90caf9", upcoming: "#90caf9", after: "#b0bec5", closed: "#78909c" };

  function label(text) {
    var s = document.createElement("span");
    s.textContent = window.watchroomReveal(text);
    return s;
  }
  function outline() {
    return fetch("/static/vendor/land-50m.json").then(function (r) { return r.json(); }).then(function (topo) {
      var land = window.topojson.feature(topo, topo.objects.land);
      L.geoJSON(land, { pane: "outline", interactive: false, style: { color: "#607d8b", weight: 1, fillColor: "#263238", fillOpacity: 1 } }).addTo(map);
      el.dataset.base = "outline";
    });
  }
  function draw(m) {
    if (!base) {
      if (m.tiles) {
        base = L.tileLayer(m.tiles, { attribution: "", maxZoom: 19 }).addTo(map);
        if (m.attribution) map.attributionControl.addAttribution(m.attribution.replace(/[<>&"']/g, ""));
        el.dataset.base = "tiles";
      } else {
        base = outline().catch(function () { el.dataset.base = "none"; });
      }
    }
    layer.clearLayers();
    var bounds = [];
    (m.operations || []).forEach(function (op) {
      var c = phaseColour[op.phase] || "#90caf9";
      if (op.radius_m > 0) {
        var circle = L.circle([op.lat, op.lon], { radius: op.radius_m, color: c, weight: 2, fillOpacity: 0.15 }).addTo(layer);
        circle.bindTooltip(label(op.name + (op.place ? " · " + op.place : "")));
        bounds.push(circle.getBounds());
      }
      var dot = L.circleMarker([op.lat, op.lon], { radius: 7, color: c, weight: 2, fillOpacity: 0.9, className: "map-op" }).addTo(layer);
      dot.bindTooltip(label(op.name + " (" + op.phase + ")"));
      bounds.push(L.latLngBounds([op.lat, op.lon], [op.lat, op.lon]));
    });
    (m.hits || []).forEach(function (h) {
      var dot = L.circleMarker([h.lat, h.lon], { radius: 5, color: "#f0b429", weight: 1, fillOpacity: 0.8, className: "map-hit" }).addTo(layer);
      dot.bindTooltip(label(h.title + " (" + (h.lists || []).join(", ") + ")"));
      bounds.push(L.latLngBounds([h.lat, h.lon], [h.lat, h.lon]));
    });
    if (bounds.length && !fitted) {
      var all = bounds[0];
      bounds.forEach(function (b) { all.extend(b); });
      map.fitBounds(all.pad(0.3), { maxZoom: 14 });
      fitted = true;
    }
    el.dataset.operations = (m.operations || []).length;
    el.dataset.hits = (m.hits || []).length;
    el.dataset.loaded = "yes";
  }
  var timer = null;
  function load() {
    timer = null;
    fetch("/api/boards/" + encodeURIComponent(board) + "/map", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(draw)
      .catch(function () { el.dataset.loaded = "error"; });
  }
  if (boardEl) boardEl.addEventListener("watchroom:hit", function () { if (!timer) timer = setTimeout(load, 5000); });
  load();
})();
