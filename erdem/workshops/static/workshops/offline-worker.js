// The roster's service worker (docs/decisions/0009-offline-attendance.md). Served by
// /workshops/sw.js, which puts self.ERDEM_OFFLINE (version, scope, assets, pages, logout, login) first.
//
// Registered three times by roster.js with this same script:
// - scope /workshops/: caches the roster page's assets when it installs (they are versioned:
//   cache first) and the roster pages network first (fresh when online, the saved copy when not);
// - scopes = the logout and the login URLs: see the sign-out or sign-in form being posted, from
//   whichever page, and delete the saved roster pages so the next person on this phone cannot
//   read them (a session may also end without signing out, and someone else sign in).
// The marks waiting to sync are not here: roster.js keeps them in localStorage, per trainer.
(function () {
  "use strict";
  var CONFIG = self.ERDEM_OFFLINE;
  var PREFIX = "erdem-workshops-";
  var ASSETS = PREFIX + "assets-" + CONFIG.version;
  var PAGES = PREFIX + "pages-" + CONFIG.version;
  var MAX_PAGES = 30;
  var pagePattern = new RegExp(CONFIG.pages);
  var scopePath = new URL(self.registration.scope).pathname;
  var forAccounts = scopePath === CONFIG.logout || scopePath === CONFIG.login;

  function isRosterPage(url) {
    return url.origin === self.location.origin && pagePattern.test(url.pathname) && !url.search;
  }

  function pageKey(url) {
    return new URL(url).origin + new URL(url).pathname;
  }

  function forgetPages() {
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PREFIX + "pages-") === 0;
      }).map(function (name) { return caches.delete(name); }));
    });
  }

  function keepPage(url, response) {
    return caches.open(PAGES).then(function (cache) {
      return cache.put(pageKey(url), response).then(function () {
        return cache.keys();
      }).then(function (keys) {
        // Oldest first (insertion order): drop beyond the limit.
        return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map(function (key) {
          return cache.delete(key);
        }));
      });
    });
  }

  function dropPage(url) {
    return caches.open(PAGES).then(function (cache) { return cache.delete(pageKey(url)); });
  }

  function usable(response) {
    var type = response.headers.get("Content-Type") || "";
    return response.ok && !response.redirected && response.type === "basic" && type.indexOf("text/html") === 0;
  }

  function refusedNow(response) {
    // Signed out (redirect to the login page), no longer allowed, or gone: the saved copy must go too.
    return response.type === "opaqueredirect" || response.redirected ||
      response.status === 401 || response.status === 403 || response.status === 404;
  }

  function fromNetwork(request, url) {
    return fetch(request).then(function (response) {
      if (usable(response)) {
        return keepPage(url, response.clone()).then(function () { return response; });
      }
      if (refusedNow(response)) {
        return dropPage(url).then(function () { return response; });
      }
      return response;
    });
  }

  function networkFirst(request, url) {
    return fromNetwork(request, url).catch(function () {
      return caches.open(PAGES).then(function (cache) {
        return cache.match(pageKey(url), { ignoreVary: true });
      }).then(function (saved) {
        return saved || Response.error();
      });
    });
  }

  function cacheFirst(request) {
    return caches.match(request, { ignoreVary: true, ignoreSearch: false }).then(function (saved) {
      return saved || fetch(request);
    });
  }

  self.addEventListener("install", function (event) {
    if (forAccounts) {
      event.waitUntil(self.skipWaiting());
      return;
    }
    event.waitUntil(caches.open(ASSETS).then(function (cache) {
      return cache.addAll(CONFIG.assets);
    }).then(function () { return self.skipWaiting(); }));
  });

  self.addEventListener("activate", function (event) {
    if (forAccounts) {
      event.waitUntil(self.clients.claim());
      return;
    }
    // A new version: move the saved roster pages over by fetching them again (their old copies
    // name the old assets), then drop every cache of earlier versions.
    event.waitUntil(caches.keys().then(function (names) {
      var old = names.filter(function (name) {
        return name.indexOf(PREFIX) === 0 && name !== ASSETS && name !== PAGES;
      });
      var refetched = old.filter(function (name) { return name.indexOf(PREFIX + "pages-") === 0; })
        .map(function (name) {
          return caches.open(name).then(function (cache) { return cache.keys(); }).then(function (keys) {
            return Promise.all(keys.map(function (key) {
              return fromNetwork(new Request(key.url, { credentials: "same-origin" }), new URL(key.url))
                .catch(function () { return null; });
            }));
          });
        });
      return Promise.all(refetched).then(function () {
        return Promise.all(old.map(function (name) { return caches.delete(name); }));
      });
    }).then(function () { return self.clients.claim(); }));
  });

  self.addEventListener("fetch", function (event) {
    var request = event.request;
    var url = new URL(request.url);
    if (request.method === "POST" && url.origin === self.location.origin &&
        (url.pathname === CONFIG.logout || url.pathname === CONFIG.login)) {
      // Let the sign-out or sign-in go to the server untouched; forget the saved pages meanwhile.
      event.waitUntil(forgetPages());
      return;
    }
    if (forAccounts || request.method !== "GET" || url.origin !== self.location.origin) {
      return;
    }
    if (CONFIG.assets.indexOf(url.pathname) !== -1) {
      event.respondWith(cacheFirst(request));
    } else if (isRosterPage(url)) {
      event.respondWith(networkFirst(request, url));
    }
  });

  self.addEventListener("message", function (event) {
    var data = event.data || {};
    if (forAccounts || data.type !== "keep-page") { return; }
    var url;
    try { url = new URL(data.url, self.location.origin); } catch (error) { return; }
    if (!isRosterPage(url)) { return; }
    // The page that registered this worker was loaded before the worker existed: save it now.
    event.waitUntil(fromNetwork(new Request(pageKey(url), { credentials: "same-origin" }), url).then(function () {
      if (event.source) { event.source.postMessage({ type: "page-kept", url: pageKey(url) }); }
    }, function () { return null; }));
  });
})();
