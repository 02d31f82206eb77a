// One way to write a time, as the server writes it (ui/nav.go timeLayout
// "2 Jan 2006 15:04:05 MST"): in the console's zone, the zone shown.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="time-zone"]');
  var zone = (meta && meta.content) || "UTC";
  var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var fmt;
  try {
    fmt = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, year: "numeric", month: "numeric", day: "numeric",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short"
    });
  } catch (e) {
    zone = "UTC";
    fmt = new Intl.DateTimeFormat("en-GB", {
      timeZone: "UTC", year: "numeric", month: "numeric", day: "numeric",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short"
    });
  }
  function unset(iso) { return !iso || String(iso).indexOf("0001-01-01") === 0; }
  // format writes an RFC 3339 time (or a Date); "never" for none.
  function format(iso) {
    if (unset(iso)) return "never";
    var d = iso instanceof Date ? iso : new Date(iso);
    if (isNaN(d.getTime())) return "never";
    var p = {};
    fmt.formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    return Number(p.day) + " " + months[Number(p.month) - 1] + " " + p.year + " " +
      p.hour + ":" + p.minute + ":" + p.second + " " + p.timeZoneName;
  }
  // show fills a <time> element.
  function show(el, iso, none) {
    if (unset(iso)) { el.removeAttribute("datetime"); el.textContent = none || "never"; return; }
    var d = new Date(iso);
    if (isNaN(d.getTime())) { el.textContent = none || "never"; return; }
    el.dateTime = d.toISOString();
    el.textContent = format(d);
  }
  window.watchroomTime = { format: format, show: show, zone: zone };
})();
