// Evidence pages: a capture can take a while (fetch, then a browser
// rendering), so the form says so and is not sent twice. Nothing from a
// captured page is ever put in this page: its files are downloads.
(function () {
  "use strict";
  var form = document.getElementById("capture-form");
  if (form) {
    form.addEventListener("submit", function () {
      var busy = document.getElementById("capture-busy");
      var button = document.getElementById("capture");
      if (busy) busy.hidden = false;
      // disabled after the submission has been taken, so the form still sends
      setTimeout(function () { button.disabled = true; }, 0);
    });
  }
})();
