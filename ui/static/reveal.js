// reveal makes invisible direction and width controls visible in whatever
// came from a source (titles, text, names, links, places), so that
// "safe\u202Egnp.exe" cannot pass for "safeexe.png" and a zero-width space
// cannot hide inside a word: each becomes a visible token such as [RLO].
// The server does the same for the pages it writes (watch.Reveal); the two
// lists are one (ui/reveal_test.go checks it).
(function () {
  "use strict";
  var controls = {
    "\u202a": "[LRE]", "\u202b": "[RLE]", "\u202c": "[PDF]", "\u202d": "[LRO]", "\u202e": "[RLO]",
    "\u2066": "[LRI]", "\u2067": "[RLI]", "\u2068": "[FSI]", "\u2069": "[PDI]", "\u200e": "[LRM]", "\u200f": "[RLM]",
    "\u061c": "[ALM]", "\u200b": "[ZWSP]", "\u200c": "[ZWNJ]", "\u200d": "[ZWJ]", "\u2060": "[WJ]", "\ufeff": "[BOM]",
    "\u00ad": "[SHY]", "\u2061": "[FA]", "\u2062": "[IT]", "\u2063": "[IS]", "\u2064": "[IP]"
  };
  // tag characters (U+E0000..U+E007F) spell hidden ASCII: shown as [TAG x]
  var controlRe = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060-\u2064\ufeff\u00ad]|[\u{E0000}-\u{E007F}]/gu;
  function tag(c) {
    var n = c.codePointAt(0) - 0xE0000;
    return n >= 0x21 && n <= 0x7e ? "[TAG " + String.fromCharCode(n) + "]" : "[TAG]";
  }
  window.watchroomReveal = function (s) {
    return String(s == null ? "" : s).replace(controlRe, function (c) { return controls[c] || tag(c); });
  };
})();
