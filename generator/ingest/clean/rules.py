"""Boilerplate rules: the shipped data file plus the user's own patterns.

Rules are compiled into one alternation so each line costs a single regex
call; the alternative that matched names the rule. Group names are made
unique per rule (`r12_pub`) so `pub`/`date` captures survive.

Most rules can only start with a few characters (`Subscribe…`, `MORE
STORIES…`), and a line that starts otherwise cannot match them, yet the
regex engine would try every alternative on it. So each line is matched
against the alternation of just the rules its first character allows
(worked out once per character, by the regex engine itself).

Many generic rules also bound the length of the lines they take, by their
own width or a lookahead like `(?=.{0,160}$)`; a longer line is matched
without them (the alternation to try is chosen by first character and
length class). A rule that scans the line for its words (`.*\\b(?:all
rights reserved|…)`) is skipped on a plain-ASCII line that contains none of
them, checked with `in` on the lowered line (which words count, and how each
letter may appear in ASCII, the regex engine decides). A line that recurs (a site's template, a platform's block)
is matched once: its result is remembered.

The user's own patterns are matched with the `regex` module, not `re`: it
gives up on a line after MATCH_SECONDS of CPU time (raising SlowPattern),
and it checks for signals while it works, so Ctrl-C stops even a pattern
that backtracks for ever. The shipped rules, which pass `blowups`, stay on
`re`: it is faster for them, and the benchmark holds only with it.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any, Literal, NamedTuple

import regex
import yaml

Role = Literal["drop", "tail", "marker"]
ROLES: tuple[Role, ...] = ("drop", "tail", "marker")
GENERIC = "generic"  # platform of rules that hold for any site
MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?"
_GROUP = re.compile(r"\(\?P<(pub|date)>")
FLAGS = re.IGNORECASE
MATCH_SECONDS = 1.0  # CPU time the user's patterns may take on one line
_MAX_COUNT = 10  # a repeat allowing more than this many copies counts as unbounded in `blowups`


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


class SlowPattern(Exception):
    """The user's patterns took over MATCH_SECONDS on one line: `patterns` are the ones that did."""

    def __init__(self, patterns: tuple[str, ...], line: str, where: str = "") -> None:
        super().__init__(patterns, line, where)  # args rebuild it when it crosses from a worker
        self.patterns = patterns
        self.line = line
        self.where = where  # the raw file, once known

    def __str__(self) -> str:
        shown = self.line if len(self.line) <= 60 else self.line[:57] + "..."
        place = f" of {self.where}" if self.where else ""
        return f"pattern {' and '.join(map(repr, self.patterns))} took over {MATCH_SECONDS:g} s on the line {shown!r}{place}"


class _Matcher(NamedTuple):
    """The alternation of some rules: the user's (bounded engine, None when there are none) and the shipped ones."""

    user: regex.Pattern[str] | None
    shipped: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]  # the user's `user` rules first, then the shipped ones
    combined: _Matcher  # every rule; alternative i is group `r{i}`
    starts: tuple[re.Pattern[str] | None, ...]  # per rule: the characters it can start with (None: any)
    user: int = 0
    longest: tuple[int | None, ...] = ()  # per rule: the longest line it can take (None: any); empty: not known
    needles: tuple[tuple[int, tuple[str, ...]], ...] = ()  # (1 << rule index, words in lower-case ASCII one of which a plain-ASCII line it takes contains)
    by_first: dict[str, _Matcher] = field(default_factory=dict, compare=False)  # rules a first character allows, filled as lines come
    by_length: dict[tuple[int, int], re.Pattern[str]] = field(default_factory=dict, compare=False)  # rules starting anywhere, by length class and rules skipped
    seen: dict[str, Hit | None] = field(default_factory=dict, compare=False)  # results of short lines, which recur
    cuts: tuple[int, ...] = field(init=False, compare=False)  # the bounds in `longest`, sorted: lines between two of them try the same rules

    def __post_init__(self) -> None:
        object.__setattr__(self, "cuts", tuple(sorted({n for n in self.longest if n is not None})))

    def match(self, line: str) -> Hit | None:
        """The first rule (in file order, user rules first) matching the whole line; SlowPattern if theirs take too long."""
        if line in self.seen:
            return self.seen[line]
        hit = self._match(line)
        if len(line) <= _SEEN_CHARS:
            if len(self.seen) >= _SEEN_LINES:
                self.seen.clear()
            self.seen[line] = hit
        return hit

    def _match(self, line: str) -> Hit | None:
        """The rules the first character allows and, apart, the shipped ones that may start anywhere and take a line this long: the earlier rule wins."""
        first = line[:1]
        matcher = self.by_first.get(first) or self._matcher_for(first)
        m: re.Match[str] | regex.Match[str] | None = self._user_match(matcher.user, line) or matcher.shipped.fullmatch(line)
        index = int(m.lastgroup[1:]) if m is not None else len(self.rules)  # type: ignore[index]
        if matcher is not self.combined:
            key = (bisect_left(self.cuts, len(line)), self._lacking(line))
            anywhere = self.by_length.get(key) or self._anywhere_for(key, len(line))
            other = anywhere.fullmatch(line)
            if other is not None and (j := int(other.lastgroup[1:])) < index:  # type: ignore[index]
                m, index = other, j
        if m is None:
            return None
        rule = self.rules[index]
        if "(?P<" not in rule.pattern:
            return Hit(rule)
        groups = m.groupdict()
        return Hit(rule, _captured(groups.get(f"r{index}_pub")), _captured(groups.get(f"r{index}_date")))

    def _user_match(self, matcher: regex.Pattern[str] | None, line: str) -> regex.Match[str] | None:
        if matcher is None:
            return None
        try:
            return matcher.fullmatch(line, timeout=MATCH_SECONDS)
        except TimeoutError:
            raise SlowPattern(self._slow_on(line), line) from None

    def _slow_on(self, line: str) -> tuple[str, ...]:
        """The user patterns that time out on `line` on their own (all of them if none does alone)."""
        user = self.rules[: self.user]
        slow = []
        for i, rule in enumerate(user):
            try:
                _bounded(user, (i,)).fullmatch(line, timeout=MATCH_SECONDS)
            except TimeoutError:
                slow.append(rule.pattern)
        return tuple(slow) or tuple(rule.pattern for rule in user)

    def _matcher_for(self, first: str) -> _Matcher:
        """The user's rules a line starting with `first` may match, and the shipped ones that cannot start just anywhere."""
        if not first or len(self.by_first) >= _MAX_FIRSTS:
            return self.combined
        allowed = tuple(i for i, start in enumerate(self.starts) if (i < self.user if start is None else start.fullmatch(first)))
        matcher = self.by_first[first] = _matcher(self.rules, allowed, self.user)
        return matcher

    def _lacking(self, line: str) -> int:
        """The rules (bits 1 << index) whose words a plain-ASCII line does not contain."""
        if not self.needles or not line.isascii():
            return 0
        low = line.lower()
        lacking = 0
        for bit, words in self.needles:  # plain loops: this runs on every line
            for word in words:
                if word in low:
                    break
            else:
                lacking |= bit
        return lacking

    def _anywhere_for(self, key: tuple[int, int], length: int) -> re.Pattern[str]:
        """The shipped rules that may start with any character and take a line of `length` (of length class key[0]), but for those in key[1]."""
        longest = self.longest or (None,) * len(self.rules)
        allowed = tuple(
            i
            for i in range(self.user, len(self.rules))
            if self.starts[i] is None and (longest[i] is None or length <= longest[i]) and not key[1] >> i & 1  # type: ignore[operator]
        )
        pattern = self.by_length[key] = _matcher(self.rules, allowed, self.user).shipped
        return pattern


_MAX_FIRSTS = 4096  # distinct first characters remembered; text in a large script may bring thousands
_SEEN_CHARS = 200  # lines up to this long have their result remembered: chrome is short, prose rarely recurs
_SEEN_LINES = 50_000  # results remembered (a few MB) before they are forgotten all at once


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


def compile_rules(rules: Sequence[Rule], user: int = 0) -> RuleSet:
    """Build the combined matcher, the first `user` rules bounded; raises re.error naming the bad rule."""
    starts, longest, needles = [], [], []
    for i, rule in enumerate(rules):
        try:
            starts.append(_start(expand(rule.pattern)))
            longest.append(_longest(expand(rule.pattern)))
            if i >= user and starts[-1] is None and (words := _needles(expand(rule.pattern))) is not None:
                needles.append((1 << i, words))
            if i < user:
                _bounded(tuple(rules[:user]), (i,))  # `regex` might refuse what `re` took
        except (re.error, regex.error) as exc:
            raise re.error(f"rule {rule.name!r}: {exc}") from None
    return RuleSet(tuple(rules), _matcher(tuple(rules), tuple(range(len(rules))), user), tuple(starts), user, tuple(longest), tuple(needles))


@functools.lru_cache(maxsize=256)  # many first characters allow the same rules
def _matcher(rules: tuple[Rule, ...], indices: tuple[int, ...], user: int) -> _Matcher:
    mine = tuple(i for i in indices if i < user)
    return _Matcher(_bounded(rules, mine) if mine else None, re.compile(_alternation(rules, tuple(i for i in indices if i >= user)), FLAGS))


@functools.lru_cache(maxsize=256)
def _bounded(rules: tuple[Rule, ...], indices: tuple[int, ...]) -> regex.Pattern[str]:
    return regex.compile(_alternation(rules, indices), regex.IGNORECASE)


def _alternation(rules: tuple[Rule, ...], indices: tuple[int, ...]) -> str:
    parts = [f"(?P<r{i}>{_GROUP.sub(_prefixed(i), expand(rules[i].pattern))})" for i in indices]
    return "|".join(parts) or "(?!)"


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


def _longest(pattern: str) -> int | None:
    """The longest line `pattern` can match in full, or None when that is unbounded.

    Its width when that is bounded; else a lookahead `(?=.{0,N}$)` after a
    part of bounded width W bounds it to W + N (+ 1: `$` also matches before
    a final line break).
    """
    parsed = _parser.parse(pattern, FLAGS)
    width = parsed.getwidth()[1]
    bounds = [width] if width < _c.MAXREPEAT else []
    before = 0  # the most characters the items so far can take
    for item in parsed:
        op, arg = item
        if op is _c.ASSERT and arg[0] == 1 and (rest := _rest_at_most(list(arg[1]))) is not None:
            bounds.append(before + rest)
        before += _parser.SubPattern(parsed.state, [item]).getwidth()[1]
        if before >= _c.MAXREPEAT:
            break
    return min(bounds, default=None)


def _rest_at_most(items: list[tuple[Any, Any]]) -> int | None:
    """How many characters a lookahead's body `.{0,N}$` (or `.{M,N}\\Z`) lets the line go on: N, and a final line break."""
    if len(items) != 2 or items[1] not in ((_c.AT, _c.AT_END), (_c.AT, _c.AT_END_STRING)):
        return None
    op, arg = items[0]
    if op not in (_c.MAX_REPEAT, _c.MIN_REPEAT) or list(arg[2]) != [(_c.ANY, None)] or arg[1] >= _c.MAXREPEAT:
        return None
    return int(arg[1]) + 1


MIN_NEEDLE = 2  # single characters are in too many lines to be worth checking for


def _needles(pattern: str) -> tuple[str, ...] | None:
    """Words one of which every plain-ASCII line `pattern` takes contains (lower-cased), for a pattern that scans the line; else None.

    A pattern scans when it opens (after any lookahead) with a repeat of
    any character, like `.*` or `[^.!?]*`: it tries its words at every
    position, which costs more than looking for them.
    The words are runs of literal characters; the one run (or alternation of
    runs) kept is the one whose shortest word is longest. Each character is
    taken to ASCII by the regex engine itself (the Kelvin sign is a k, an é
    no ASCII letter at all: a word with it is in no ASCII line).
    """
    items = list(_parser.parse(pattern, FLAGS))
    if not _scans(items):
        return None
    words = _literal_runs(items)
    if words is None:
        return None
    ascii_words = []
    for word in words:
        taken = [_as_ascii(ch) for ch in word]
        if any(t == "?" for t in taken):  # a character the engine reads as two different ASCII letters: give up
            return None
        if "" not in taken:  # else the word cannot be in an ASCII line
            ascii_words.append("".join(taken))
    if ascii_words and min(map(len, ascii_words)) < MIN_NEEDLE:
        return None
    # A word holding another is in a line only when that one is: checking the other is enough.
    return tuple(sorted({w for w in ascii_words if not any(v != w and v in w for v in ascii_words)}))


def _scans(items: list[tuple[Any, Any]]) -> bool:
    """True when the sequence opens (after any lookahead, inside any group) with a repeat of any character, like `.*` or `[^.!?]*`."""
    items = [item for item in items if item[0] not in (_c.ASSERT, _c.ASSERT_NOT, _c.AT)]
    if not items:
        return False
    op, arg = items[0]
    if op is _c.SUBPATTERN:
        return _scans(list(arg[-1]))
    if op not in (_c.MAX_REPEAT, _c.MIN_REPEAT) or arg[1] <= 1:
        return _scans(list(arg[2])) if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) else False
    body = list(arg[2])
    return body[0][0] is _c.ANY or (body[0][0] is _c.IN and body[0][1][:1] == [(_c.NEGATE, None)]) or _scans(body)


def _literal_runs(items: list[tuple[Any, Any]]) -> list[str] | None:
    """Literal words one of which every match of the sequence `items` contains, or None."""
    options: list[list[str]] = []
    run: list[str] = []
    for op, arg in [*items, (None, None)]:
        if op is _c.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            options.append(["".join(run)])
            run = []
        inner: list[str] | None = None
        if op is _c.SUBPATTERN:
            inner = _literal_runs(list(arg[-1]))
        elif op is _c.BRANCH:
            branches = [_literal_runs(list(branch)) for branch in arg[1]]
            inner = None if any(b is None for b in branches) else [w for b in branches if b for w in b]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:
            inner = _literal_runs(list(arg[2]))
        if inner:
            options.append(inner)
    return max(options, key=lambda words: (min(map(len, words)), -len(words)), default=None)


@functools.cache
def _as_ascii(ch: str) -> str:
    """The lower-case ASCII character `ch` matches in a line ("" for none, "?" for several), as the regex engine decides."""
    taken = {chr(code).lower() for code in range(128) if re.fullmatch(re.escape(ch), chr(code), FLAGS)}
    return "" if not taken else taken.pop() if len(taken) == 1 else "?"


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


def blowups(pattern: str) -> str | None:
    """Why `pattern` can take exponential time on some lines, or None.

    The classic causes, read from the parsed pattern: a repeated part whose
    text an inner repeat can also take on its own (`(a+)+`, `(\\w+\\s?)*`),
    or repeated alternatives that can start alike (`(a|ab)+`). Atomic groups
    and possessive repeats never backtrack, so they are safe. A heuristic:
    it misses some slow patterns (MATCH_SECONDS still bounds them).
    """
    try:
        parsed = list(_parser.parse(expand(pattern), FLAGS))
    except re.error:
        return None
    return _risky(parsed, frozenset(pattern))


def _risky(items: list[tuple[Any, Any]], probes: frozenset[str]) -> str | None:
    for op, arg in items:
        inner = _inner(op, arg)
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[1] > _MAX_COUNT:
            body = list(arg[2])
            if _self_repeating(body):
                return "nests quantifiers (a repeat inside a repeat that can match the same text)"
            if _alike_alternatives(body, probes) or _optional_restart(body, probes):
                return "repeats alternatives that can match the same text"
        found = next((reason for part in inner if (reason := _risky(part, probes))), None)
        if found:
            return found
    return None


def _inner(op: Any, arg: Any) -> list[list[tuple[Any, Any]]]:
    """The sub-sequences of one parsed item (none inside atomic groups and possessive repeats)."""
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        return [list(arg[2])]
    if op is _c.SUBPATTERN:
        return [list(arg[-1])]
    if op is _c.BRANCH:
        return [list(branch) for branch in arg[1]]
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [list(arg[1])]
    if op is _c.GROUPREF_EXISTS:
        return [list(part) for part in arg[1:] if part is not None]
    return []


def _self_repeating(body: list[tuple[Any, Any]]) -> bool:
    """True when one item of the repeated `body` repeats (directly or in a group) and the rest may be empty."""
    for n, (op, arg) in enumerate(body):
        rest = body[:n] + body[n + 1 :]
        if not _nullable(rest):
            continue
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[1] > 1:
            return True
        if any(_self_repeating(part) for part in _inner(op, arg) if op is not _c.ASSERT and op is not _c.ASSERT_NOT):
            return True
    return False


def _alike_alternatives(body: list[tuple[Any, Any]], probes: frozenset[str]) -> bool:
    """True when the repeated `body` is (a group of) alternatives of which two can start with the same character."""
    while len(body) == 1 and body[0][0] is _c.SUBPATTERN:
        body = list(body[0][1][-1])
    if len(body) != 1 or body[0][0] is not _c.BRANCH:
        return False
    starts = []
    for branch in body[0][1][1]:
        pieces = _first(list(branch))
        if pieces is None:
            return True
        starts.append(re.compile("|".join(pieces), FLAGS))
    return any(sum(1 for start in starts if start.fullmatch(char)) > 1 for char in probes)


def _optional_restart(body: list[tuple[Any, Any]], probes: frozenset[str]) -> bool:
    """True when the repeated `body` ends in an optional part that can start like the body (`(a(?:|a))+`, what `(a|aa)+` parses to)."""
    while len(body) == 1 and body[0][0] is _c.SUBPATTERN:
        body = list(body[0][1][-1])
    whole = _first(body)
    for n in range(1, len(body)):
        if not _nullable(body[n:]):
            continue
        tail = _first_taken(body[n])
        if tail is None or whole is None:
            continue  # a class like \s: cannot tell, and a false alarm is worse than none
        both = re.compile("|".join(whole), FLAGS), re.compile("|".join(tail), FLAGS)
        if any(all(p.fullmatch(char) for p in both) for char in probes):
            return True
    return False


def _first_taken(item: tuple[Any, Any]) -> list[str] | None:
    """First-character pieces of an optional item when it does match something."""
    op, arg = item
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        return _first(list(arg[2]))
    if op is _c.BRANCH:
        pieces = [_first(list(branch)) for branch in arg[1] if branch]
        return None if any(p is None for p in pieces) else [x for p in pieces if p for x in p]
    if op is _c.SUBPATTERN and arg[-1]:
        return _first_taken(next(iter(arg[-1])))
    return _first([item])


def _nullable(items: list[tuple[Any, Any]]) -> bool:
    """True when the parsed sequence can match the empty string."""
    for op, arg in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT, _c.GROUPREF):
            continue
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            if arg[0] == 0 or _nullable(list(arg[2])):
                continue
            return False
        if op in (_c.SUBPATTERN, _c.ATOMIC_GROUP):
            if _nullable(list(arg[-1] if op is _c.SUBPATTERN else arg)):
                continue
            return False
        if op is _c.BRANCH:
            if any(_nullable(list(branch)) for branch in arg[1]):
                continue
            return False
        return False  # a character
    return True


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
    text = resources.files("generator.ingest.clean").joinpath("rules.yaml").read_text(encoding="utf-8")
    return tuple(parse_rules(yaml.safe_load(text)))


def build_rules(user: Iterable[Rule] = ()) -> RuleSet:
    """User rules first (they may override), then the shipped ones."""
    mine = list(user)
    return compile_rules([*mine, *shipped_rules()], len(mine))


@functools.cache
def default_rules() -> RuleSet:
    return build_rules()
