"""Is this page HTML? By its bytes, not its name: a .txt may hold HTML and an .html plain text.

The sniffing follows the WHATWG MIME Sniffing standard's HTML signatures
(the first tag after leading whitespace), and gzip-compressed pages are
recognised by their magic bytes.
"""

from __future__ import annotations

import gzip
import re
import zlib

SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz")  # what folders are searched for, beside .txt
GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 1024
_SIGNATURE = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--|meta|link|article|section|main|header|nav)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_html(data: bytes) -> bool:
    head = data[:SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf")
    return _SIGNATURE.match(head) is not None


def is_gzip(data: bytes) -> bool:
    return data.startswith(GZIP_MAGIC)


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """The decompressed bytes; ValueError when they are corrupt or over `max_bytes`."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError(f"not a readable gzip file ({exc})") from None
    if len(out) > max_bytes:
        raise ValueError(f"file is over the {max_bytes:,}-byte limit once decompressed (raise ingest.max_bytes in config.yaml)")
    if not inflater.eof:
        raise ValueError("gzip file is cut short")
    return out
