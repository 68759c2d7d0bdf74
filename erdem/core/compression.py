"""Gzip for the pages and JSON the application renders (docs/decisions/0008-compression.md).

Static files are compressed once, at collectstatic, and WhiteNoise serves them already
compressed; this middleware compresses what is rendered per request. It is Django's
GZipMiddleware, whose BREACH mitigation pads every gzip header with up to 100 random bytes,
limited to text: media and downloads are already compressed or answer byte ranges, which a
compressed body would no longer match.
"""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE_TYPES = frozenset(
    {
        "text/html",
        "text/plain",
        "text/csv",
        "text/vtt",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/xml",
        "image/svg+xml",
    }
)


def compressible(response: HttpResponseBase) -> bool:
    """Text, answered whole: not a byte range, nor a response that offers ranges."""
    content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return (
        content_type in COMPRESSIBLE_TYPES
        and response.status_code != 206
        and not response.has_header("Content-Range")
        and not response.has_header("Accept-Ranges")
    )


class TextGZipMiddleware(GZipMiddleware):
    """Compresses text responses for clients that accept gzip; everything else passes untouched."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not compressible(response):
            return response
        return super().process_response(request, response)
