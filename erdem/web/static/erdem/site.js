// Progressive enhancement only: every page works without this file.
// Job pages: refresh the progress bar in place instead of reloading the page.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box || box.getAttribute("data-job-finished") === "true") { return; }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-job-label]");
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        if (bar) { bar.value = job.percent; }
        if (label) { label.textContent = job.percent + "%"; }
        if (job.finished) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
