// The check-in screen keeps its code and QR code current: it asks the server every ten
// seconds (the code changes every thirty and stays valid one window more). Without
// JavaScript the page reloads itself instead (a <noscript> refresh).
(function () {
  "use strict";
  var screen = document.querySelector("[data-checkin-code-url]");
  if (!screen) return;
  var url = screen.getAttribute("data-checkin-code-url");
  var codeEl = screen.querySelector("[data-checkin-code]");
  var qrEl = screen.querySelector("[data-checkin-qr]");
  var parser = new DOMParser();

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        if (codeEl.textContent !== data.code) {
          codeEl.textContent = data.code;
          // Parsed as HTML, as the server-rendered page is, so the <svg> lands in the SVG namespace.
          var svg = parser.parseFromString(data.svg, "text/html").querySelector("svg");
          if (svg) qrEl.replaceChildren(document.importNode(svg, true));
        }
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  window.setInterval(refresh, 10000);
})();
