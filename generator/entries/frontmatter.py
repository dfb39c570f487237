"""Split a markdown entry into front matter and body, and write one back.

This is the file format contract shared by hand-written entries, `digest
ingest` (which writes them) and the loader (which reads them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import yaml

FENCE = "---"


class FrontMatterMissing(ValueError):
    """The text does not start with a `---` front matter block."""


def split(text: str) -> tuple[str, str, int]:
    """Return (front matter YAML, body, line number where the YAML starts).

    Accepts a UTF-8 BOM and CRLF or CR line endings; the closing fence may be
    `---` or `...`.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")  # CRLF and old-Mac CR
    if not text.startswith(FENCE + "\n") and text.rstrip("\n") != FENCE:
        raise FrontMatterMissing("entry must start with a `---` line opening the YAML front matter")
    start = len(FENCE) + 1
    pos = start
    while True:
        end = text.find("\n", pos)
        line = text[pos:] if end == -1 else text[pos:end]
        if line.rstrip() in (FENCE, "..."):
            body = "" if end == -1 else text[end + 1 :]
            return text[start:pos], body, 2
        if end == -1:
            raise FrontMatterMissing("front matter is not closed: add a `---` line after it")
        pos = end + 1


# YAML reads NEL, LS and PS as line breaks: written raw, "a\x85b" would come back as "a b".
_YAML_BREAKS = re.compile("[\x85\u2028\u2029]")


_STR, _BOOL, _INT, _NULL = (f"tag:yaml.org,2002:{name}" for name in ("str", "bool", "int", "null"))


def _str_style(value: str) -> str | None:
    return '"' if _YAML_BREAKS.search(value) else "|" if "\n" in value else None  # double quotes escape them


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar(_STR, value, style=_str_style(value))


class _NotPlain(Exception):
    """The data holds something only PyYAML's general representer handles."""


_SCALARS: dict[type, Any] = {  # (tag, text, style) of each plain scalar type
    bool: lambda v: (_BOOL, "true" if v else "false", None),
    int: lambda v: (_INT, str(v), None),
    type(None): lambda v: (_NULL, "null", None),
    str: lambda v: (_STR, v, _str_style(v)),
}


def represent_plain(dumper: Any, data: Any) -> None:
    """`represent` for dumpers of front matter: plain data's node tree built directly.

    Entry fields are dicts, lists and scalars. PyYAML's generic representer
    (alias bookkeeping, type lookups through the MRO) was a third of the time
    `digest ingest` spends writing an entry; anything else takes that path.
    """
    try:
        node = _node(data, set(), dumper.default_style)
    except _NotPlain:
        yaml.representer.BaseRepresenter.represent(dumper, data)
        return
    dumper.serialize(node)


def _node(value: Any, seen: set[int], default_style: str | None) -> yaml.Node:
    kind = type(value)
    scalar = _SCALARS.get(kind)
    if scalar is not None:
        tag, text, style = scalar(value)
        return yaml.ScalarNode(tag, text, style=style or default_style)  # what represent_scalar makes
    if id(value) in seen or kind not in (dict, list):  # a container met twice is an alias
        raise _NotPlain
    seen.add(id(value))
    if kind is dict:  # block style, as yaml.dump's default_flow_style=False writes it
        pairs = [(_node(k, seen, default_style), _node(v, seen, default_style)) for k, v in value.items()]
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)
    return yaml.SequenceNode("tag:yaml.org,2002:seq", [_node(v, seen, default_style) for v in value], flow_style=False)


def resolve_scalar_fast(dumper: Any, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
    """`resolve` for dumpers without path resolvers: PyYAML's answer, in fewer steps.

    The emitter asks twice for every scalar whether its text would read back
    as another type (`no`, `1.5`, `~`); PyYAML's general version was a fifth
    of writing an entry.
    """
    if kind is not yaml.ScalarNode or dumper.yaml_path_resolvers:
        return yaml.resolver.BaseResolver.resolve(dumper, kind, value, implicit)  # type: ignore[no-any-return, no-untyped-call]
    if implicit[0]:
        table = dumper.yaml_implicit_resolvers
        for tag, regexp in (*table.get(value[:1], ()), *table.get(None, ())):
            if regexp.match(value):
                return tag  # type: ignore[no-any-return]
    return dumper.DEFAULT_SCALAR_TAG  # type: ignore[no-any-return]


class _Dumper(yaml.SafeDumper):
    """Writes ISO dates unquoted (we read them back as text, then parse)."""

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML reads this class attribute
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
    }
    represent = represent_plain
    resolve = resolve_scalar_fast


_Dumper.add_representer(str, _represent_str)


def dump(fields: Mapping[str, Any], body: str) -> str:
    """Render an entry file: front matter in the given key order, then the body."""
    clean = {k: _plain(v) for k, v in fields.items() if v is not None}
    front = yaml.dump(clean, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000)
    front = front.removesuffix("...\n")  # document-end marker after a trailing block scalar; our fence ends it
    body = body.strip("\n")
    return f"{FENCE}\n{front}{FENCE}\n" + (f"\n{body}\n" if body else "")


def _plain(value: Any, strings: list[str] | None = None) -> Any:
    """Tuples become lists and datetimes ISO strings so the YAML stays portable.

    With `strings`, every string value (not a mapping's keys) is also appended to it, in one walk.
    """
    kind = type(value)
    if kind is str:  # most values: checked first
        if strings is not None:
            strings.append(value)
        return value
    if kind is list or kind is tuple or (kind is not dict and isinstance(value, list | tuple)):
        return [_plain(v, strings) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, strings) for k, v in value.items()}
    if isinstance(value, dt.date):  # a datetime too
        return value.isoformat()
    if strings is not None and isinstance(value, str):  # a str subclass
        strings.append(value)
    return value
