// Wall mode: a fixed layout that never scrolls. Hits that do not fit
// below the header and the firing alerts are left out (the newest stay),
// with a line saying how many; the layout is fitted again whenever the
// hits, the alerts or the screen change. With rotation configured the
// wall moves on to the next board after its time.
(function () {
  "use strict";
  var root = document.getElementById("board");
  var hits = document.getElementById("hits");
  if (!root || !hits || !document.body.classList.contains("wall")) return;
  var more = document.createElement("p");
  more.className = "wall-more";
  more.id = "wall-more";
  more.hidden = true;
  hits.parentNode.appendChild(more);
  var pending = false;
  // fitAlerts leaves out the firing alerts that do not fit their strip
  // (the newest first are kept) and says how many more fire.
  var alertsMore = document.getElementById("alerts-more");
  function fitAlerts() {
    var list = document.getElementById("alerts");
    if (!list) return;
    var firing = list.querySelectorAll("li.state-firing");
    for (var i = 0; i < firing.length; i++) firing[i].classList.remove("offwall");
    var bottom = list.getBoundingClientRect().bottom, left = 0;
    for (var j = 0; j < firing.length; j++) {
      if (firing[j].getBoundingClientRect().bottom > bottom + 0.5) { firing[j].classList.add("offwall"); left++; }
    }
    if (alertsMore) {
      alertsMore.hidden = left === 0;
      alertsMore.textContent = left ? "and " + left + " more firing" : "";
    }
  }
  function fit() {
    pending = false;
    fitAlerts();
    var cards = hits.querySelectorAll("li.hit");
    for (var i = 0; i < cards.length; i++) cards[i].classList.remove("offwall");
    var bottom = hits.getBoundingClientRect().bottom;
    var left = 0, shown = 0;
    for (var j = 0; j < cards.length; j++) {
      if (cards[j].hidden) continue;
      if (cards[j].getBoundingClientRect().bottom > bottom + 0.5) { cards[j].classList.add("offwall"); left++; } else shown++;
    }
    more.hidden = left === 0;
    more.textContent = left ? left + " older hits not shown" : "";
    root.dataset.wallShown = shown;
    // the line itself takes room: fit again once if it appeared
    if (left && hits.getBoundingClientRect().bottom < bottom - 0.5) soon();
  }
  function soon() { if (!pending) { pending = true; requestAnimationFrame(fit); } }
  new MutationObserver(soon).observe(hits, { childList: true });
  var alerts = document.getElementById("alerts");
  if (alerts) new MutationObserver(soon).observe(alerts, { childList: true, subtree: true });
  window.addEventListener("resize", soon);
  if (window.ResizeObserver) new ResizeObserver(soon).observe(hits);
  soon();
  window.watchroomWall = { fit: fit };

  var rotate = Number(root.dataset.rotate || 0), next = root.dataset.next;
  if (rotate > 0 && next) {
    setTimeout(function () { location.assign("/board/" + encodeURIComponent(next) + "?wall=1"); }, rotate * 1000);
  }
})();
