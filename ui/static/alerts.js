// The board's alert panel: open alerts, firing on top, then the most
// severe, then the newest; acknowledge, take (assign to oneself and
// acknowledge) or resolve with a reason; the evidence one click away.
// Silenced alerts are shown at reduced weight and can be hidden (the
// choice is remembered in this browser). Rendered as text only. Live
// updates arrive as "alert" events through board.js, which calls
// window.watchroomAlerts.update.
(function () {
  "use strict";
  var root = document.getElementById("board");
  var list = document.getElementById("alerts");
  if (!root || !list) return;
  var board = root.dataset.board;
  var canAct = root.dataset.canAnnotate === "yes";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var alerts = {}; // fingerprint -> alert
  var live = {}; // fingerprints updated by live events: newer than the initial load
  // 1-based: a state not listed sorts last (0 would read as missing)
  var rank = { firing: 1, acknowledged: 2, pending: 3 };
  var sev = window.watchroomSeverity;
  var hideKey = "watchroom.alerts.hideSilenced";

  // the "hide silenced" toggle, remembered per browser
  var tools = document.createElement("p");
  tools.className = "alerts-tools";
  var hideLabel = document.createElement("label");
  var hide = document.createElement("input");
  hide.type = "checkbox";
  hide.id = "hide-silenced";
  hideLabel.appendChild(hide);
  hideLabel.appendChild(document.createTextNode(" hide silenced alerts"));
  var hiddenCount = document.createElement("span");
  hiddenCount.id = "silenced-hidden";
  tools.appendChild(hideLabel);
  tools.appendChild(document.createTextNode(" "));
  tools.appendChild(hiddenCount);
  list.parentNode.insertBefore(tools, list);
  function stored() { try { return window.localStorage.getItem(hideKey) === "yes"; } catch (e) { return false; } }
  hide.checked = stored();
  hide.addEventListener("change", function () {
    try { window.localStorage.setItem(hideKey, hide.checked ? "yes" : "no"); } catch (e) { /* private mode: this page only */ }
    render();
  });

  function post(fp, action, body) {
    return fetch("/api/alerts/" + encodeURIComponent(fp) + "/" + action, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { var e = new Error(j.error || ("HTTP " + r.status)); e.status = r.status; e.field = j.field; throw e; }
        return j;
      });
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showEvidence(a, box) {
    box.textContent = "";
    (a.evidence || []).slice().reverse().forEach(function (id) {
      var li = el("li");
      var b = el("button", "evidence-link", "Hit " + id);
      b.type = "button";
      b.addEventListener("click", function () {
        var card = window.watchroomBoard ? window.watchroomBoard.cardOf(id) : document.getElementById("hit-" + id);
        if (card) { card.scrollIntoView({ block: "center" }); card.classList.add("focused"); card.focus && card.focus(); return; }
        fetch("/api/hits/" + id, { credentials: "same-origin" }).then(function (r) { return r.json(); })
          .then(function (h) { if (h.item) li.appendChild(el("div", "small", window.watchroomReveal(h.item.title + " (" + h.item.source + ")"))); });
      });
      li.appendChild(b);
      box.appendChild(li);
    });
  }

  function render() {
    list.textContent = "";
    var all = Object.keys(alerts).map(function (k) { return alerts[k]; });
    all.sort(function (a, b) {
      var d = (rank[a.state] || 9) - (rank[b.state] || 9);
      if (d !== 0) return d;
      d = sev.rank(b.severity) - sev.rank(a.severity);
      if (d !== 0) return d;
      return b.started > a.started ? 1 : (b.started < a.started ? -1 : 0);
    });
    document.getElementById("no-alerts").hidden = all.length > 0;
    list.classList.toggle("hide-silenced", hide.checked);
    var silenced = all.filter(function (a) { return a.silenced; }).length;
    hiddenCount.textContent = hide.checked && silenced ? "(" + silenced + " hidden)" : "";
    all.forEach(function (a) {
      var li = el("li", "alert state-" + a.state + (a.silenced ? " silenced" : ""));
      li.id = "alert-" + a.fingerprint;
      li.dataset.state = a.state;
      sev.mark(li, a.severity);
      li.appendChild(el("strong", "name", a.rule_name || a.rule));
      li.appendChild(el("span", "state", " " + a.state + (a.silenced ? " (silenced)" : "")));
      if (a.operation) li.appendChild(el("div", "small", "operation " + a.operation));
      var labels = a.labels || {};
      if (labels.author) li.appendChild(el("div", "small author-label", "author " + labels.author));
      if (labels.source) li.appendChild(el("div", "small", "source " + labels.source));
      li.appendChild(el("div", "summary", window.watchroomReveal(a.summary))); // may name a post's author
      var who = [];
      if (a.acked_by) who.push("acknowledged by " + a.acked_by);
      if (a.assignee) who.push("assigned to " + a.assignee);
      if (who.length) li.appendChild(el("div", "who", who.join(", ")));
      var err = el("div", "formerror");
      var ev = el("ol", "evidence");
      ev.hidden = true;
      var eb = el("button", "show-evidence", "Evidence (" + (a.evidence || []).length + ")");
      eb.type = "button";
      eb.addEventListener("click", function () { ev.hidden = !ev.hidden; if (!ev.hidden) showEvidence(a, ev); });
      li.appendChild(eb);
      if (canAct) {
        var act = function (action, body) {
          return function () { post(a.fingerprint, action, body && body()).catch(function (e) { err.textContent = e.message; }); };
        };
        if (a.state === "firing") {
          var take = el("button", "take", "Take");
          take.type = "button";
          take.addEventListener("click", act("take"));
          li.appendChild(take);
          var ack = el("button", "ack", "Acknowledge");
          ack.type = "button";
          ack.addEventListener("click", act("ack"));
          li.appendChild(ack);
        }
        var reason = el("input", "reason");
        reason.placeholder = "reason to resolve";
        reason.maxLength = 1000;
        reason.setAttribute("aria-label", "Reason to resolve");
        var reasonErr = el("div", "reason-error");
        reasonErr.id = "reason-error-" + a.fingerprint;
        reasonErr.setAttribute("role", "alert");
        reason.setAttribute("aria-describedby", reasonErr.id);
        var res = el("button", "resolve", "Resolve");
        res.type = "button";
        var needReason = function (msg) {
          reason.setAttribute("aria-invalid", "true");
          reasonErr.textContent = msg;
          reason.focus();
        };
        reason.addEventListener("input", function () { reason.removeAttribute("aria-invalid"); reasonErr.textContent = ""; });
        res.addEventListener("click", function () {
          if (!reason.value.trim()) { needReason("Give a reason to resolve this alert (what happened, or why it needs no action)."); return; }
          post(a.fingerprint, "resolve", { reason: reason.value }).catch(function (e) {
            if (e.field === "reason") needReason(e.message); else err.textContent = e.message;
          });
        });
        li.appendChild(reason);
        li.appendChild(res);
        li.appendChild(reasonErr);
        // mute its notifications for a while: the silence form, prefilled
        var q = "rule=" + encodeURIComponent(a.rule) + (a.operation ? "&operation=" + encodeURIComponent(a.operation) : "");
        var sil = el("a", "silence", "Silence…");
        sil.href = "/silences?" + q;
        li.appendChild(sil);
      }
      li.appendChild(ev);
      li.appendChild(err);
      list.appendChild(li);
    });
  }

  window.watchroomAlerts = {
    update: function (change) {
      var a = change.alert;
      live[a.fingerprint] = true;
      if (a.state === "resolved") delete alerts[a.fingerprint]; else alerts[a.fingerprint] = a;
      render();
    }
  };

  document.addEventListener("keydown", function (e) {
    if (!canAct || e.key !== "t" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    var top = list.querySelector('li[data-state="firing"]');
    if (!top) return;
    e.preventDefault();
    post(top.id.slice("alert-".length), "take").catch(function () {});
  });

  fetch("/api/boards/" + encodeURIComponent(board) + "/alerts", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : []; })
    .then(function (xs) { xs.forEach(function (a) { if (!live[a.fingerprint]) alerts[a.fingerprint] = a; }); render(); })
    .catch(function () {});
})();
