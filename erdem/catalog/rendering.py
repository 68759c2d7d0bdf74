"""Lesson bodies: Markdown (CommonMark with tables, raw HTML off) to HTML, then sanitised.

Raw HTML is disabled in the parser, and the result still goes through nh3 with a small
allow-list, so a hostile body can neither inject markup nor smuggle a script URL.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "code", "pre", "blockquote", "br", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "th": {"style"}, "td": {"style"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# markdown-it aligns table columns with `style="text-align:…"`; nothing else may style a cell.
ALLOWED_CSS = {"text-align"}


def html_sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes; links get rel="noopener"."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener",
        filter_style_properties=ALLOWED_CSS,
    )


def markdown_render(text: str) -> SafeString:
    """A lesson body as safe HTML."""
    return mark_safe(html_sanitise(_MARKDOWN.render(text)))  # noqa: S308 - sanitised by nh3 just above
