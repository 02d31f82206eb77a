// The live board. Everything from a source is put in the page as text
// (textContent), never as HTML. The client follows docs/architecture.md:
// load a snapshot, go live from its head, drop duplicates by seq, resume
// after any drop with after=<last seq>, reload on reset.
(function () {
  "use strict";
  var root = document.getElementById("board");
  var board = root.dataset.board;
  var epoch = root.dataset.epoch;
  var canAnnotate = root.dataset.canAnnotate === "yes";
  var me = root.dataset.me;
  var severities = {};
  try { severities = JSON.parse(root.dataset.severities || "{}"); } catch (e) { severities = {}; }
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var hitsEl = document.getElementById("hits");
  var form = window.watchroomAnnotateForm({ root: root, hitsEl: hitsEl, board: board, me: me, csrf: csrf, canAnnotate: canAnnotate,
    cardOf: function (id) { return hitEls[id]; } });
  var statusEl = document.getElementById("status");
  var lastSeq = 0;
  var hitEls = {}; // hit id -> its card's element (several hits may share a card)
  var cards = {}; // cluster key -> card
  var hitCard = {}; // hit id -> card
  var oldest = 0; // the oldest hit id loaded from the snapshot or pages: the cursor for older ones
  var resultEls = {}; // hit id -> its card among the search results (one hit each)
  var resultsEl = document.getElementById("results");
  // cardsOf are the cards showing a hit: in the live list, among the
  // search results, or both.
  function cardsOf(id) { return [hitEls[id], resultEls[id]].filter(Boolean); }

  // times are written as everywhere in the console (time.js)
  function showTime(el, iso) { window.watchroomTime.show(el, iso, "unknown"); }
  // on the wall a card says only the time it was found: the day is today
  var shortFmt = new Intl.DateTimeFormat("en-GB", { timeZone: root.dataset.tz, hour: "2-digit", minute: "2-digit" });
  var onWall = document.body.classList.contains("wall");
  function showShortTime(el, iso) {
    showTime(el, iso);
    if (!onWall || !iso) return;
    el.title = el.textContent;
    el.textContent = shortFmt.format(new Date(iso));
  }

  function setStatus(text, cls) {
    statusEl.textContent = text;
    statusEl.className = "status " + (cls || "");
  }

  // reveal (reveal.js) makes direction and invisible characters visible in
  // every field that came from a source.
  var reveal = window.watchroomReveal;

  function readableURL(u) { try { return decodeURI(u); } catch (e) { return u; } }

  // safeURL returns the link if it is http(s), else "".
  function safeURL(u) {
    try {
      var p = new URL(u);
      return (p.protocol === "http:" || p.protocol === "https:") ? p.href : "";
    } catch (e) { return ""; }
  }

  // highlight fills el with text, marking the byte spans (UTF-8 offsets
  // from the server) of the given field.
  var enc = new TextEncoder(), dec = new TextDecoder();
  function highlight(el, text, spans, field) {
    el.textContent = "";
    var bytes = enc.encode(text || "");
    var mine = (spans || []).filter(function (s) { return s.field === field; })
      .sort(function (a, b) { return a.start - b.start; });
    var pos = 0;
    mine.forEach(function (s) {
      if (s.start < pos || s.end > bytes.length || s.start >= s.end) return;
      // each piece is revealed once cut out, so the spans' offsets still
      // point into the text as the source wrote it
      el.appendChild(document.createTextNode(reveal(dec.decode(bytes.subarray(pos, s.start)))));
      var m = document.createElement("mark");
      m.textContent = reveal(dec.decode(bytes.subarray(s.start, s.end)));
      el.appendChild(m);
      pos = s.end;
    });
    el.appendChild(document.createTextNode(reveal(dec.decode(bytes.subarray(pos)))));
  }

  // A card may show several hits (see clusterKey): an annotation made on
  // all of them at once arrives once per hit and is shown once, as a
  // group remembering each hit's own annotation, so a correction
  // supersedes each of them.
  // Each card keeps its own groups (a hit may show on a live card and on
  // a search result's card): byAnn maps an annotation id to its group.
  function renderAnnotation(list, a) {
    var card = list.parentNode;
    var byAnn = card.watchroomAnn || (card.watchroomAnn = {});
    if (byAnn[a.id]) return;
    var groups = card.watchroomGroups || (card.watchroomGroups = {});
    var sig = [a.author, a.kind, a.team || "", a.note, (a.tags || []).join(","),
      a.supersedes ? (byAnn[a.supersedes] ? byAnn[a.supersedes].sig : String(a.supersedes)) : ""].join("\u0000");
    if (card.dataset) card.dataset.annotated = "yes";
    var g = groups[sig];
    if (g && !g.members.some(function (m) { return m.hit === a.hit_id; })) {
      g.members.push({ hit: a.hit_id, id: a.id });
      byAnn[a.id] = g;
      if (a.supersedes && byAnn[a.supersedes]) byAnn[a.supersedes].li.classList.add("superseded");
      return;
    }
    g = groups[sig] = { sig: sig, members: [{ hit: a.hit_id, id: a.id }] };
    byAnn[a.id] = g;
    var li = document.createElement("li");
    g.li = li;
    li.className = "annotation kind-" + (a.kind || "note");
    li.dataset.ann = a.id;
    if (card && card.dataset && a.kind === "flag") card.dataset.flagged = "yes";
    if (a.kind === "flag" && window.watchroomReferrals) window.watchroomReferrals.flagged(card, a.hit_id);
    if (card && card.dataset && (a.tags || []).length) {
      var tags = (card.dataset.tags || "").split(" ").filter(Boolean);
      a.tags.forEach(function (t) { var k = encodeURIComponent(t); if (tags.indexOf(k) < 0) tags.push(k); });
      card.dataset.tags = tags.join(" ");
    }
    var who = document.createElement("span");
    who.className = "author";
    who.textContent = reveal(a.author);
    var when = document.createElement("time");
    showTime(when, a.at);
    var note = document.createElement("span");
    note.className = "note";
    note.textContent = reveal(a.note); // a note may quote the post
    li.appendChild(who);
    li.appendChild(document.createTextNode(" · "));
    li.appendChild(when);
    var label = { ack: "acknowledged", flag: "flagged for referral to the platform", not_relevant: "marked not relevant" }[a.kind];
    if (a.kind === "escalate") label = "escalated to " + a.team;
    if (label) {
      var k = document.createElement("span");
      k.className = "kind";
      k.textContent = " " + label;
      li.appendChild(k);
    }
    if (a.note) {
      li.appendChild(document.createTextNode(": "));
    }
    li.appendChild(note);
    (a.tags || []).forEach(function (t) {
      var tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = t;
      li.appendChild(tag);
    });
    if (a.supersedes) {
      var old = byAnn[a.supersedes];
      if (old) old.li.classList.add("superseded");
      var s = document.createElement("span");
      s.className = "small";
      s.textContent = " (corrects an earlier note)";
      li.appendChild(s);
    }
    if (canAnnotate) {
      var fix = document.createElement("button");
      fix.type = "button";
      fix.className = "correct";
      fix.textContent = "Correct";
      fix.addEventListener("click", function () {
        form.open(card, g.members.map(function (m) { return { hit: m.hit, supersedes: m.id }; }), "Correcting the note by " + a.author);
      });
      li.appendChild(fix);
    }
    list.appendChild(li);
  }

  function cardHits(card) { return (card.dataset.hits || "").split(" ").filter(Boolean).map(Number); }
  function annotateCard(card) {
    form.open(card, cardHits(card).map(function (id) { return { hit: id }; }));
  }

  // learnSeverities asks once per unknown list for the lists' severities:
  // a list made or changed in the editor after this page loaded.
  var askedSeverity = {};
  function learnSeverities(list) {
    if (askedSeverity[list]) return;
    askedSeverity[list] = true;
    fetch("/api/severities", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (m) {
        if (!m || typeof m !== "object") return;
        severities = m;
        form.steady(function () { Object.keys(cards).forEach(function (k) { cardSeverity(cards[k]); }); });
      })
      .catch(function () { askedSeverity[list] = false; });
  }

  // Clusters: the hits of one item (one post on several lists) share a
  // card, and so do near-duplicates of one post: the same author and the
  // same words once case, links, punctuation and symbols are set aside
  // (a repost with a new link or emoji is the same post). Without an
  // author only the item's own hits share a card.
  var nonWord = /[^\p{L}\p{N}]+/gu;
  function normText(s) {
    return (s || "").normalize("NFKC").toLowerCase().replace(/https?:\/\/\S+/g, " ").replace(nonWord, " ").trim();
  }
  function clusterKey(h) {
    var author = normText(h.item.author);
    var text = normText((h.item.title || "") + " " + (h.item.text || ""));
    if (author && text) return "a:" + author + "\u0000" + text;
    return "i:" + h.item_id;
  }
  var rank = { critical: 3, high: 2, routine: 1 };
  function cardSeverity(card) {
    var best = "routine";
    card.lists.forEach(function (l) {
      var sv = severities[l] || "routine";
      if ((rank[sv] || 0) > (rank[best] || 0)) best = sv;
    });
    window.watchroomSeverity.mark(card.el, best);
    return best;
  }

  function newCard(h) {
    var li = document.getElementById("hit-template").content.firstElementChild.cloneNode(true);
    li.id = "hit-" + h.id;
    li.dataset.hit = h.id;
    li.dataset.list = h.list;
    if (root.dataset.canCapture === "yes") { // evidence: the capture form, prefilled from this hit
      var cap = document.createElement("a");
      cap.className = "capture-evidence";
      cap.href = "/evidence/capture?hit=" + encodeURIComponent(h.id);
      cap.textContent = "Capture as evidence";
      li.querySelector(".actions").appendChild(cap);
    }
    li.dataset.source = h.item.source;
    li.dataset.annotated = "no";
    li.tabIndex = -1;
    li.querySelector(".source").textContent = reveal(h.item.source);
    var by = li.querySelector(".author");
    if (h.item.author) { by.textContent = reveal(h.item.author); } else { by.parentNode.removeChild(by.previousSibling); by.remove(); }
    showTime(li.querySelector(".published"), h.item.published);
    showShortTime(li.querySelector(".found"), h.found);
    highlight(li.querySelector(".title"), h.item.title, h.spans, "title");
    highlight(li.querySelector(".text"), h.item.text, h.spans, "text");
    var a = li.querySelector(".link");
    var href = safeURL(h.item.url);
    if (href) { a.href = href; a.textContent = reveal(readableURL(href)); } else {
      var sep = a.nextSibling; // " · published "
      a.remove();
      if (sep) sep.textContent = "published ";
    }
    var open = li.querySelector("button.annotate-open");
    if (canAnnotate) open.hidden = false; else open.remove();
    return { el: li, hits: [], lists: [], items: [], sources: [] };
  }

  // resultCard is a search result's card: one hit, not clustered, with
  // the same actions as the live list's.
  function resultCard(h) {
    var li = newCard(h).el;
    li.id = "result-" + h.id;
    li.classList.add("result");
    li.dataset.hits = String(h.id);
    li.dataset.lists = encodeURIComponent(h.list);
    window.watchroomSeverity.mark(li, severities[h.list] || "routine");
    li.querySelector(".list").textContent = h.list;
    var list = li.querySelector(".annotations");
    (h.annotations || []).forEach(function (x) { renderAnnotation(list, x); });
    return li;
  }

  // renderHit puts a hit on the board: on its cluster's card, or on a new
  // card; live (atTop) it brings the card to the top.
  function renderHit(h, atTop, fresh) {
    if (hitEls[h.id]) return;
    var key = clusterKey(h);
    var card = cards[key];
    if (!card) { card = cards[key] = newCard(h); }
    var li = card.el;
    card.hits.push(h.id);
    card.hits.sort(function (x, y) { return y - x; });
    li.dataset.hits = card.hits.join(" ");
    if (card.lists.indexOf(h.list) < 0) card.lists.push(h.list);
    if (card.items.indexOf(h.item_id) < 0) card.items.push(h.item_id);
    if (card.sources.indexOf(h.item.source) < 0) card.sources.push(h.item.source);
    li.dataset.lists = card.lists.map(encodeURIComponent).join(" ");
    li.dataset.sources = card.sources.map(encodeURIComponent).join(" ");
    li.querySelector(".list").textContent = card.lists.join(", ");
    li.querySelector(".source").textContent = card.sources.join(", ");
    var rep = li.querySelector(".repeat");
    rep.hidden = card.items.length < 2;
    rep.textContent = "posted " + card.items.length + " times";
    li.dataset.cluster = card.hits.length > 1 ? "yes" : "no";
    if (!Object.prototype.hasOwnProperty.call(severities, h.list)) learnSeverities(h.list);
    cardSeverity(card);
    hitEls[h.id] = li;
    hitCard[h.id] = card;
    var list = li.querySelector(".annotations");
    (h.annotations || []).forEach(function (x) { renderAnnotation(list, x); });
    showClaim(h.id);
    if (atTop) {
      showShortTime(li.querySelector(".found"), h.found);
      if (form.isOpenOn(li)) li.dataset.moveUp = "yes"; // after the form closes
      else if (li !== hitsEl.firstChild) hitsEl.insertBefore(li, hitsEl.firstChild);
    } else if (!li.parentNode) hitsEl.appendChild(li);
    document.getElementById("empty").hidden = true;
    if (fresh) {
      li.classList.remove("fresh");
      void li.offsetWidth; // restart the highlight if it is running
      li.classList.add("fresh");
      clearTimeout(li.watchroomFresh);
      li.watchroomFresh = setTimeout(function () { li.classList.remove("fresh"); }, 6000);
      root.dispatchEvent(new CustomEvent("watchroom:hit", { detail: { hit: h, severity: severities[h.list] || "routine", card: li } }));
    }
  }

  // Older hits, a page at a time from the oldest one loaded: asked for
  // when the end of the list comes into view, or with the button.
  var loadOlder = document.getElementById("load-older");
  var loadingOlder = false, noOlder = false;
  function fetchOlder() {
    if (loadingOlder || noOlder || !oldest) return;
    loadingOlder = true;
    loadOlder.disabled = true;
    fetch("/api/boards/" + encodeURIComponent(board) + "/hits?before=" + oldest + "&limit=100", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (page) {
        page.hits.forEach(function (h) { renderHit(h, false); if (h.id < oldest) oldest = h.id; });
        if (!page.more) {
          noOlder = true;
          loadOlder.hidden = true;
          document.getElementById("no-older").hidden = false;
        }
        root.dataset.oldest = oldest;
        if (window.watchroomTools) window.watchroomTools.refilter();
      })
      .catch(function () {})
      .finally(function () { loadingOlder = false; loadOlder.disabled = false; });
  }
  loadOlder.addEventListener("click", fetchOlder);
  if (window.IntersectionObserver) {
    new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; }) && !document.body.classList.contains("wall")) fetchOlder();
    }, { rootMargin: "400px" }).observe(loadOlder);
  }

  // Sources panel.
  var sourceEls = {};
  var sourceData = {}; // the last known view of each source, for merging live updates
  function renderSource(s) {
    s = Object.assign({}, sourceData[s.source] || {}, s);
    sourceData[s.source] = s;
    var li = sourceEls[s.source];
    if (!li) {
      li = document.createElement("li");
      li.id = "source-" + s.source;
      sourceEls[s.source] = li;
      document.getElementById("sources").appendChild(li);
    }
    li.className = "source-" + s.state;
    li.textContent = "";
    var name = document.createElement("strong");
    name.textContent = s.name || s.source;
    li.appendChild(name);
    var st = document.createElement("span");
    st.className = "state";
    st.textContent = " " + s.state;
    li.appendChild(st);
    var detail = document.createElement("div");
    detail.className = "small";
    var last = document.createElement("time");
    showTime(last, s.last_success);
    detail.appendChild(document.createTextNode("last success "));
    detail.appendChild(last);
    if (s.cadence) {
      var cad = document.createElement("div");
      cad.className = "cadence";
      cad.textContent = s.cadence + " (" + s.cadence_why + ")";
      detail.appendChild(cad);
    }
    if (s.state === "failing") {
      var e = document.createElement("div");
      e.className = "reason";
      e.textContent = s.last_error;
      detail.appendChild(e);
    }
    li.appendChild(detail);
  }

  // Charts: options from the server (go-echarts), refreshed when hits arrive.
  var charts = {}, chartTimer = null;
  function loadChart() {
    chartTimer = null;
    if (!window.echarts) return;
    fetch("/api/boards/" + encodeURIComponent(board) + "/chart", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (all) {
        form.steady(function () {
          Object.keys(all).forEach(function (id) {
            var el = document.getElementById(id);
            if (!el) return;
            if (!charts[id]) charts[id] = window.echarts.init(el, null, { renderer: "canvas" });
            charts[id].setOption(all[id], true);
            el.dataset.loaded = "yes";
          });
        });
      })
      .catch(function () {});
  }
  function chartSoon() { if (!chartTimer) chartTimer = setTimeout(loadChart, 2000); }

  // Pause: new hits wait in a queue so the list does not move under an
  // officer reading it; resume puts them on top and keeps the place.
  var paused = false, queued = [];
  var pauseBtn = document.getElementById("pause");
  var newCount = document.getElementById("newcount");
  function showQueued() {
    newCount.textContent = queued.length ? queued.length + " new" : "";
    root.dataset.queued = queued.length;
    root.dispatchEvent(new CustomEvent("watchroom:queued", { detail: { count: queued.length, paused: paused } }));
  }
  function setPaused(p) {
    paused = p;
    pauseBtn.textContent = p ? "Resume" : "Pause";
    pauseBtn.setAttribute("aria-pressed", p ? "true" : "false");
    root.dataset.paused = p ? "yes" : "no";
    if (!p && queued.length) {
      var before = document.documentElement.scrollHeight, y = window.scrollY;
      queued.forEach(function (h) { renderHit(h, true, true); });
      queued = [];
      if (y > 0) window.scrollTo(0, y + document.documentElement.scrollHeight - before);
      if (window.watchroomTools) window.watchroomTools.refilter();
    }
    showQueued();
  }
  pauseBtn.addEventListener("click", function () { setPaused(!paused); });
  // quick annotates the hit with a kind and no note (keyboard a and f)
  function quick(hitID, kind) {
    var card = hitCard[hitID];
    var ids = card ? card.hits : [hitID];
    return Promise.all(ids.map(function (id) {
      return fetch("/api/hits/" + id + "/annotations", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ kind: kind, tags: [] })
      });
    }));
  }

  // Presence: who has this board open, as the server last said.
  var presenceEl = document.getElementById("presence");
  function showPresence(d) {
    presenceEl.textContent = "";
    (d.watchers || []).forEach(function (w) {
      var li = document.createElement("li");
      li.dataset.name = w.name;
      var who = document.createElement("bdi");
      who.className = "who";
      who.textContent = reveal(w.name);
      var role = document.createElement("span");
      role.className = "role small";
      role.textContent = " " + w.role + (w.name === me ? " (you)" : "");
      li.appendChild(who);
      li.appendChild(role);
      presenceEl.appendChild(li);
    });
    if (d.more) {
      var more = document.createElement("li");
      more.className = "small";
      more.textContent = "and " + d.more + " more";
      presenceEl.appendChild(more);
    }
    root.dataset.watchers = (d.watchers || []).length + (d.more || 0);
  }

  // Soft claims ("working on this"): the server sends the whole list on
  // every change and on connect; each hit shown says who holds it.
  var claims = {}; // hit id -> claim
  function showClaim(hitID) {
    var card = hitCard[hitID];
    if (card) showClaimOn(card.el, card.hits);
    if (resultEls[hitID]) showClaimOn(resultEls[hitID], [Number(hitID)]);
  }
  // showClaimOn says on a card who holds its hits, and offers to claim
  // the free ones or release the person's own.
  function showClaimOn(li, ids) {
    var held = ids.map(function (id) { return claims[id]; }).filter(Boolean);
    var c = held[0];
    var mine = held.some(function (x) { return x.name === me; });
    var free = ids.some(function (id) { return !claims[id]; });
    var el = li.querySelector(".claim");
    el.textContent = "";
    el.hidden = !c;
    if (c) {
      li.dataset.claimedBy = c.name;
      var who = document.createElement("bdi");
      who.textContent = reveal(c.name);
      var since = document.createElement("time");
      showTime(since, c.at);
      el.appendChild(document.createTextNode("claimed by "));
      el.appendChild(who);
      el.appendChild(document.createTextNode(c.name === me ? " (you) since " : " since "));
      el.appendChild(since);
    } else {
      delete li.dataset.claimedBy;
    }
    var btn = li.querySelector("button.claim-toggle");
    if (btn && canAnnotate) {
      btn.hidden = false;
      btn.disabled = !mine && !free;
      btn.textContent = mine ? "Release" : "Working on this";
      btn.setAttribute("aria-pressed", mine ? "true" : "false");
    }
  }
  function showClaims(d) {
    var old = claims;
    claims = {};
    (d.claims || []).forEach(function (c) { claims[c.hit_id] = c; });
    Object.keys(old).concat(Object.keys(claims)).forEach(function (id) { showClaim(id); });
  }
  // toggleClaim claims every free hit of the card, or releases the ones
  // the person holds.
  function toggleClaim(hitID, li) {
    li = li || (hitCard[hitID] && hitCard[hitID].el);
    if (!li || !canAnnotate) return;
    var all = cardHits(li);
    var mine = all.filter(function (id) { return claims[id] && claims[id].name === me; });
    var ids = mine.length ? mine : all.filter(function (id) { return !claims[id]; });
    var err = li.querySelector(".claimerror");
    err.textContent = "";
    Promise.all(ids.map(function (id) {
      return fetch("/api/hits/" + id + (mine.length ? "/release" : "/claim"), {
        method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf }
      }).then(function (r) {
        if (r.ok) return;
        return r.json().then(function (j) { throw new Error(j.error || ("HTTP " + r.status)); });
      });
    })).catch(function (e) { err.textContent = e.message; });
  }
  [hitsEl, resultsEl].forEach(function (el) {
    el.addEventListener("click", function (ev) {
      var btn = ev.target.closest && ev.target.closest("button.claim-toggle");
      if (btn) { var li = btn.closest("li.hit"); toggleClaim(li.dataset.hit, li); }
      var ann = ev.target.closest && ev.target.closest("button.annotate-open");
      if (ann) annotateCard(ann.closest("li.hit"));
    });
  });

  // showResults puts search results on the page as cards like the live
  // list's (highlighted where the search found them, with the same
  // actions), or, with no list, takes them away.
  function showResults(list, none) {
    resultEls = {};
    resultsEl.textContent = "";
    if (!list) return;
    if (!list.length) {
      var li = document.createElement("li");
      li.className = "small";
      li.textContent = none;
      resultsEl.appendChild(li);
    }
    list.forEach(function (h) {
      if (resultEls[h.id]) return;
      var li = resultCard(h);
      resultEls[h.id] = li;
      resultsEl.appendChild(li);
      showClaim(h.id);
    });
  }

  window.watchroomBoard = { togglePause: function () { setPaused(!paused); }, renderHit: renderHit, quick: quick,
    toggleClaim: toggleClaim, showResults: showResults,
    annotate: function (hitID, li) { li = li || (hitCard[hitID] && hitCard[hitID].el); if (li) annotateCard(li); },
    cardOf: function (hitID) { return hitEls[hitID] || null; }, isPaused: function () { return paused; } };

  // erase takes erased hits off the board (docs/retention.md): their
  // cards (a cluster's card goes with its last hit), search results and
  // the paused queue.
  function erase(ids) {
    ids.forEach(function (id) {
      queued = queued.filter(function (h) { return h.id !== id; });
      if (resultEls[id]) { resultEls[id].remove(); delete resultEls[id]; }
      var card = hitCard[id];
      delete hitEls[id];
      delete hitCard[id];
      if (!card) return;
      card.hits = card.hits.filter(function (x) { return x !== id; });
      if (!card.hits.length) {
        card.el.remove();
        Object.keys(cards).forEach(function (k) { if (cards[k] === card) delete cards[k]; });
      }
    });
    showQueued();
  }

  function handle(msg) { form.steady(function () { apply(msg); }); }
  function apply(msg) {
    lastSeq = msg.seq;
    root.dataset.seq = lastSeq;
    if (msg.type === "hit") {
      if (paused) {
        queued.push(msg.data);
        showQueued();
        root.dispatchEvent(new CustomEvent("watchroom:hit", { detail: { hit: msg.data, severity: severities[msg.data.list] || "routine", queued: true } }));
      } else { renderHit(msg.data, true, true); }
      if (window.watchroomTools) window.watchroomTools.refilter();
      chartSoon();
    }
    else if (msg.type === "annotation") {
      cardsOf(msg.data.hit_id).forEach(function (li) { renderAnnotation(li.querySelector(".annotations"), msg.data); });
    } else if (msg.type === "alert") {
      if (window.watchroomAlerts) window.watchroomAlerts.update(msg.data);
    } else if (msg.type === "referral") {
      if (window.watchroomReferrals) window.watchroomReferrals.update(msg.data, hitEls);
    } else if (msg.type === "source") {
      renderSource(msg.data);
    } else if (msg.type === "erased") {
      erase(msg.data.hit_ids || []);
    } else if (msg.type === "operation") {
      // the operation was edited in the console: its name, as text
      var op = msg.data && msg.data.operation;
      var h1 = document.querySelector(".boardhead h1");
      if (op && op.ID === board && h1 && typeof op.Name === "string") h1.textContent = op.Name;
    }
  }

  function connect() {
    window.watchroomLive.follow({
      board: board, after: lastSeq, epoch: epoch, onEvent: handle,
      onState: function (msg) {
        form.steady(function () {
          if (msg.type === "presence" && msg.board === board) showPresence(msg.data);
          else if (msg.type === "claims") showClaims(msg.data);
        });
      },
      onStatus: function (live) {
        root.dataset.live = live ? "yes" : "no";
        if (live) setStatus("Live", "live"); else setStatus("Connection lost. Reconnecting…", "reconnecting");
      }
    });
  }

  fetch("/api/sources", { credentials: "same-origin" }).then(function (r) { return r.json(); })
    .then(function (reply) { reply.sources.forEach(function (s) { renderSource(Object.assign({ source: s.id }, s)); }); })
    .catch(function () {});

  fetch("/api/boards/" + encodeURIComponent(board) + "/snapshot", { credentials: "same-origin" })
    .then(function (r) {
      if (r.status === 401) { location.href = "/login"; throw new Error("signed out"); }
      return r.json();
    })
    .then(function (snap) {
      if (snap.epoch !== epoch) { location.reload(); return; }
      // the snapshot is newest first
      snap.hits.forEach(function (h) { renderHit(h, false); });
      snap.hits.forEach(function (h) { if (!oldest || h.id < oldest) oldest = h.id; });
      form.restore();
      root.dataset.oldest = oldest;
      if (snap.hits.length < 200) { noOlder = true; loadOlder.hidden = true; }
      lastSeq = snap.head;
      root.dataset.seq = lastSeq;
      loadChart();
      connect();
    })
    .catch(function (e) { setStatus("Could not load the board: " + e.message, "reconnecting"); });
})();
