// The session's idle timeout, shown and kept: the header says when the
// session ends if nothing more is done; a person's input (a key, a click,
// a touch) tells the server, at most every 30 s; every 20 s the page asks
// whether the session is still alive (which does not count as activity)
// and, once it is not, goes to the sign-in page, so a board left open on
// a shared desk does not stay signed in.
(function () {
  "use strict";
  var el = document.getElementById("idle-ends");
  if (!el) return;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var lastReport = 0;

  function show(iso) {
    el.setAttribute("data-ends", iso);
    var t = el.querySelector("time");
    if (t && window.watchroomTime) t.textContent = window.watchroomTime.format(iso);
  }
  function answer(r) {
    if (r.status === 401) {
      window.location.assign("/login?ended=idle");
      return null;
    }
    return r.ok ? r.json() : null;
  }
  function update(body) {
    if (body && body.idle_ends) show(body.idle_ends);
  }
  function check() {
    return fetch("/api/session", { credentials: "same-origin", cache: "no-store" }).then(answer).then(update, function () {});
  }
  function report() {
    var now = Date.now();
    if (now - lastReport < 30000) return;
    lastReport = now;
    fetch("/api/activity", {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "X-CSRF-Token": meta ? meta.content : "" }
    }).then(answer).then(update, function () {});
  }
  ["keydown", "pointerdown", "touchstart"].forEach(function (ev) {
    document.addEventListener(ev, report, { passive: true, capture: true });
  });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) check(); });
  lastReport = Date.now(); // the page load itself was activity
  window.setInterval(check, 20000);
  window.watchroomIdle = { check: check, report: function () { lastReport = 0; report(); } };
})();
