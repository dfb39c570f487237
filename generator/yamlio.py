"""YAML reading shared by the config and entry loaders.

Parsing uses libyaml's C loader when available (several times faster).
Line numbers are only looked up when something is wrong, so the fast path
never builds a node tree.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import msgspec
import yaml

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader with YAML 1.2 booleans and dates kept as text.

    YAML 1.1 turns `lang: no` into False and `2024-02-30` into a crash
    without a line number; we parse dates ourselves and only `true`/`false`
    are booleans.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML reads this class attribute
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_TIMESTAMP, _BOOL)] for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }


SafeLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_MAX_CONTAINERS = 200  # deeper or larger documents take the general path
_LEAVES = frozenset({_STR, _BOOL, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:null"})


class _NotPlain(Exception):
    """The document uses something the direct construction leaves to PyYAML."""


class _FastLoader(SafeLoader):
    """Builds plain documents directly from the node tree.

    Front matter is a mapping of strings, numbers and lists. PyYAML's generic
    construction (object states, generators, alias bookkeeping) is a third of
    an entry's parse time; documents with anything else (aliases, merge keys,
    non-scalar keys, other tags) go through it unchanged.
    """

    def construct_document(self, node: yaml.Node) -> Any:
        try:
            return self._plain(node, set())
        except _NotPlain:
            return super().construct_document(node)

    def _plain(self, node: yaml.Node, seen: set[int]) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag in _LEAVES:
            return self.yaml_constructors[tag](self, node)
        # A container met twice is an alias: PyYAML shares it (copies could grow
        # exponentially, or forever if it contains itself).
        if id(node) in seen or len(seen) > _MAX_CONTAINERS:
            raise _NotPlain
        seen.add(id(node))
        if tag == _MAP and all(k.tag == _STR for k, _ in node.value):
            return {k.value: self._plain(v, seen) for k, v in node.value}
        if tag == _SEQ:
            return [self._plain(v, seen) for v in node.value]
        raise _NotPlain


def parse(text: str) -> Any:
    """Parse one YAML document safely (no arbitrary objects)."""
    return yaml.load(text, Loader=_FastLoader)


def error_line(exc: yaml.YAMLError) -> int | None:
    """1-based line of a YAML syntax error, if PyYAML knows it."""
    mark = getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark is not None else None


def error_text(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    parts = [p for p in (context, problem) if p]
    return "invalid YAML: " + ("; ".join(parts) if parts else str(exc).splitlines()[0])


def key_line(text: str, keys: list[str | int]) -> int | None:
    """1-based line of the value at `keys` in `text`, or of its closest parent."""
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            match = next((kv for kv in node.value if kv[0].value == key), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if key >= len(node.value):
                break
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_UNKNOWN = re.compile(r"Object contains unknown field `(?P<key>[^`]+)`")


def explain(exc: msgspec.ValidationError, schema: type, prefix: str = "") -> tuple[list[str | int], str, str | None]:
    """Turn a msgspec error into (key path, message, hint) for humans.

    Unknown keys get a "did you mean" hint from the fields the schema allows
    at that place.
    """
    text = str(exc)
    match = _AT.search(text)
    keys: list[str | int] = []
    if match:
        text = text[: match.start()]
        keys = [m[1] if m[1] is not None else int(m[2]) for m in _PART.finditer(match["path"])]
    unknown = _UNKNOWN.match(text)
    if unknown:
        key = unknown["key"]
        allowed = _fields_at(schema, keys)
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"allowed keys: {', '.join(sorted(allowed))}"
        keys = [*keys, key]
        return keys, f"unknown key `{prefix}{_dotted(keys)}`", hint
    return keys, f"`{prefix}{_dotted(keys)}`: {text[0].lower() + text[1:]}", None


def _dotted(keys: list[str | int]) -> str:
    return ".".join(str(k) for k in keys)


def _fields_at(schema: type, keys: list[str | int]) -> list[str]:
    """Names a msgspec Struct accepts at a nested key path."""
    info = msgspec.inspect.type_info(schema)
    for key in keys:
        if isinstance(key, int) and isinstance(info, msgspec.inspect.ListType):  # an item of a list (`sources.1`)
            info = info.item_type
        elif not isinstance(info, msgspec.inspect.StructType):
            return []
        else:
            field = next((f for f in info.fields if f.encode_name == key), None)
            if field is None:
                return []
            info = field.type
        while isinstance(info, msgspec.inspect.UnionType):
            info = next((t for t in info.types if isinstance(t, msgspec.inspect.StructType)), info.types[0])
    if isinstance(info, msgspec.inspect.StructType):
        return [f.encode_name for f in info.fields]
    return []
