// The timeline client of docs/protocol.md, shared by every live page: it
// connects at a position, drops anything not newer than the last seq it
// handed on, reloads on reset, and reconnects after any drop with
// exponential backoff and full jitter (0.5 s doubling to 15 s).
(function () {
  "use strict";
  // follow calls onEvent(msg) for each new event of the board, in seq
  // order, onState(msg) for each presence or claims message (no seq: each
  // replaces the last), and onStatus(true/false) as the connection opens
  // and drops.
  function follow(o) {
    var lastSeq = o.after, attempt = 0, ws = null, hidden = false;
    // A page leaving (or going into the back-forward cache) closes its
    // socket, so it stops counting as watching the board; it resumes from
    // its last seq if it is shown again.
    window.addEventListener("pagehide", function () { hidden = true; if (ws) ws.close(1000, "page hidden"); });
    window.addEventListener("pageshow", function (ev) { if (ev.persisted && hidden) { hidden = false; connect(); } });
    function connect() {
      var proto = location.protocol === "https:" ? "wss:" : "ws:";
      var sock = ws = new WebSocket(proto + "//" + location.host + "/ws?board=" + encodeURIComponent(o.board) +
        "&after=" + lastSeq + "&epoch=" + encodeURIComponent(o.epoch));
      sock.onopen = function () { attempt = 0; o.onStatus(true); };
      sock.onmessage = function (ev) {
        var msg;
        try { msg = JSON.parse(ev.data); } catch (e) { return; }
        if (msg.type === "reset") { location.reload(); return; }
        if (!msg.seq) { if (o.onState) o.onState(msg); return; } // presence, claims: no seq, latest wins
        if (msg.seq <= lastSeq) return; // a duplicate after a resume
        lastSeq = msg.seq;
        o.onEvent(msg);
      };
      sock.onclose = function (ev) {
        if (sock !== ws) return; // an old socket, already replaced
        if (ev.code === 4009) { location.reload(); return; }
        if (ev.code === 4001) { location.href = "/login?ended=access"; return; } // session ended or access changed
        o.onStatus(false);
        if (hidden) return;
        var cap = Math.min(15000, 500 * Math.pow(2, attempt++));
        setTimeout(connect, Math.floor(Math.random() * cap) + 250);
      };
    }
    connect();
  }
  window.watchroomLive = { follow: follow };
})();
