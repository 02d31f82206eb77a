// Requests, live: the requester's own list and request pages follow their
// board, the hub's queue and request pages follow the tasking board. Each
// change is fetched again from the server (which shows each person only
// what they may see) and written with textContent only.
(function () {
  "use strict";
  var main = document.getElementById("tasking");
  if (!main || !main.dataset.board || !window.watchroomLive) return;
  var status = document.getElementById("status");
  var kind = main.dataset.page;

  function text(el, s) { if (el) el.textContent = s == null ? "" : String(s); }
  function get(url, fn) {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j) fn(j); })
      .catch(function () {});
  }
  function cell(tr, s) { var td = document.createElement("td"); td.textContent = s || ""; tr.appendChild(td); return td; }

  function onList(ev) {
    var tr = document.getElementById("req-" + ev.data.id);
    if (!tr) return;
    var st = tr.querySelector(".state");
    text(st, ev.data.state_label);
    st.className = "state state-" + ev.data.state;
  }

  function renderQueue(j) {
    var body = document.querySelector("#queue tbody");
    if (!body) return;
    var rows = j.requests || [];
    body.textContent = "";
    rows.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.id = "req-" + r.id;
      var td = document.createElement("td"), a = document.createElement("a");
      a.href = "/requests/" + encodeURIComponent(r.id);
      a.textContent = r.ref;
      td.appendChild(a);
      tr.appendChild(td);
      cell(tr, r.title); cell(tr, r.type); cell(tr, r.team); cell(tr, r.urgency);
      var st = cell(tr, r.state_label); st.className = "state state-" + r.state;
      cell(tr, r.priority); cell(tr, r.assignee); cell(tr, r.submitted);
      cell(tr, r.overdue).className = "overdue";
      body.appendChild(tr);
    });
    var empty = document.getElementById("queue-empty");
    if (empty) empty.hidden = rows.length > 0;
  }

  function renderRequest(j, ev) {
    var st = document.getElementById("state");
    text(st, j.state_label);
    if (st) st.className = "state-" + j.state;
    var hist = document.getElementById("history");
    if (hist) {
      hist.textContent = "";
      (j.history || []).forEach(function (h) {
        var li = document.createElement("li"), when = document.createElement("span"), what = document.createElement("strong");
        when.className = "when"; when.textContent = h.at;
        what.textContent = h.label;
        li.appendChild(when); li.appendChild(document.createTextNode(" ")); li.appendChild(what);
        li.appendChild(document.createTextNode(" by " + h.by + (h.note ? ": " + h.note : "")));
        if (!h.public) { var t = document.createElement("span"); t.className = "tag"; t.textContent = "hub only"; li.appendChild(document.createTextNode(" ")); li.appendChild(t); }
        hist.appendChild(li);
      });
    }
    var asked = document.getElementById("asked-box");
    if (asked) { asked.hidden = j.state !== "info_requested"; text(document.getElementById("info-asked"), j.info_asked); }
    var declined = document.getElementById("declined-box");
    if (declined) { declined.hidden = j.state !== "declined"; text(document.getElementById("decline-text"), j.decline); }
    var prods = document.getElementById("products");
    if (prods && main.dataset.board.indexOf("tasking:u") === 0) {
      prods.textContent = "";
      (j.products || []).forEach(function (p) {
        var li = document.createElement("li"), h = document.createElement("h3"), pre = document.createElement("pre"), sum = document.createElement("p");
        li.id = "product-" + p.version;
        h.textContent = p.title + " (version " + p.version + ", " + p.when + ")";
        pre.className = "prewrap"; pre.textContent = p.text;
        sum.className = "small"; sum.textContent = "SHA-256 " + p.sha256;
        li.appendChild(h); li.appendChild(pre); li.appendChild(sum);
        prods.appendChild(li);
      });
      var none = document.getElementById("no-products");
      if (none) none.hidden = (j.products || []).length > 0;
    }
    var note = document.getElementById("live-note");
    if (note) {
      note.hidden = false;
      note.textContent = ev.data.action_label + " by " + ev.data.by + (ev.data.note ? ": " + ev.data.note : "") +
        (document.getElementById("decide") ? " (reload to act on it)" : "");
    }
  }

  function onEvent(ev) {
    if (ev.type !== "request" || !ev.data) return;
    if (kind === "list") onList(ev);
    else if (kind === "queue") get("/api/tasking/queue", renderQueue);
    else if (kind === "request" && String(ev.data.id) === main.dataset.id) {
      get("/api/requests/" + encodeURIComponent(main.dataset.id), function (j) { renderRequest(j, ev); });
    }
  }

  window.watchroomLive.follow({
    board: main.dataset.board, epoch: main.dataset.epoch, after: Number(main.dataset.after) || 0,
    onEvent: onEvent,
    onStatus: function (up) {
      if (!status) return;
      status.textContent = up ? "Live" : "Reconnecting…";
      status.className = "status " + (up ? "live" : "reconnecting");
    }
  });
})();
