"""Lesson bodies: Markdown (CommonMark with tables, raw HTML off) to HTML, then sanitised.

Raw HTML is disabled in the parser, and the result still goes through nh3 with a small
allow-list, so a hostile body can neither inject markup nor smuggle a script URL.

An image of the lesson is written `![](image:<key>)`: rendering resolves the key to the
lesson's image (its URL, its alt text in the reader's language, its size, loaded lazily); an
unknown key shows nothing, and an image from another address becomes a link to it, so a body
never makes the reader's browser fetch from elsewhere (and an offline copy needs no network).
"""

import re
from dataclasses import dataclass
from typing import Any

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "code",
    "pre",
    "blockquote",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "lang"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# markdown-it aligns table columns with `style="text-align:…"`, which the Content-Security-Policy refuses;
# `_render_cell_open` turns it into one of these classes (the stylesheets, served and offline, align them).
CELL_ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
ALLOWED_CLASSES = {"th": CELL_ALIGN_CLASSES, "td": CELL_ALIGN_CLASSES}
IMAGE_SCHEME = "image:"


@dataclass(frozen=True)
class ImageRef:
    """What `![](image:<key>)` becomes: the image's URL (relative, or a data: URI offline), its alt
    text and that text's language, and its size in pixels when known."""

    src: str
    alt: str
    language_code: str = ""
    width: int | None = None
    height: int | None = None
    link_only: bool = False  # offline, an image too large to embed: a link to it instead


def _render_image(self: Any, tokens: Any, idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    images: dict[str, ImageRef] = env.get("images") or {}
    if not src.startswith(IMAGE_SCHEME):
        # An image from elsewhere becomes a link to it: the page never fetches from another site.
        text = escape(self.renderInlineAsText(token.children or [], options, env) or src)
        return f'<a href="{escape(src)}">{text}</a>'
    image = images.get(src.removeprefix(IMAGE_SCHEME))
    if image is None:
        return ""
    alt = image.alt or self.renderInlineAsText(token.children or [], options, env)
    if image.link_only:
        return f'<a href="{escape(image.src)}">{escape(alt or image.src)}</a>'
    size = f' width="{image.width}" height="{image.height}"' if image.width and image.height else ""
    lang = f' lang="{escape(image.language_code)}"' if image.language_code else ""
    return f'<img src="{escape(image.src)}" alt="{escape(alt)}"{lang}{size} loading="lazy" decoding="async">'


_MARKDOWN.add_render_rule("image", _render_image)


def _render_cell_open(self: Any, tokens: Any, idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    style = str(token.attrGet("style") or "")
    if style:
        del token.attrs["style"]
        token.attrSet("class", "align-" + style.removeprefix("text-align:"))
    return str(self.renderToken(tokens, idx, options, env))


_MARKDOWN.add_render_rule("th_open", _render_cell_open)
_MARKDOWN.add_render_rule("td_open", _render_cell_open)


_INLINE_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$")


def _only_images_inline(tag: str, attribute: str, value: str) -> str | None:
    """With data: allowed for offline copies, keep it only as an image's source, and only for a raster image."""
    if value.lower().startswith("data:") and not (tag == "img" and attribute == "src" and _INLINE_IMAGE.match(value)):
        return None
    return value


def html_sanitise(html: str, *, inline_images: bool = False) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes; links get rel="noopener".
    `inline_images` (offline copies) also lets images be embedded as base64 data: URIs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES | {"data"} if inline_images else ALLOWED_URL_SCHEMES,
        link_rel="noopener",
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_only_images_inline if inline_images else None,
    )


def markdown_render(text: str, *, images: dict[str, ImageRef] | None = None, inline_images: bool = False) -> SafeString:
    """A lesson body (or a transcript) as safe HTML; `images` resolves `image:<key>` addresses."""
    html = html_sanitise(_MARKDOWN.render(text, {"images": images or {}}), inline_images=inline_images)
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 just above
