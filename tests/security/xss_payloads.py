"""Hostile texts for every field a person can write: classic script injection, attribute
breakouts, script URLs, template syntax, mutation XSS, encoding tricks, spreadsheet formulas,
Mongolian text around a payload, and a very long value.

`PAYLOADS` are written one by one into rich-text renderers and packed together into every
text field of a test world (see `packed()`); `executable_markup()` lists what, in an HTML page,
a browser would run.
"""

from collections.abc import Iterator, Sequence
from html.parser import HTMLParser

PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg onload=alert(3)>",
    '"><script>alert(4)</script>',
    "'><img src=x onerror=alert(5)>",
    '" onmouseover="alert(6)" x="',
    "' autofocus onfocus='alert(7)",
    "[click](javascript:alert(8))",
    "[click](JaVaScRiPt:alert(9))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMCk8L3NjcmlwdD4=)",
    "![x](javascript:alert(11))",
    '<a href="javascript:alert(12)">x</a>',
    "javascript:alert(13)",
    "data:text/html,<script>alert(14)</script>",
    "{{ request.user.password }}{% debug %}",
    "{% load static %}{{ 7|add:7 }}",
    '<div style="background:url(javascript:alert(17))">x</div>',
    '<p style="width:expression(alert(18))">x</p>',
    '<iframe srcdoc="<script>alert(19)</script>"></iframe>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(20)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(21)>">',
    "+ADw-script+AD4-alert(22)+ADw-/script+AD4-",
    "\u003cscript\u003ealert(23)\u003c/script\u003e \uff1cscript\uff1e",
    '<object data="javascript:alert(24)"></object><embed src=x>',
    '<base href="javascript:/"><meta http-equiv="refresh" content="0;url=javascript:alert(25)">',
    '<form action="javascript:alert(26)"><button>x</button></form>',
    '=HYPERLINK("http://evil.example","x")',
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd",
    "Сайн байна уу <script>alert(31)</script> Өлзий Үүрийнтуяа",
    "</textarea></title></style><script>alert(32)</script>",
    "<details open ontoggle=alert(33)>",
    "`<img src=x onerror=alert(34)>`",
)
LONG = "Ө" * 20_000 + "<script>alert(35)</script>"  # a very long value, for fields without a limit


def packed(max_length: int | None, *, round_: int = 0, rounds: int = 1) -> str:
    """Round `round_` of `rounds`: the payloads whose number falls in this round, joined by spaces, as many
    as fit in `max_length` characters (with the long value too when there is no limit)."""
    mine = PAYLOADS[round_::rounds]
    if max_length is None:
        return " ".join(mine) + " " + LONG
    text = ""
    for payload in mine:
        candidate = f"{text} {payload}" if text else payload
        if len(candidate) > max_length:
            break
        text = candidate
    return text or mine[0][:max_length]


# --- judging a page -----------------------------------------------------------------------------------------

SCRIPT_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}


def _is_script_url(value: str) -> bool:
    squeezed = "".join(ch for ch in value if not ch.isspace() and ch >= " ").lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:text/html", "data:image/svg"))


class _Finder(HTMLParser):
    def __init__(self, static_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.static_url = static_url
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        from_static = values.get("src", "").startswith(self.static_url)
        if tag == "script" and not from_static and values.get("type") != "application/json":
            self.found.append(f"<script> not from the static files: {values}")
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh" and "url" in values.get("content", ""):
            self.found.append(f"<meta http-equiv=refresh to elsewhere {values}>")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in SCRIPT_URL_ATTRIBUTES and _is_script_url(value):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and ("expression(" in value.lower() or "javascript:" in value.lower()):
                self.found.append(f"<{tag} style={value!r}>")


def executable_markup(html: str, *, static_url: str = "/static/") -> list[str]:
    """What a browser would run in `html`: scripts not from erdem's static files, event handler
    attributes, script URLs, frames and plug-ins, <base>, a refresh to elsewhere, script in CSS."""
    finder = _Finder(static_url)
    finder.feed(html)
    finder.close()
    return finder.found


def formula_cells(rows: Iterator[Sequence[object]]) -> list[str]:
    """The text cells a spreadsheet would run as a formula."""
    return [str(cell) for row in rows for cell in row if isinstance(cell, str) and cell[:1] in FORMULA_STARTS]
