"""Boilerplate rules: the shipped data file plus the user's own patterns.

All rules are compiled into ONE alternation so each line costs a single
regex call; the alternative that matched names the rule. Group names are
made unique per rule (`r12_pub`) so `pub`/`date` captures survive.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import yaml

Role = Literal["drop", "tail", "marker"]
ROLES: tuple[Role, ...] = ("drop", "tail", "marker")
GENERIC = "generic"  # platform of rules that hold for any site
MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?"
_GROUP = re.compile(r"\(\?P<(pub|date)>")


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
    combined: re.Pattern[str]

    def match(self, line: str) -> Hit | None:
        """The first rule (in file order, user rules first) matching the whole line."""
        m = self.combined.fullmatch(line)
        if m is None:
            return None
        index = int(m.lastgroup[1:])  # type: ignore[index]
        rule = self.rules[index]
        if "(?P<" not in rule.pattern:
            return Hit(rule)
        groups = m.groupdict()
        return Hit(rule, _captured(groups.get(f"r{index}_pub")), _captured(groups.get(f"r{index}_date")))


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
    parts = []
    for i, rule in enumerate(rules):
        pattern = expand(rule.pattern)
        try:
            re.compile(pattern)
        except re.error as exc:
            raise re.error(f"rule {rule.name!r}: {exc}") from None
        parts.append(f"(?P<r{i}>{_GROUP.sub(_prefixed(i), pattern)})")
    combined = re.compile("|".join(parts) or "(?!)", re.IGNORECASE)
    return RuleSet(tuple(rules), combined)


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
