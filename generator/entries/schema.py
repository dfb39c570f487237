"""The front matter fields an entry may have, and their types."""

from __future__ import annotations

from typing import Any, Literal

import msgspec


class FrontMatter(msgspec.Struct, kw_only=True, frozen=True, rename={"from_id": "from"}):
    """Known front matter keys; unknown keys are kept aside as `extra`."""

    title: str
    kind: Literal["article", "teaser"] = "article"
    source: str | None = None
    edition: str | None = None
    lang: str | None = None
    summary: str | None = None
    authors: list[str] = []
    tags: list[str] = []
    url: str | None = None
    image: str | None = None
    id: str | None = None
    slug: str | None = None
    from_id: str | None = None
    title_derived: bool = False
    origin: dict[str, Any] | None = None
    draft: bool = False


DATE_KEYS = ("date", "added")  # parsed by entries.dates, not msgspec
KNOWN_KEYS = frozenset(f.encode_name for f in msgspec.structs.fields(FrontMatter)) | set(DATE_KEYS)
TEXT_KEYS = ("title", "source", "edition", "lang", "summary", "url", "image", "id", "slug", "from")
LIST_KEYS = ("authors", "tags")
