// Board tools: filters, full-text search and keyboard navigation.
// Everything is rendered as text.
(function () {
  "use strict";
  var root = document.getElementById("board");
  var hits = document.getElementById("hits");
  var results = document.getElementById("results");
  var search = document.getElementById("search");
  var fList = document.getElementById("filter-list");
  var fSource = document.getElementById("filter-source");
  var fUnann = document.getElementById("filter-unannotated");
  var fFlag = document.getElementById("filter-flagged");
  var fSev = document.getElementById("filter-severity");
  var fTag = document.getElementById("filter-tag");
  var board = root.dataset.board;

  function addOption(sel, v) {
    if (!v) return;
    for (var i = 0; i < sel.options.length; i++) if (sel.options[i].value === v) return;
    var o = document.createElement("option");
    o.value = v;
    o.textContent = v;
    sel.appendChild(o);
  }

  // refilter hides the hits the filters leave out and offers every list and
  // source seen so far in the selects.
  function refilter() {
    var items = hits.querySelectorAll("li.hit");
    for (var i = 0; i < items.length; i++) {
      var li = items[i];
      // a card may hold the hits of several lists and sources (a cluster)
      var lists = (li.dataset.lists || encodeURIComponent(li.dataset.list || "")).split(" ").filter(Boolean).map(decodeURIComponent);
      var sources = (li.dataset.sources || encodeURIComponent(li.dataset.source || "")).split(" ").filter(Boolean).map(decodeURIComponent);
      lists.forEach(function (l) { addOption(fList, l); });
      sources.forEach(function (x) { addOption(fSource, x); });
      (li.dataset.tags || "").split(" ").filter(Boolean).forEach(function (k) { addOption(fTag, decodeURIComponent(k)); });
      var tags = (li.dataset.tags || "").split(" ");
      li.hidden = (fList.value && lists.indexOf(fList.value) < 0) ||
        (fSource.value && sources.indexOf(fSource.value) < 0) ||
        (fUnann.checked && li.dataset.annotated === "yes") ||
        (fFlag.checked && li.dataset.flagged !== "yes") ||
        (fSev.value && li.dataset.severity !== fSev.value) ||
        (fTag.value && tags.indexOf(encodeURIComponent(fTag.value)) < 0);
    }
  }
  [fList, fSource, fUnann, fFlag, fSev, fTag].forEach(function (el) {
    el.addEventListener("change", function () { refilter(); saveState(); });
  });

  // The filters and the search live in the address, so a reload or a
  // shared link shows the board as it was.
  var state = [["q", search], ["list", fList], ["source", fSource], ["severity", fSev], ["tag", fTag],
    ["unannotated", fUnann], ["flagged", fFlag]];
  function saveState() {
    var u = new URL(location.href);
    state.forEach(function (p) {
      var v = p[1].type === "checkbox" ? (p[1].checked ? "1" : "") : p[1].value.trim();
      if (v) u.searchParams.set(p[0], v); else u.searchParams.delete(p[0]);
    });
    if (u.href !== location.href) history.replaceState(null, "", u.href);
    var wall = document.getElementById("wall-link");
    if (wall) { u.searchParams.set("wall", "1"); wall.href = u.search; }
  }
  function loadState() {
    var u = new URL(location.href);
    state.forEach(function (p) {
      var v = u.searchParams.get(p[0]);
      if (v === null) return;
      if (p[1].type === "checkbox") { p[1].checked = v === "1"; return; }
      if (p[1].tagName === "SELECT") addOption(p[1], v);
      p[1].value = v;
    });
  }
  new MutationObserver(refilter).observe(hits, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-annotated", "data-flagged", "data-tags", "data-severity", "data-lists"] });

  // Search: results replace the live list until the search is cleared.
  var searchTimer = null;
  function runSearch() {
    var q = search.value.trim();
    saveState();
    if (!q) { window.watchroomBoard.showResults(null); results.hidden = true; hits.hidden = false; return; }
    fetch("/api/boards/" + encodeURIComponent(board) + "/search?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (list) {
        if (search.value.trim() !== q) return; // a newer search is on its way
        window.watchroomBoard.showResults(Array.isArray(list) ? list : [], "Nothing stored matches.");
        results.hidden = false;
        hits.hidden = true;
      }).catch(function () {});
  }
  search.addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 250); });

  // Keyboard: j/k move between visible hits, n annotates, p pauses, / searches.
  function visible() {
    return Array.prototype.filter.call(hits.querySelectorAll("li.hit"), function (li) { return !li.hidden; });
  }
  function move(step) {
    var list = visible();
    if (!list.length) return;
    var cur = hits.querySelector("li.hit.focused");
    var i = list.indexOf(cur);
    var next = list[Math.max(0, Math.min(list.length - 1, i < 0 ? 0 : i + step))];
    if (cur) cur.classList.remove("focused");
    next.classList.add("focused");
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (e.key === "Escape") {
      if (t === search && search.value) { search.value = ""; runSearch(); }
      if (typing) t.blur();
      return;
    }
    if (typing) return;
    switch (e.key) {
      case "j": e.preventDefault(); move(1); break;
      case "k": e.preventDefault(); move(-1); break;
      case "p": e.preventDefault(); window.watchroomBoard.togglePause(); break;
      case "/": e.preventDefault(); search.focus(); break;
      case "n": e.preventDefault(); break; // acted on at keyup, so the key is not typed into the note
      case "w":
        var held = hits.querySelector("li.hit.focused");
        if (held && root.dataset.canAnnotate === "yes") {
          e.preventDefault();
          window.watchroomBoard.toggleClaim(held.dataset.hit);
        }
        break;
      case "a":
      case "f":
        var sel = hits.querySelector("li.hit.focused");
        if (sel && root.dataset.canAnnotate === "yes") {
          e.preventDefault();
          window.watchroomBoard.quick(sel.dataset.hit, e.key === "a" ? "ack" : "flag");
        }
        break;
    }
  });
  document.addEventListener("keyup", function (e) {
    if (e.key !== "n" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var cur = hits.querySelector("li.hit.focused");
    if (cur && root.dataset.canAnnotate === "yes") window.watchroomBoard.annotate(cur.dataset.hit);
  });
  // a click on a card selects it, as j and k do
  hits.addEventListener("click", function (e) {
    var li = e.target.closest && e.target.closest("li.hit");
    if (!li || li.classList.contains("focused")) return;
    var cur = hits.querySelector("li.hit.focused");
    if (cur) cur.classList.remove("focused");
    li.classList.add("focused");
  });

  loadState();
  refilter();
  saveState();
  if (search.value.trim()) runSearch();

  window.watchroomTools = { refilter: refilter };
})();
