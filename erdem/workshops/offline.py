"""The offline roster's service worker (docs/decisions/0009-offline-attendance.md).

A service worker controls the pages under the directory it is served from, so it is served
by this view at /workshops/sw.js rather than from /static/. The script itself is the static
file `workshops/offline-worker.js`; this view puts in front of it what it needs from the
server: the URLs of the roster page's assets, the roster pages' path, the logout and login URLs, and a
version computed from the content of all of these. A deploy that changes any of them changes
the script's bytes, so browsers install the new worker, which drops the old caches.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

WORKER = "workshops/offline-worker.js"
# What the roster page loads (base.html and the roster template): cached when the worker installs.
ROSTER_ASSETS = (
    "erdem/site.css",
    "erdem/site.js",
    "erdem/favicon.svg",
    "workshops/workshops.css",
    "workshops/roster.js",
)
# Roster pages, under the worker's scope; matched by the worker in JavaScript.
ROSTER_PATH = r"^{prefix}\d+/roster/$"


def _read(name: str) -> bytes:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(str(found)).read_bytes()


def _source() -> tuple[str, str]:
    """The worker script and its configuration line, with a version over everything that may change."""
    prefix = reverse("workshops:offline_worker").rsplit("/", 1)[0] + "/"
    config: dict[str, object] = {
        "scope": prefix,
        "assets": [static(name) for name in ROSTER_ASSETS],
        "pages": ROSTER_PATH.format(prefix=prefix.replace("/", r"\/")),
        "logout": reverse("people:logout"),
        "login": reverse("people:login"),
    }
    script = _read(WORKER).decode()
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode())
    digest.update(script.encode())
    for name in ROSTER_ASSETS:
        digest.update(_read(name))
    version = digest.hexdigest()[:16]
    head = f"self.ERDEM_OFFLINE = {json.dumps({**config, 'version': version}, sort_keys=True)};\n"
    return head + script, version


_cached_source = lru_cache(maxsize=1)(_source)


@require_safe
def offline_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script. Always revalidated (`no-cache`), answered 304 when unchanged."""
    body, version = _source() if settings.DEBUG else _cached_source()
    etag = f'"{version}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    # The same script also runs in registrations scoped to the logout and login URLs, so that signing
    # out, or someone else signing in, clears the roster pages this browser saved.
    response["Service-Worker-Allowed"] = "/"
    return response
