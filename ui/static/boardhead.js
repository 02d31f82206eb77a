// The board's header: the operation's phase and a countdown to its start
// (or, while it runs, to its end), derived from the clock every second,
// with the same thresholds as the server (watch.Operation.PhaseAt).
(function () {
  "use strict";
  var box = document.getElementById("opstate");
  if (!box) return;
  var start = Date.parse(box.dataset.start), end = Date.parse(box.dataset.end);
  var phaseEl = document.getElementById("op-phase");
  var cdEl = document.getElementById("op-countdown");
  var cdLabel = document.getElementById("op-countdown-label");
  var H = 3600 * 1000;
  function phase(now) {
    if (now < start - 48 * H) return "upcoming";
    if (now < start - 6 * H) return "before";
    if (now < start) return "imminent";
    if (now < end) return "live";
    if (now < end + 6 * H) return "after";
    return "closed";
  }
  function span(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return (d ? d + "d " : "") + two(h) + ":" + two(m) + ":" + two(sec);
  }
  function tick() {
    var now = Date.now(), p = phase(now);
    if (phaseEl.textContent !== p) { phaseEl.textContent = p; phaseEl.className = "phase phase-" + p; }
    var label, text;
    if (now < start) { label = "Starts in"; text = span(start - now); }
    else if (now < end) { label = "Ends in"; text = span(end - now); }
    else { label = "Ended"; text = span(now - end) + " ago"; }
    if (cdLabel.textContent !== label) cdLabel.textContent = label;
    cdEl.textContent = text;
    box.dataset.phase = p;
  }
  tick();
  setInterval(tick, 1000);
})();
