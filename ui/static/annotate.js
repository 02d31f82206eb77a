// The board's annotate form: one for the whole board, opened inside the
// card being annotated. It posts one annotation to each of the card's hits
// (or, for a correction, to each hit whose annotation it corrects), stays
// where it is on the screen while the board lives on (steady), and keeps a
// note not yet saved when the page goes away (restore). board.js makes it:
//   var form = window.watchroomAnnotateForm({ root, hitsEl, board, me, csrf, canAnnotate, cardOf });
window.watchroomAnnotateForm = function (o) {
  "use strict";
  var panel = null;
  function makePanel() {
    var form = document.getElementById("annotate-template").content.firstElementChild.cloneNode(true);
    form.hidden = true;
    form.elements.kind.addEventListener("change", function () {
      form.querySelector("label.team").hidden = form.elements.kind.value !== "escalate";
    });
    form.querySelector("button.cancel").addEventListener("click", closePanel);
    form.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); ev.stopPropagation(); closePanel(); }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var note = form.elements.note.value;
      var tags = form.elements.tags.value.split(",").map(function (t) { return t.trim(); })
        .filter(function (t) { return t; });
      var err = form.querySelector(".formerror");
      err.textContent = "";
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      var targets = form.watchroomTargets || [];
      Promise.all(targets.map(function (tg) {
        var body = { kind: form.elements.kind.value, team: form.elements.team.value, note: note, tags: tags,
          supersedes: tg.supersedes || 0 };
        return fetch("/api/hits/" + tg.hit + "/annotations", {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": o.csrf },
          body: JSON.stringify(body)
        }).then(function (r) {
          return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || ("HTTP " + r.status)); });
        });
      })).then(function () {
        var card = form.closest("li.hit");
        closePanel();
        if (card) card.focus();
      }).catch(function (e) {
        err.textContent = "Not saved: " + e.message;
      }).finally(function () { button.disabled = false; });
    });
    return form;
  }
  function openPanel(card, targets, correcting) {
    if (!o.canAnnotate || !card) return;
    if (!panel) panel = makePanel();
    if (panel.parentNode !== card) {
      panel.reset();
      panel.querySelector("label.team").hidden = true;
      panel.querySelector(".formerror").textContent = "";
    }
    panel.watchroomTargets = targets;
    var c = panel.querySelector(".correcting");
    c.hidden = !correcting;
    c.textContent = correcting || "";
    var n = panel.querySelector(".targets");
    n.textContent = targets.length > 1 ? "on each of the " + targets.length + " hits of this card" : "";
    card.appendChild(panel);
    panel.hidden = false;
    steadyCarry = 0;
    o.root.dataset.annotating = card.dataset.hit;
    panel.querySelector("textarea").focus();
  }
  function closePanel() {
    if (!panel) return;
    forgetDraft();
    panel.hidden = true;
    panel.reset();
    panel.querySelector("label.team").hidden = true;
    delete o.root.dataset.annotating;
    // a card held in place while annotated takes its place at the top now
    var card = panel.parentNode;
    if (card && card.dataset.moveUp === "yes") {
      delete card.dataset.moveUp;
      if (card !== o.hitsEl.firstChild) o.hitsEl.insertBefore(card, o.hitsEl.firstChild);
    }
  }
  // steady applies a live change without moving the card being annotated
  // on the screen: a hit above it, a note on it or a card taken away would
  // otherwise slide its form, and the button under the officer's pointer,
  // away as they type or click.
  // A note typed and not yet saved survives the page going away (the
  // session ended or access changed, the timeline was reset, a reload): it
  // is kept in this tab's session storage for the same person and board and
  // put back in the form when the board opens again. Another person
  // signing in on the same tab never sees it: it is dropped unread.
  var draftKey = "watchroom:note:" + o.board;
  function saveDraft() {
    if (!panel || panel.hidden || !panel.elements.note.value.trim()) return;
    try {
      sessionStorage.setItem(draftKey, JSON.stringify({ me: o.me, targets: panel.watchroomTargets || [],
        note: panel.elements.note.value, kind: panel.elements.kind.value, team: panel.elements.team.value,
        tags: panel.elements.tags.value }));
    } catch (e) { /* storage full or refused: nothing more can be done */ }
  }
  function forgetDraft() { try { sessionStorage.removeItem(draftKey); } catch (e) {} }
  window.addEventListener("pagehide", saveDraft);
  function restoreDraft() {
    var d = null;
    try {
      // drafts of anyone else who used this tab go unread
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var k = sessionStorage.key(i);
        if (k && k.indexOf("watchroom:note:") === 0) {
          var v = JSON.parse(sessionStorage.getItem(k) || "null");
          if (!v || v.me !== o.me) sessionStorage.removeItem(k);
          else if (k === draftKey) d = v;
        }
      }
    } catch (e) { return; }
    if (!d || !o.canAnnotate || !d.targets.length) return;
    var card = o.cardOf(d.targets[0].hit);
    if (!card) return; // its hit is no longer on the board: kept for a later visit
    openPanel(card, d.targets, null);
    panel.elements.note.value = d.note;
    panel.elements.kind.value = d.kind;
    panel.elements.team.value = d.team;
    panel.elements.tags.value = d.tags;
    panel.querySelector("label.team").hidden = d.kind !== "escalate";
    panel.querySelector(".formerror").textContent = "This note was not saved before the page closed. It is back: check it, then Annotate.";
  }

  var steadyCarry = 0;
  function steady(fn) {
    if (!panel || panel.hidden || !panel.isConnected) return fn();
    var before = panel.getBoundingClientRect().top;
    try { fn(); } finally {
      if (panel.isConnected && !panel.hidden) {
        // scrolling goes by whole pixels: what is left over is carried to
        // the next change, so fractions do not add up to a drift
        var moved = panel.getBoundingClientRect().top - before + steadyCarry;
        if (Math.abs(moved) >= 1) window.scrollBy(0, moved);
        steadyCarry = panel.getBoundingClientRect().top - before + (Math.abs(moved) >= 1 ? 0 : steadyCarry);
      }
    }
  }

  return {
    open: openPanel,
    steady: steady,
    restore: restoreDraft,
    // isOpenOn says whether the form is open inside card
    isOpenOn: function (card) { return !!panel && !panel.hidden && panel.parentNode === card; }
  };
};
