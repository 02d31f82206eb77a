// Severity marks, shared by every view that shows hits or alerts (the
// board, the wall, the alert panel): each level has its own colour AND its
// own icon and word, so colour is never the only cue. mark(el, level)
// sets the class sev-<level> and puts a badge (icon + word) first in the
// element's .meta line, or first in the element.
(function () {
  "use strict";
  var levels = {
    routine: { icon: "\u25cf", word: "Routine", rank: 1 },  // ● circle
    high: { icon: "\u25b2", word: "High", rank: 2 },        // ▲ triangle
    critical: { icon: "\u25c6", word: "Critical", rank: 3 } // ◆ diamond
  };
  function level(s) { return Object.prototype.hasOwnProperty.call(levels, s) ? s : "routine"; }

  function mark(el, s) {
    var lv = level(s);
    Object.keys(levels).forEach(function (k) { el.classList.remove("sev-" + k); });
    el.classList.add("sev-" + lv);
    el.dataset.severity = lv;
    var badge = el.querySelector(":scope > .sev-badge, :scope > .meta > .sev-badge");
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "sev-badge";
      var icon = document.createElement("span");
      icon.className = "sev-icon";
      icon.setAttribute("aria-hidden", "true");
      var word = document.createElement("span");
      word.className = "sev-word";
      badge.appendChild(icon);
      badge.appendChild(word);
      var host = el.querySelector(":scope > .meta") || el;
      host.insertBefore(badge, host.firstChild);
    }
    badge.querySelector(".sev-icon").textContent = levels[lv].icon;
    badge.querySelector(".sev-word").textContent = levels[lv].word;
    badge.title = levels[lv].word + " severity";
    return lv;
  }

  window.watchroomSeverity = {
    mark: mark,
    rank: function (s) { return levels[level(s)].rank; },
    level: level
  };
})();
