// The roster page, offline (docs/decisions/0009-offline-attendance.md). Progressive enhancement:
// without this file the form posts as usual.
//
// Each tap on a radio is a mark, kept first in this phone's localStorage (per trainer and
// workshop) with its own id and the time it was made, then sent to
// POST /api/v1/workshops/{id}/attendance whenever the network allows: on page load, on the
// "online" event, on "Save", and again after failures with a growing delay. Marks the server
// answers (applied, superseded, duplicate) leave the queue; refused ones stay, with the reason,
// until the trainer dismisses them. The service worker keeps a copy of this page so that it
// opens with no network; the queue is applied to its radios when it does.
(function () {
  "use strict";
  var form = document.getElementById("roster-form");
  if (!form || !form.dataset.syncUrl || !window.fetch || !window.JSON || !storageWorks()) { return; }

  var data = form.dataset;
  var KEY = "erdem.attendance.v1." + data.trainer + "." + data.workshop;
  var BATCH = 500;
  var DELAYS = [5, 10, 20, 40, 80, 160, 300];
  var OFFLINE_RECHECK = 60;
  var REFRESH_AFTER = 10;
  var refreshTimer = null;
  var failures = 0;
  var timer = null;
  var syncing = false;
  var again = false;
  var problem = "";  // "", "offline", "retry", "signin" or "forbidden"
  var notes = {};  // person id -> text of the last sync's note for that person (superseded marks)
  var sent = false;  // whether marks were sent from this page since it opened

  function storageWorks() {
    try {
      window.localStorage.setItem("erdem.attendance.probe", "1");
      window.localStorage.removeItem("erdem.attendance.probe");
      return true;
    } catch (error) {
      return false;
    }
  }

  function load() {
    try {
      var queue = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(queue) ? queue : [];
    } catch (error) {
      return [];
    }
  }

  function save(queue) {
    if (queue.length) {
      window.localStorage.setItem(KEY, JSON.stringify(queue));
    } else {
      window.localStorage.removeItem(KEY);
    }
  }

  function text(name, values) {
    var message = data["text" + name.charAt(0).toUpperCase() + name.slice(1)] || "";
    Object.keys(values || {}).forEach(function (key) {
      message = message.split("%(" + key + ")s").join(String(values[key]));
    });
    return message;
  }

  function two(number) { return (number < 10 ? "0" : "") + number; }

  function isoWithOffset(date) {
    var offset = -date.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    offset = Math.abs(offset);
    var millis = String(1000 + date.getMilliseconds()).slice(1);
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) +
      "T" + two(date.getHours()) + ":" + two(date.getMinutes()) + ":" + two(date.getSeconds()) + "." + millis +
      sign + two(Math.floor(offset / 60)) + ":" + two(offset % 60);
  }

  function newId() {
    var cryptoApi = window.crypto;
    if (cryptoApi && typeof cryptoApi.randomUUID === "function") { return cryptoApi.randomUUID(); }
    var bytes = new Uint8Array(16);
    if (cryptoApi && cryptoApi.getRandomValues) {
      cryptoApi.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i += 1) { bytes[i] = Math.floor(Math.random() * 256); }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
    var hex = Array.prototype.map.call(bytes, function (byte) { return (byte + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function fieldsets() {
    return Array.prototype.slice.call(form.querySelectorAll("fieldset[data-person]"));
  }

  function radios(fieldset) {
    return Array.prototype.slice.call(fieldset.querySelectorAll("input[type=radio]"));
  }

  function fieldsetOf(person) {
    return form.querySelector("fieldset[data-person='" + person + "']");
  }

  function statusLabel(status) {
    var input = form.querySelector("fieldset[data-person] input[value='" + status + "']");
    return input && input.parentNode ? input.parentNode.textContent.trim() : status;
  }

  function timeLabel(iso) {
    var date = new Date(iso);
    return isNaN(date.getTime()) ? iso : date.toLocaleTimeString(document.documentElement.lang || undefined,
      { hour: "2-digit", minute: "2-digit" });
  }

  // --- the page ----------------------------------------------------------------------------

  var submitRow = form.querySelector(".roster-submit");
  var statusLine = document.createElement("span");
  statusLine.className = "roster-sync";
  statusLine.setAttribute("role", "status");
  statusLine.setAttribute("aria-live", "polite");
  if (submitRow) { submitRow.insertBefore(statusLine, submitRow.firstChild); } else { form.appendChild(statusLine); }

  function note(fieldset, kind) {
    var element = fieldset.querySelector(".roster-note-" + kind);
    if (!element) {
      element = document.createElement("div");
      element.className = "message roster-note roster-note-" + kind + (kind === "refused" ? " message-error" : "");
      fieldset.appendChild(element);
    }
    return element;
  }

  function clearNote(fieldset, kind) {
    var element = fieldset.querySelector(".roster-note-" + kind);
    if (element) { element.parentNode.removeChild(element); }
  }

  function refusalLine(mark, message) {
    var line = document.createElement("p");
    line.textContent = text(message, {
      status: statusLabel(mark.status), time: timeLabel(mark.marked_at), reason: mark.refused
    }) + " ";
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "link-button";
    dismiss.textContent = text("dismiss");
    dismiss.setAttribute("data-dismiss", mark.id);
    line.appendChild(dismiss);
    return line;
  }

  function render() {
    var queue = load();
    var waiting = queue.filter(function (mark) { return !mark.refused; });
    fieldsets().forEach(function (fieldset) {
      var person = fieldset.getAttribute("data-person");
      var mine = waiting.filter(function (mark) { return String(mark.person) === person; });
      var latest = mine.reduce(function (best, mark) {
        return !best || Date.parse(mark.marked_at) >= Date.parse(best.marked_at) ? mark : best;
      }, null);
      radios(fieldset).forEach(function (input) {
        input.checked = latest ? input.value === latest.status : input.defaultChecked;
      });
      fieldset.classList.toggle("roster-waiting", Boolean(latest));
      var refused = queue.filter(function (mark) { return mark.refused && String(mark.person) === person; });
      if (refused.length) {
        var box = note(fieldset, "refused");
        box.textContent = "";
        refused.forEach(function (mark) { box.appendChild(refusalLine(mark, "refused")); });
      } else {
        clearNote(fieldset, "refused");
      }
      if (notes[person] && !latest) { note(fieldset, "later").textContent = notes[person]; } else { clearNote(fieldset, "later"); }
    });
    // Refused marks for people no longer on this roster: shown above it, without their names.
    var elsewhere = queue.filter(function (mark) { return mark.refused && !fieldsetOf(mark.person); });
    var others = form.querySelector(".roster-note-others");
    if (elsewhere.length) {
      if (!others) {
        others = document.createElement("div");
        others.className = "message message-error roster-note roster-note-others";
        form.insertBefore(others, form.querySelector("fieldset[data-person]"));
      }
      others.textContent = "";
      elsewhere.forEach(function (mark) { others.appendChild(refusalLine(mark, "refusedOther")); });
    } else if (others) {
      others.parentNode.removeChild(others);
    }
    var parts = [];
    if (syncing) {
      parts.push(text("syncing"));
    } else if (problem === "signin" || problem === "forbidden") {
      parts.push(text(problem));
    } else if (problem === "offline") {
      parts.push(text("offline"));
    } else if (problem === "retry") {
      parts.push(text("retry"));
    }
    // Before anything is marked, say how marks travel rather than that they were sent.
    parts.push(waiting.length ? text("pending", { count: waiting.length }) : text(sent ? "synced" : "idle"));
    statusLine.textContent = parts.join(" ");
    if (!syncing && problem === "signin" && data.loginUrl) {
      var login = document.createElement("a");
      login.href = data.loginUrl;
      login.textContent = text("signin");
      statusLine.textContent = "";
      statusLine.appendChild(login);
      statusLine.appendChild(document.createTextNode(" " + parts.slice(1).join(" ")));
    }
    statusLine.className = "roster-sync" + (waiting.length ? " roster-sync-waiting" : sent ? " roster-sync-done" : " roster-sync-idle");
    form.setAttribute("data-waiting", String(waiting.length));
  }

  // --- marks ---------------------------------------------------------------------------------

  function record(person, status) {
    // A newer tap replaces this person's marks that have not been sent yet, as changing a radio
    // before pressing "Save" does without JavaScript; marks already sent are on the server's record.
    var queue = load().filter(function (mark) { return mark.refused || mark.person !== person; });
    queue.push({
      id: newId(),
      person: person,
      status: status,
      marked_at: isoWithOffset(new Date()),
      offline: navigator.onLine === false
    });
    save(queue);
    delete notes[String(person)];
  }

  function settle(results) {
    // Each answer concerns one mark; marks added meanwhile (another tap, another tab) are kept.
    var byId = {};
    results.forEach(function (result) { byId[result.id] = result; });
    var queue = load().filter(function (mark) {
      var result = byId[mark.id];
      if (!result) { return true; }
      if (result.outcome === "refused") {
        mark.refused = result.detail || "";
        return true;
      }
      var fieldset = fieldsetOf(mark.person);
      if (fieldset && result.status) {
        radios(fieldset).forEach(function (input) { input.defaultChecked = input.value === result.status; });
      }
      if (result.outcome === "superseded") {
        notes[String(mark.person)] = text("superseded", { status: statusLabel(result.status) });
      }
      return false;
    });
    save(queue);
  }

  function send(marks) {
    return fetch(data.syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({
        sent_at: isoWithOffset(new Date()),
        marks: marks.map(function (mark) {
          return {
            id: mark.id, person: mark.person, status: mark.status, marked_at: mark.marked_at,
            source: mark.offline ? "offline" : "roster"
          };
        })
      })
    });
  }

  function later(seconds) {
    window.clearTimeout(timer);
    timer = window.setTimeout(sync, seconds * 1000);
  }

  function refreshSavedPage() {
    // The saved copy of this page should show the state the server now has. Once the taps pause
    // (a roster is marked in a burst), fetch the page again: the service worker keeps the new copy.
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) { return; }
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(function () {
      fetch(window.location.pathname, { credentials: "same-origin" }).catch(function () { return null; });
    }, REFRESH_AFTER * 1000);
  }

  function sync() {
    window.clearTimeout(timer);
    if (syncing) { again = true; return; }
    var waiting = load().filter(function (mark) { return !mark.refused; });
    if (!waiting.length) { problem = problem === "signin" || problem === "forbidden" ? "" : problem; render(); return; }
    if (navigator.onLine === false) {
      problem = "offline";
      render();
      later(OFFLINE_RECHECK);
      return;
    }
    syncing = true;
    render();
    var batch = waiting.slice(0, BATCH);
    send(batch).then(function (response) {
      if (response.ok) {
        return response.json().then(function (body) {
          settle(body.results || []);
          sent = true;
          failures = 0;
          problem = "";
          refreshSavedPage();
          return true;
        });
      }
      if (response.status === 401) { problem = "signin"; return false; }
      if (response.status === 403 || response.status === 404) { problem = "forbidden"; return false; }
      if (response.status === 422) {
        // The server could not read the batch at all: show why on each mark instead of resending it.
        return response.json().then(function (body) {
          settle(batch.map(function (mark) { return { id: mark.id, outcome: "refused", detail: body.detail }; }));
          return true;
        });
      }
      throw new Error(String(response.status));
    }).catch(function () {
      // No network, or the server failed: these marks were not sent when made.
      var ids = {};
      batch.forEach(function (mark) { ids[mark.id] = true; });
      save(load().map(function (mark) { if (ids[mark.id]) { mark.offline = true; } return mark; }));
      problem = navigator.onLine === false ? "offline" : "retry";
      later(DELAYS[Math.min(failures, DELAYS.length - 1)]);
      failures += 1;
      return false;
    }).then(function (carryOn) {
      syncing = false;
      render();
      var left = load().filter(function (mark) { return !mark.refused; }).length;
      var tapped = again;
      again = false;
      if (!carryOn || !left) { return; }
      // More to send: new taps, or the rest beyond one batch. An answer that settled nothing is
      // not repeated at once.
      if (tapped || left < waiting.length) { sync(); } else { later(DELAYS[DELAYS.length - 1]); }
    });
  }

  // --- events --------------------------------------------------------------------------------

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio" || input.name.indexOf("status-") !== 0) { return; }
    record(parseInt(input.name.slice("status-".length), 10), input.value);
    render();
    sync();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    failures = 0;
    if (problem !== "forbidden") { problem = ""; }
    sync();
  });

  form.addEventListener("click", function (event) {
    var id = event.target.getAttribute && event.target.getAttribute("data-dismiss");
    if (!id) { return; }
    save(load().filter(function (mark) { return mark.id !== id; }));
    render();
  });

  window.addEventListener("online", function () { failures = 0; problem = ""; sync(); });
  window.addEventListener("offline", function () { problem = "offline"; render(); });
  window.addEventListener("storage", function (event) { if (event.key === KEY) { render(); } });

  // --- the service worker ----------------------------------------------------------------------

  if ("serviceWorker" in navigator && data.workerUrl) {
    // Its default scope is its directory, /workshops/, which holds the roster pages.
    navigator.serviceWorker.register(data.workerUrl).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (!navigator.serviceWorker.controller && registration.active) {
        registration.active.postMessage({ type: "keep-page", url: window.location.pathname });
      }
    }).catch(function () { return null; });
    // The same worker, scoped to the sign-out and sign-in URLs: posting either deletes the saved pages.
    [data.logoutUrl, (data.loginUrl || "").split("?")[0]].forEach(function (scope) {
      if (scope) { navigator.serviceWorker.register(data.workerUrl, { scope: scope }).catch(function () { return null; }); }
    });
  }

  render();
  sync();
})();
