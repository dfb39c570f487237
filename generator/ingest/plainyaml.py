"""Front matter of plain data written directly, as libyaml's emitter writes it.

Entry fields are mostly short one-line strings that YAML writes as they
are (`title: Bridge reopens`); building PyYAML nodes for them and asking
its resolver twice per scalar was most of the time writing an entry took.
`block` writes a mapping whose every scalar surely comes out plain, and
returns None for anything else (a value YAML would quote, an empty list,
deeper nesting), which then takes the libyaml path.

"Surely plain" is a narrow subset of what libyaml's analyze_scalar allows in
block context: no leading indicator character or space, no `: ` or ` #`,
nothing after the text that YAML would read as an indicator, and text the
resolver reads back as a string (not `yes`, `1.5` or `~`), of printable
BMP characters only (libyaml escapes the others).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

_FIRST_OK = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`.]")  # a first character no YAML indicator
_ODD = re.compile("[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]|[\u2028\u2029\ufeff]")  # breaks, controls, BOMs, astral characters
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_CHARS = 10_000  # far below the emitter's line width: it never folds the line
Resolves = Callable[[str], bool]  # True when plain text reads back as a string


def block(fields: Mapping[str, Any], is_str: Resolves) -> str | None:
    """The YAML of a mapping of scalars, scalar lists and one-level mappings of scalars, or None."""
    out: list[str] = []
    for key, value in fields.items():
        if not (isinstance(key, str) and _KEY.fullmatch(key) and is_str(key)):
            return None
        if isinstance(value, list):
            items = [_scalar(v, is_str) for v in value]
            if not items or None in items:
                return None
            out.append(f"{key}:\n" + "".join(f"- {item}\n" for item in items))
        elif isinstance(value, dict):
            pairs = [(k, _scalar(v, is_str)) for k, v in value.items()]
            if not pairs or any(v is None or not (isinstance(k, str) and _KEY.fullmatch(k) and is_str(k)) for k, v in pairs):
                return None
            out.append(f"{key}:\n" + "".join(f"  {k}: {v}\n" for k, v in pairs))
        elif (text := _scalar(value, is_str)) is not None:
            out.append(f"{key}: {text}\n")
        else:
            return None
    return "".join(out)


def _scalar(value: Any, is_str: Resolves) -> str | None:
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is str and _plain(value) and is_str(value):
        return str(value)
    return None


def _plain(text: str) -> bool:
    return (
        0 < len(text) <= MAX_CHARS
        and _FIRST_OK.match(text) is not None
        and not text[-1].isspace()
        and text[-1] != ":"
        and ": " not in text
        and " #" not in text
        and _ODD.search(text) is None
    )
