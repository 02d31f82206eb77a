// Drawing attention to new hits: an unread count in the tab's title, a
// polite announcement for screen readers, and, opt-in per severity, a
// tone and a desktop notification. The choices are the person's own,
// kept on the server (/api/prefs) so they follow them to another screen.
// The highlight of a new card is board.js's (class "fresh"; still when
// the person prefers reduced motion).
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) return;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var baseTitle = document.title;
  var away = 0, queued = 0, paused = false;
  var prefs = { sound: [], notify: [] };
  var stateEl = document.getElementById("attention-state");
  var announceEl = document.getElementById("announce");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#attention input[data-pref]"));

  function looking() { return !document.hidden && document.hasFocus(); }
  function showTitle() {
    var n = away + (paused ? queued : 0);
    document.title = n > 0 ? "(" + n + ") " + baseTitle : baseTitle;
    root.dataset.unread = n;
  }
  function seen() { if (looking() && away) { away = 0; showTitle(); } }
  document.addEventListener("visibilitychange", seen);
  window.addEventListener("focus", seen);
  root.addEventListener("watchroom:queued", function (ev) {
    queued = ev.detail.count;
    paused = ev.detail.paused;
    showTitle();
  });

  // Announcements are gathered for a second, so a burst is one sentence.
  var batch = [], batchTimer = null;
  function announce() {
    batchTimer = null;
    var crit = batch.filter(function (s) { return s === "critical"; }).length;
    var high = batch.filter(function (s) { return s === "high"; }).length;
    var text = batch.length === 1 ? "1 new hit" : batch.length + " new hits";
    if (crit) text += ", " + crit + " critical";
    if (high) text += ", " + high + " high";
    announceEl.textContent = text + (paused ? " (paused)" : "");
    batch = [];
  }

  var audio = null, lastTone = 0;
  var pitch = { critical: 880, high: 660, routine: 440 };
  function tone(severity) {
    var now = Date.now();
    if (now - lastTone < 1500) return; // a burst sounds once
    lastTone = now;
    root.dataset.tones = Number(root.dataset.tones || 0) + 1;
    root.dataset.lastTone = severity;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = pitch[severity] || 440;
      g.gain.setValueAtTime(0.2, audio.currentTime);
      g.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      o.connect(g); g.connect(audio.destination);
      o.start(); o.stop(audio.currentTime + 0.4);
    } catch (e) { /* no audio here */ }
  }
  function notify(h, severity) {
    if (!window.Notification || Notification.permission !== "granted" || looking()) return;
    try {
      var n = new Notification(severity + " hit on " + h.list, { body: window.watchroomReveal((h.item && h.item.title) || ""), tag: "hit-" + h.id });
      n.onclick = function () { window.focus(); var c = window.watchroomBoard && window.watchroomBoard.cardOf(h.id); if (c) c.focus(); };
      root.dataset.notified = Number(root.dataset.notified || 0) + 1;
    } catch (e) { /* notifications refused */ }
  }

  root.addEventListener("watchroom:hit", function (ev) {
    var d = ev.detail, sev = d.severity || "routine";
    if (!d.queued && !looking()) away++;
    showTitle();
    batch.push(sev);
    if (!batchTimer) batchTimer = setTimeout(announce, 1000);
    if (prefs.sound.indexOf(sev) >= 0) tone(sev);
    if (prefs.notify.indexOf(sev) >= 0) notify(d.hit, sev);
  });

  function showPrefs() {
    boxes.forEach(function (b) { b.checked = (prefs[b.dataset.pref] || []).indexOf(b.value) >= 0; });
  }
  function save() {
    var p = { sound: [], notify: [] };
    boxes.forEach(function (b) { if (b.checked) p[b.dataset.pref].push(b.value); });
    stateEl.textContent = "Saving…";
    return fetch("/api/prefs", {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(p)
    }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || ("HTTP " + r.status)); return j; });
    }).then(function (j) {
      prefs = j;
      root.dataset.prefs = JSON.stringify(j);
      stateEl.textContent = "Saved.";
    }).catch(function (e) { stateEl.textContent = "Not saved: " + e.message; showPrefs(); });
  }
  boxes.forEach(function (b) {
    b.addEventListener("change", function () {
      if (b.checked && b.dataset.pref === "sound" && !audio) {
        // a tone needs the person's own gesture to be allowed at all
        try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
      }
      if (b.checked && b.dataset.pref === "notify" && window.Notification && Notification.permission === "default") {
        Notification.requestPermission().then(function (p) {
          if (p === "denied") stateEl.textContent = "The browser refuses notifications for this site.";
        });
      }
      save();
    });
  });
  fetch("/api/prefs", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (p) { if (p) { prefs = p; root.dataset.prefs = JSON.stringify(p); showPrefs(); } })
    .catch(function () {});
  showTitle();
})();
