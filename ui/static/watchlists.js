// The watch-list editor: live syntax check with a caret under the
// problem, "try it" on the stored items with the matches highlighted, and
// save, disable, enable, revert and delete. Everything from the server is
// set as text; nothing is parsed as HTML.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var editor = document.getElementById("wl-editor");
  var form = document.getElementById("wl-form");
  var query = document.getElementById("wl-query");
  var checkEl = document.getElementById("wl-check");
  var errEl = document.getElementById("wl-error");
  var tryBox = document.getElementById("wl-try-result");
  var lists = {};

  function post(path, body) {
    return fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; });
    });
  }

  // the live syntax check, debounced; a late answer to an older text is dropped
  var checkTimer = null, checkSeq = 0;
  function showCheck(p) {
    checkEl.className = "wl-check mono" + (p && p.ok ? " ok" : "");
    if (!p) { checkEl.textContent = ""; return; }
    if (p.ok) {
      var nx = (p.exclusions || []).length;
      checkEl.textContent = "Parses: " + (p.terms || []).length + " term" + ((p.terms || []).length === 1 ? "" : "s") +
        (nx ? ", " + nx + " excluded (" + p.exclusions.map(function (x) { return "-" + x; }).join(", ") + ")" : "") + ".";
      return;
    }
    checkEl.textContent = p.message + (p.caret ? "\n" + p.caret : "");
  }
  function check() {
    var seq = ++checkSeq, text = query.value;
    if (text.trim() === "") { showCheck(null); return; }
    post("/api/watchlists/check", { query: text }).then(function (r) {
      if (seq === checkSeq) showCheck(r.body);
    }).catch(function () {});
  }
  query.addEventListener("input", function () {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 250);
  });

  function draft() {
    var ticked = function (name) {
      return Array.prototype.filter.call(form.elements[name] ? form.querySelectorAll('input[name="' + name + '"]') : [],
        function (b) { return b.checked; }).map(function (b) { return b.value; });
    };
    return {
      id: form.elements.id.value.trim(), name: form.elements.name.value, query: query.value,
      severity: form.elements.severity.value, sources: ticked("sources"), operations: ticked("operations"),
      tags: form.elements.tags.value.split(",").map(function (t) { return t.trim(); }).filter(function (t) { return t !== ""; }),
      rev: Number(form.elements.rev.value) || 0
    };
  }

  function open(l) {
    form.reset();
    errEl.textContent = "";
    tryBox.hidden = true;
    var isNew = !l;
    l = l || { id: "", name: "", query: "", severity: "routine", sources: [], operations: [], tags: [], rev: 0, origin: "web" };
    form.elements.mode.value = isNew ? "new" : "edit";
    form.elements.rev.value = String(l.rev);
    form.elements.id.value = l.id;
    form.elements.id.readOnly = !isNew;
    form.elements.name.value = l.name;
    form.elements.severity.value = l.severity || "routine";
    form.elements.tags.value = (l.tags || []).join(", ");
    query.value = l.query;
    form.querySelectorAll('input[name="sources"]').forEach(function (b) { b.checked = l.sources.indexOf(b.value) >= 0; });
    form.querySelectorAll('input[name="operations"]').forEach(function (b) { b.checked = l.operations.indexOf(b.value) >= 0; });
    document.getElementById("wl-editor-title").textContent = isNew ? "New watch list" : "Edit " + (l.name || l.id);
    var origin = document.getElementById("wl-origin");
    origin.textContent = "";
    if (l.origin === "config") origin.textContent = "From the config file: saving keeps your version in the database, over the file's, until it is reverted.";
    if (l.origin === "config_changed") origin.textContent = "From the config file, changed in the web. The file's version: " + l.config_query;
    editor.hidden = false;
    showCheck(null);
    if (l.query) check();
    (isNew ? form.elements.id : query).focus();
  }

  document.getElementById("wl-new").addEventListener("click", function () { open(null); });
  document.getElementById("wl-cancel").addEventListener("click", function () { editor.hidden = true; });

  // highlight fills el with text, marking the byte spans (UTF-8 offsets)
  // of one field; a span that does not fall on a character boundary is
  // widened to one, so a character is never cut.
  var enc = new TextEncoder(), dec = new TextDecoder();
  function highlight(el, text, spans, field) {
    el.textContent = "";
    var bytes = enc.encode(text || "");
    var cont = function (i) { return i > 0 && i < bytes.length && (bytes[i] & 0xC0) === 0x80; };
    var mine = (spans || []).filter(function (s) { return s.field === field; })
      .sort(function (a, b) { return a.start - b.start; });
    var pos = 0;
    mine.forEach(function (s) {
      var start = s.start, end = s.end;
      if (!(start >= 0 && end <= bytes.length && start < end)) return;
      while (cont(start)) start--;
      while (cont(end)) end++;
      if (start < pos) return;
      el.appendChild(document.createTextNode(dec.decode(bytes.subarray(pos, start))));
      var m = document.createElement("mark");
      m.textContent = dec.decode(bytes.subarray(start, end));
      el.appendChild(m);
      pos = end;
    });
    el.appendChild(document.createTextNode(dec.decode(bytes.subarray(pos))));
  }

  function showError(r) {
    errEl.textContent = (r.body && r.body.error) || ("The server answered " + r.status + ".");
    if (r.body && r.body.check) showCheck(r.body.check);
  }

  var statusWords = { "new": "New", lost: "Lost", unchanged: "Unchanged" };
  document.getElementById("wl-try").addEventListener("click", function () {
    errEl.textContent = "";
    var button = this;
    button.disabled = true;
    post("/api/watchlists/try", { list: draft(), days: Number(form.elements.days.value) }).then(function (r) {
      if (r.status !== 200) { showError(r); return; }
      var t = r.body;
      document.getElementById("wl-try-summary").textContent =
        "Scanned " + t.scanned + " stored item" + (t.scanned === 1 ? "" : "s") + " from the last " + t.days + " day" + (t.days === 1 ? "" : "s") +
        (t.capped ? " (the newest only: more are stored)" : "") +
        (t.stopped ? " (it stopped there: the draft took too long; a simpler query scans further)" : "") + ". The draft matches " + t.draft + ", the current version " + t.current +
        ": " + t["new"] + " new, " + t.lost + " lost, " + t.unchanged + " unchanged." +
        (t.shown < t["new"] + t.lost + t.unchanged ? " Showing " + t.shown + "." : "");
      var ol = document.getElementById("wl-try-items");
      ol.textContent = "";
      t.items.forEach(function (x) {
        var li = document.createElement("li");
        li.className = x.status;
        li.dataset.status = x.status;
        var st = document.createElement("span");
        st.className = "status";
        st.textContent = statusWords[x.status] || x.status;
        li.appendChild(st);
        var title = document.createElement("strong");
        title.className = "title";
        highlight(title, x.item.title, x.spans, "title");
        li.appendChild(title);
        var text = document.createElement("div");
        text.className = "text";
        highlight(text, x.item.text, x.spans, "text");
        li.appendChild(text);
        var meta = document.createElement("div");
        meta.className = "small";
        meta.textContent = [x.item.source, x.item.author, window.watchroomTime.format(x.item.found),
          "terms: " + (x.terms || []).join(", ")].filter(function (p) { return p; }).join(" · ");
        li.appendChild(meta);
        ol.appendChild(li);
      });
      tryBox.hidden = false;
    }).catch(function (e) { errEl.textContent = "Could not try the list: " + e.message; })
      .finally(function () { button.disabled = false; });
  });

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    errEl.textContent = "";
    var d = draft();
    var path = form.elements.mode.value === "new" ? "/api/watchlists" : "/api/watchlists/" + encodeURIComponent(d.id) + "/save";
    var button = document.getElementById("wl-save");
    button.disabled = true;
    post(path, d).then(function (r) {
      if (r.status !== 200) { showError(r); return; }
      if (r.body.error) { errEl.textContent = r.body.error; return; }
      location.assign("/watchlists?saved=" + encodeURIComponent(d.id) + "#list-" + encodeURIComponent(d.id));
    }).catch(function (e) { errEl.textContent = "Could not save: " + e.message; })
      .finally(function () { button.disabled = false; });
  });

  document.querySelectorAll(".watchlist").forEach(function (sec) {
    var id = sec.dataset.id;
    sec.querySelector(".wl-edit").addEventListener("click", function () { open(lists[id]); });
    sec.querySelectorAll(".wl-act").forEach(function (b) {
      b.addEventListener("click", function () {
        var action = b.dataset.action;
        if (action === "delete" && !confirm("Delete the watch list " + id + "?")) return;
        post("/api/watchlists/" + encodeURIComponent(id) + "/" + action, { rev: Number(sec.dataset.rev) }).then(function (r) {
          if (r.status !== 200) { sec.querySelector(".formerror").textContent = (r.body && r.body.error) || ("HTTP " + r.status); return; }
          location.reload();
        });
      });
    });
  });

  fetch("/api/watchlists", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (j) {
    j.lists.forEach(function (l) { lists[l.id] = l; });
    document.body.dataset.ready = "yes";
  });
})();
