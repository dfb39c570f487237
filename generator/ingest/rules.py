"""Boilerplate rules: the shipped data file plus the user's own patterns.

Rules are compiled into one alternation so each line costs a single regex
call; the alternative that matched names the rule. Group names are made
unique per rule (`r12_pub`) so `pub`/`date` captures survive.

Most rules can only start with a few characters (`Subscribe…`, `MORE
STORIES…`), and a line that starts otherwise cannot match them, yet the
regex engine would try every alternative on it. So each line is matched
against the alternation of just the rules its first character allows
(worked out once per character, by the regex engine itself).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any, Literal

import yaml

Role = Literal["drop", "tail", "marker"]
ROLES: tuple[Role, ...] = ("drop", "tail", "marker")
GENERIC = "generic"  # platform of rules that hold for any site
MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?"
_GROUP = re.compile(r"\(\?P<(pub|date)>")
FLAGS = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    pattern: str
    role: Role = "drop"
    lang: str | None = None  # UI language of a platform rule
    platform: str = GENERIC


@dataclass(frozen=True, slots=True)
class Hit:
    """A line matched a rule; `pub`/`date` are what its groups captured."""

    rule: Rule
    pub: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    combined: re.Pattern[str]  # every rule; alternative i is group `r{i}`
    starts: tuple[re.Pattern[str] | None, ...]  # per rule: the characters it can start with (None: any)
    by_first: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False)  # filled as lines come

    def match(self, line: str) -> Hit | None:
        """The first rule (in file order, user rules first) matching the whole line."""
        first = line[:1]
        matcher = self.by_first.get(first) or self._matcher_for(first)
        m = matcher.fullmatch(line)
        if m is None:
            return None
        index = int(m.lastgroup[1:])  # type: ignore[index]
        rule = self.rules[index]
        if "(?P<" not in rule.pattern:
            return Hit(rule)
        groups = m.groupdict()
        return Hit(rule, _captured(groups.get(f"r{index}_pub")), _captured(groups.get(f"r{index}_date")))

    def _matcher_for(self, first: str) -> re.Pattern[str]:
        if not first or len(self.by_first) >= _MAX_FIRSTS:
            return self.combined
        allowed = tuple(i for i, start in enumerate(self.starts) if start is None or start.fullmatch(first))
        matcher = self.by_first[first] = _alternation(self.rules, allowed)
        return matcher


_MAX_FIRSTS = 4096  # distinct first characters remembered; text in a large script may bring thousands


def _prefixed(i: int) -> Callable[[re.Match[str]], str]:
    """Renames a rule's named groups so many rules can share one compiled pattern."""
    return lambda m: f"(?P<r{i}_{m[1]}>"


def _captured(value: str | None) -> str | None:
    """A capture, unless it is an unfilled template like `{{MagazineName}}`."""
    if value is None:
        return None
    value = value.strip()
    return None if not value or "{{" in value or "}}" in value else value


def expand(pattern: str) -> str:
    return pattern.replace("{MONTH}", MONTH)


def compile_rules(rules: Sequence[Rule]) -> RuleSet:
    """Build the combined matcher; raises re.error naming the bad rule."""
    starts = []
    for rule in rules:
        try:
            starts.append(_start(expand(rule.pattern)))
        except re.error as exc:
            raise re.error(f"rule {rule.name!r}: {exc}") from None
    return RuleSet(tuple(rules), _alternation(tuple(rules), tuple(range(len(rules)))), tuple(starts))


@functools.lru_cache(maxsize=256)  # many first characters allow the same rules
def _alternation(rules: tuple[Rule, ...], indices: tuple[int, ...]) -> re.Pattern[str]:
    parts = [f"(?P<r{i}>{_GROUP.sub(_prefixed(i), expand(rules[i].pattern))})" for i in indices]
    return re.compile("|".join(parts) or "(?!)", FLAGS)


def _start(pattern: str) -> re.Pattern[str] | None:
    """A pattern matching each character a match of `pattern` can start with; None when that is any.

    Read from the parsed pattern (the parser the `re` module compiles with,
    as hypothesis's `from_regex` does); anything but literals and plain
    character sets counts as "any", which only costs speed.
    """
    parsed = _parser.parse(pattern, FLAGS)  # raises re.error for a bad pattern
    pieces = _first(list(parsed))
    if pieces is None:
        return None
    # The same literals and sets with the same flags: the engine decides which characters they take.
    return re.compile("|".join(pieces), FLAGS)


def _first(items: list[tuple[Any, Any]]) -> list[str] | None:
    """Regex pieces for the first character of a parsed sequence, or None when it could be anything."""
    for op, arg in items:
        if op is _c.AT:  # an anchor or word boundary takes no character
            continue
        if op is _c.LITERAL:
            return [re.escape(chr(arg))]
        if op is _c.IN:
            members = [_member(kind, value) for kind, value in arg]
            return None if None in members else ["[" + "".join(m for m in members if m) + "]"]
        if op is _c.SUBPATTERN:
            return _first(list(arg[-1]))
        if op is _c.BRANCH:
            branches = [_first(list(branch)) for branch in arg[1]]
            return None if any(b is None for b in branches) else [p for b in branches if b for p in b]
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:
            return _first(list(arg[2]))
        return None  # any character, a class like \w, a lookaround, an optional part, ...
    return None  # may match the empty string


def _member(kind: Any, value: Any) -> str | None:
    if kind is _c.LITERAL:
        return re.escape(chr(value))
    if kind is _c.RANGE:
        return f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}"
    return None  # a negated set or a category


def parse_rules(data: object) -> list[Rule]:
    """Rules from the data file's structure (see rules.yaml)."""
    if not isinstance(data, dict):
        raise ValueError("rules file must be a mapping with `magzter` and `generic`")
    rules: list[Rule] = []
    for lang, items in (data.get("magzter") or {}).items():
        rules += [_rule(item, lang=None if lang == "any" else str(lang), platform="magzter") for item in items]
    rules += [_rule(item) for item in data.get("generic") or ()]
    return rules


def _rule(item: object, lang: str | None = None, platform: str = GENERIC) -> Rule:
    if isinstance(item, str):
        return Rule("user", item, lang=lang, platform=platform)
    if not isinstance(item, dict) or "pattern" not in item:
        raise ValueError(f"a rule needs a `pattern`, got {item!r}")
    role = item.get("role", "drop")
    if role not in ROLES:
        raise ValueError(f"rule role must be one of {', '.join(ROLES)}, got {role!r}")
    return Rule(str(item.get("name", "user")), str(item["pattern"]), role, lang, platform)


@functools.cache
def shipped_rules() -> tuple[Rule, ...]:
    """The rules in the package's rules.yaml, read once."""
    text = resources.files("generator.ingest").joinpath("rules.yaml").read_text(encoding="utf-8")
    return tuple(parse_rules(yaml.safe_load(text)))


def build_rules(user: Iterable[Rule] = ()) -> RuleSet:
    """User rules first (they may override), then the shipped ones."""
    return compile_rules([*user, *shipped_rules()])


@functools.cache
def default_rules() -> RuleSet:
    return build_rules()
