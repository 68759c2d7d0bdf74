"""Weight and first paint of a lesson page in Chromium on a throttled slow-3G connection.

Serves the demo programme with gunicorn as scripts/demo does (production settings, two
workers of four threads) on loopback, signs in as the demo educator in headless Chromium,
throttles the page's network with the DevTools protocol (Network.emulateNetworkConditions)
and opens the lesson the educator would continue with, then the first lesson of that course
(where a course's introductory media lives): once with an empty cache (first visit), then
again in a new tab of the same browser profile (repeat visit). Bytes are what
crossed the network, headers included (Chromium's encodedDataLength); files served from
the browser's cache count zero. Media (audio, video, captions, the lesson's own images) is left out
of the budgets and shown apart. Each visit is made `--runs` times; first contentful paint
is the median, bytes come from the last run.
"""

import argparse
import statistics
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bench.harness import Environment, demo_environment, gunicorn

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
KB = 1024


@dataclass(frozen=True)
class Profile:
    title: str
    latency_ms: float  # added to every request's round trip
    download: float  # bytes per second
    upload: float

    def conditions(self) -> dict[str, Any]:
        return {
            "offline": False,
            "latency": self.latency_ms,
            "downloadThroughput": self.download,
            "uploadThroughput": self.upload,
            "connectionType": "cellular3g",
        }

    def describe(self) -> str:
        return (
            f"{self.title}: {self.latency_ms:g} ms latency, {self.download * 8 / 1000:g} kbit/s down, "
            f"{self.upload * 8 / 1000:g} kbit/s up"
        )


PROFILES = {
    # Chrome DevTools' and Puppeteer's preset of that name: 500 kbit/s x 0.8, 400 ms x 5.
    "slow-3g": Profile("Chrome DevTools 'Slow 3G'", 2000, 500 * 1000 / 8 * 0.8, 500 * 1000 / 8 * 0.8),
    # WebPageTest's '3G Slow' (the profile early Lighthouse reports used): 400 ms RTT, 400 kbit/s.
    "wpt-3g-slow": Profile("WebPageTest '3G Slow'", 400, 400 * 1000 / 8, 400 * 1000 / 8),
}

# The budgets (1 KB = 1,024 bytes).
HTML_BUDGET = 14 * KB  # compressed body: fits the first TCP round trips of a new connection
FIRST_VISIT_BUDGET = 60 * KB  # everything but media
REPEAT_VISIT_BUDGET = 15 * KB


@dataclass
class Transfer:
    url: str
    kind: str  # Chromium's resource type: Document, Stylesheet, Script, Image, Font, Media, …
    status: int = 0
    encoding: str = ""
    content_length: int | None = None
    cache_control: str = ""
    from_cache: bool = False
    bytes: int = 0

    def is_media(self, origin: str) -> bool:
        """Audio, video, their captions and the lesson's own images: outside the page-weight budgets."""
        if self.kind in {"Media", "TextTrack"}:
            return True
        return self.kind == "Image" and not self.url.startswith(f"{origin}/static/")


@dataclass
class Visit:
    fcp_ms: float
    transfers: list[Transfer] = field(default_factory=list)
    blocking_scripts: int = 0

    def page_bytes(self, origin: str) -> int:
        return sum(t.bytes for t in self.transfers if not t.is_media(origin))

    def media_bytes(self, origin: str) -> int:
        return sum(t.bytes for t in self.transfers if t.is_media(origin))

    def document(self) -> Transfer:
        return next(t for t in self.transfers if t.kind == "Document")


def visit(context: Any, url: str, profile: Profile) -> Visit:
    """Opens `url` in a new tab of `context` on the throttled network and records every transfer."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    transfers: dict[str, Transfer] = {}

    def on_response(event: dict[str, Any]) -> None:
        response = event["response"]
        headers = {name.lower(): value for name, value in response.get("headers", {}).items()}
        length = headers.get("content-length")
        transfers[event["requestId"]] = Transfer(
            url=response["url"],
            kind=event.get("type", "Other"),
            status=response["status"],
            encoding=headers.get("content-encoding", ""),
            content_length=int(length) if length and length.isdigit() else None,
            cache_control=headers.get("cache-control", ""),
            from_cache=bool(response.get("fromDiskCache") or response.get("fromPrefetchCache")),
        )

    def on_cached(event: dict[str, Any]) -> None:
        if event["requestId"] in transfers:
            transfers[event["requestId"]].from_cache = True

    def on_finished(event: dict[str, Any]) -> None:
        if event["requestId"] in transfers:
            transfers[event["requestId"]].bytes = int(event["encodedDataLength"])

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.requestServedFromCache", on_cached)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", profile.conditions())
    response = page.goto(url, wait_until="networkidle", timeout=120_000)
    if response is None or response.status != 200:
        raise RuntimeError(f"{url} answered {response.status if response else 'nothing'}; is the session valid?")
    fcp = page.evaluate(
        "() => (performance.getEntriesByName('first-contentful-paint')[0] || {startTime: -1}).startTime"
    )
    blocking = page.evaluate(
        "() => document.querySelectorAll('head script[src]:not([defer]):not([async]):not([type=module])').length"
    )
    page.close()
    for transfer in transfers.values():
        if transfer.from_cache:
            transfer.bytes = 0
    return Visit(float(fcp), list(transfers.values()), int(blocking))


def measure(port: int, path: str, cookie: str, profile: Profile, runs: int) -> tuple[list[Visit], list[Visit]]:
    from playwright.sync_api import sync_playwright

    origin = f"http://127.0.0.1:{port}"
    firsts, repeats = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                # A phone's viewport: most readers outside the capital read on one.
                context = browser.new_context(viewport={"width": 390, "height": 844}, locale="mn-MN")
                context.add_cookies([{"name": "sessionid", "value": cookie, "url": origin}])
                firsts.append(visit(context, origin + path, profile))
                repeats.append(visit(context, origin + path, profile))
                context.close()
        finally:
            browser.close()
    return firsts, repeats


def _kb(size: float) -> str:
    return f"{size / KB:.1f} KB"


def report(
    environment: Environment, profile: Profile, path: str, origin: str, firsts: list[Visit], repeats: list[Visit]
) -> bool:
    first, repeat = firsts[-1], repeats[-1]
    document = first.document()
    html_body = document.content_length if document.content_length is not None else document.bytes
    fonts = sum(1 for t in first.transfers if t.kind == "Font")
    static = [t for t in first.transfers if t.url.startswith(f"{origin}/static/")]
    cached_forever = [t for t in static if "immutable" in t.cache_control or "max-age=315360000" in t.cache_control]
    rows: list[tuple[str, str, str, bool | None]] = [
        ("HTML, compressed body", _kb(html_body), f"≤ {_kb(HTML_BUDGET)}", html_body <= HTML_BUDGET),
        ("HTML served compressed", document.encoding or "no", "gzip or br", document.encoding in {"gzip", "br"}),
        (
            "first visit, bytes transferred (no media)",
            _kb(first.page_bytes(origin)),
            f"≤ {_kb(FIRST_VISIT_BUDGET)}",
            first.page_bytes(origin) <= FIRST_VISIT_BUDGET,
        ),
        (
            "repeat visit, bytes transferred (no media)",
            _kb(repeat.page_bytes(origin)),
            f"≤ {_kb(REPEAT_VISIT_BUDGET)}",
            repeat.page_bytes(origin) <= REPEAT_VISIT_BUDGET,
        ),
        ("media, first visit (not budgeted)", _kb(first.media_bytes(origin)), "-", None),
        (
            "first contentful paint, first visit (median)",
            f"{statistics.median(v.fcp_ms for v in firsts):,.0f} ms",
            "reported",
            None,
        ),
        (
            "first contentful paint, repeat visit (median)",
            f"{statistics.median(v.fcp_ms for v in repeats):,.0f} ms",
            "reported",
            None,
        ),
        ("render-blocking scripts", str(first.blocking_scripts), "0", first.blocking_scripts == 0),
        ("web fonts downloaded", str(fonts), "0", fonts == 0),
        (
            "static files cached for good",
            f"{len(cached_forever)} of {len(static)}",
            "all",
            len(cached_forever) == len(static),
        ),
    ]
    print()
    print(f"Lesson page weight · {path} as the demo educator · {environment.database}")
    print(f"Network: {profile.describe()} (CDP Network.emulateNetworkConditions) · {len(firsts)} runs")
    header = f"{'measure':<46} {'value':>12} {'budget':>12}  result"
    print(header)
    print("-" * len(header))
    for measure_name, value, budget, passed in rows:
        result = "-" if passed is None else ("pass" if passed else "FAIL")
        print(f"{measure_name:<46} {value:>12} {budget:>12}  {result}")
    print()
    print("Transfers of the last run (bytes on the wire, headers included):")
    for label, visit_ in (("first", first), ("repeat", repeat)):
        for transfer in visit_.transfers:
            where = "cache" if transfer.from_cache else (transfer.encoding or "identity")
            name = urlsplit(transfer.url).path
            print(f"  {label:<7}{transfer.kind:<11}{transfer.bytes:>8} B  {where:<9} {name}")
    return all(passed is not False for *_, passed in rows)


def run(environment: Environment, *, profile_name: str, runs: int) -> bool:
    """Measures the demo educator's lessons (bench.fixtures.lessons_to_weigh) and prints a table
    for each; false when a budget is exceeded."""
    from bench.fixtures import lesson_path, lessons_to_weigh, session_key
    from erdem.access.models import Role
    from erdem.demo.services import demo_login_email
    from erdem.people.models import Person

    profile = PROFILES[profile_name]
    lessons = [(label, lesson_path(lesson)) for label, lesson in lessons_to_weigh()]
    cookie = session_key(Person.objects.get(email=demo_login_email(role=Role.EDUCATOR)).pk)
    server_env = {**environment.env, "DJANGO_SETTINGS_MODULE": "erdem.settings"}
    options = ("--workers", "2", "--threads", "4", "--log-level", "warning")  # as scripts/demo
    ok = True
    with gunicorn(server_env, "erdem.wsgi:application", *options) as server:
        port = server.port
        for label, path in lessons:
            firsts, repeats = measure(port, path, cookie, profile, runs)
            ok &= report(environment, profile, f"{path} ({label})", f"http://127.0.0.1:{port}", firsts, repeats)
    return ok


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", choices=sorted(PROFILES), default="slow-3g", help="network throttling")
    parser.add_argument("--runs", type=int, default=3, help="visits of each kind; FCP is their median")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--educators", type=int, default=2054)
    arguments(parser)
    args = parser.parse_args()
    with demo_environment(args.educators) as environment:
        ok = run(environment, profile_name=args.profile, runs=args.runs)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
