// Referrals on a board: a flagged hit offers "Refer to platform…", and a
// referral made or changed shows on its hit's card as it happens.
(function () {
  "use strict";
  var root = document.getElementById("board");
  var canRefer = root && root.dataset.canAnnotate === "yes";
  function badge(card) {
    var b = card.querySelector(".referral-status");
    if (!b) {
      b = document.createElement("p");
      b.className = "referral-status";
      card.appendChild(b);
    }
    return b;
  }
  // the referrals of flagged hits as they load, asked for in batches
  var wanted = [], timer = null;
  function loadSoon(hitID) {
    wanted.push(hitID);
    if (timer) return;
    timer = setTimeout(function () {
      var ids = wanted.splice(0, wanted.length);
      timer = null;
      fetch("/api/referrals/hits?ids=" + encodeURIComponent(ids.join(",")), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (list) {
          list.forEach(function (d) {
            var r = d.referral, card = r && document.getElementById("hit-" + r.hit_id);
            if (card && !card.querySelector(".referral-status")) show(card, r);
          });
        })
        .catch(function () {});
    }, 300);
  }
  function show(card, r) {
    var text = "Referred to " + r.platform + ": " + String(r.outcome).replace("_", " ");
    if (r.reference) text += " (ref " + r.reference + ")";
    if (r.observed) text += " · last check: " + r.observed;
    badge(card).textContent = text;
  }
  window.watchroomReferrals = {
    // flagged is called when a flag annotation shows on a hit's card.
    flagged: function (card, hitID) {
      if (!canRefer || !card || card.querySelector("a.refer")) return;
      loadSoon(hitID);
      var a = document.createElement("a");
      a.className = "refer";
      a.href = "/referrals/new?hit=" + encodeURIComponent(hitID);
      a.textContent = "Refer to platform…";
      card.appendChild(a);
    },
    // update shows a referral timeline event on its hit's card.
    update: function (data, hitEls) {
      var r = data && data.referral;
      if (!canRefer || !r || !r.hit_id || !hitEls[r.hit_id]) return; // the hub's business, as the API says
      show(hitEls[r.hit_id], r);
    }
  };
})();
