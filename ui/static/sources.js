// The source health board: every source's state, live from the timeline's
// "source" events, with pause, resume and poll now. Text only.
(function () {
  "use strict";
  var body = document.querySelector("#sources-table tbody");
  var statusEl = document.getElementById("status");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var rows = {}, data = {};
  var when = window.watchroomTime.format; // as every time in the console
  function cell(text) { var td = document.createElement("td"); td.textContent = text; return td; }
  function state(s) { return s.paused ? "paused" : (s.state === "failing" && s.failures > 0 ? "failing, backing off" : s.state); }

  function act(id, action) {
    return fetch("/api/sources/" + encodeURIComponent(id) + "/" + action, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf }
    }).then(function (r) { return r.json(); }).then(function (j) {
      if (j.error) rows[id].querySelector(".formerror").textContent = j.error;
    });
  }

  function render(s) {
    var id = s.id || s.source;
    s = Object.assign({}, data[id] || {}, s, { id: id });
    data[id] = s;
    var tr = rows[id];
    if (!tr) { tr = document.createElement("tr"); tr.id = "src-" + id; rows[id] = tr; body.appendChild(tr); }
    tr.textContent = "";
    tr.className = "state-" + (s.paused ? "paused" : s.state);
    tr.dataset.state = state(s);
    tr.appendChild(cell(s.name || id));
    tr.appendChild(cell(s.kind || ""));
    tr.appendChild(cell(state(s)));
    tr.appendChild(cell(when(s.last_success)));
    tr.appendChild(cell(s.last_error ? (s.error_class || "error") + ": " + window.watchroomReveal(s.last_error) + " (" + when(s.last_error_at) + ")" : ""));
    tr.appendChild(cell(s.cadence ? s.cadence + " (" + s.cadence_why + ")" : ""));
    tr.appendChild(cell(s.next_run ? when(s.next_run) : ""));
    tr.appendChild(cell(String(s.new_items_24h || 0)));
    tr.appendChild(cell(Math.round(100 * (s.share_304 || 0)) + "% of " + (s.polls_24h || 0)));
    var td = document.createElement("td");
    [[s.paused ? "resume" : "pause", s.paused ? "Resume" : "Pause"], ["poll", "Poll now"]].forEach(function (a) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "act-" + a[0];
      b.textContent = a[1];
      b.addEventListener("click", function () { act(id, a[0]); });
      td.appendChild(b);
    });
    var err = document.createElement("span");
    err.className = "formerror";
    td.appendChild(err);
    tr.appendChild(td);
  }

  // Manual capture: the reply is shown as text only.
  var form = document.getElementById("capture-form");
  var result = document.getElementById("capture-result");
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    result.textContent = "Fetching…";
    result.dataset.state = "busy";
    fetch("/api/capture", {
      method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf },
      body: new URLSearchParams(new FormData(form))
    }).then(function (r) { return r.json(); }).then(function (j) {
      if (j.error) {
        result.textContent = (j.class ? j.class + ": " : "") + j.error;
        result.dataset.state = "error";
        return;
      }
      result.textContent = "Captured " + j.new + " of " + j.items + " item(s): " + j.hits.length + " hit(s) on " +
        (j.lists.length ? j.lists.join(", ") : "no list") + ".";
      result.dataset.state = "ok";
      form.reset();
    }).catch(function () {
      result.textContent = "The capture could not be sent; try again.";
      result.dataset.state = "error";
    }).then(function () { button.disabled = false; });
  });

  fetch("/api/sources", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (reply) {
    reply.sources.forEach(render);
    window.watchroomLive.follow({
      board: "all", after: reply.head, epoch: reply.epoch,
      onEvent: function (m) { if (m.type === "source") render(m.data); },
      onStatus: function (live) {
        document.body.dataset.live = live ? "yes" : "no";
        statusEl.textContent = live ? "Live" : "Connection lost. Reconnecting…";
        statusEl.className = "status " + (live ? "live" : "reconnecting");
      }
    });
  });
})();
