"""What an entry's body may cost to render.

markdown-it-py spends up to a hundred microseconds on each character of
inline syntax (`[`, `](`, `*`, `` ` ``, ...) when nothing matches, against
well under one on plain text: 1 MB of `[a](` took 25 s. Bodies are capped
by those characters, not by size, so a long article of prose always renders
and no body costs more than about half a second to parse.
"""

from __future__ import annotations

import re

MAX_MARKUP = 10_000  # a 10,000-word article with a link in every other sentence has about 2,000
MARKUP = "[]()!*_`<&\\~"  # markdown's inline syntax: links, images, emphasis, code, autolinks, entities, escapes
_MARKUP = re.compile(f"[{re.escape(MARKUP)}]")


def markup_overflow(body: str, limit: int = MAX_MARKUP) -> int | None:
    """Offset in `body` of the first markup character past the limit, or None when it is within it."""
    if len(body) <= limit:
        return None
    for count, match in enumerate(_MARKUP.finditer(body), 1):
        if count > limit:
            return match.start()
    return None
