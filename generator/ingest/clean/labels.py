"""Label every line of a page: title, header, body, boilerplate(rule), teaser(field).

The page is read top to bottom in three zones: an optional header, the
article body, and — from the first line of a `tail` rule (story-from line,
trial pitch, sign-in, "MORE STORIES FROM") — the teaser area.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from generator.ingest.clean.brand import brand
from generator.ingest.clean.classify import classify
from generator.ingest.clean.dates import date_line, lead_date, parse_edition, time_line, url_date
from generator.ingest.clean.header import IMAGE, GenericHeader, Header, author_name, byline, find_header, source_line
from generator.ingest.clean.language import detect
from generator.ingest.clean.layout import read_layout
from generator.ingest.clean.rules import GENERIC, Hit, Rule, RuleSet
from generator.ingest.clean.site import name_in_text, name_line, name_prefix
from generator.ingest.clean.teasers import Item, Parsed, Teaser, parse_listing, parse_teasers
from generator.ingest.clean.title import slug_title, strip_site_suffix
from generator.ingest.learn.template import NO_TEMPLATE, Template, line_key

MAX_SECTION = 6  # lines a leaked template section may hold
_SECTION_OPEN = re.compile(r"\{\{\s*[#^]\s*(\w[\w.]*)\s*\}\}")
_SECTION_RULE = Rule("template", "")
_SITE_RULE = Rule("site template", "")
_CAPTION_RULE = Rule("caption", "")
MAX_CAPTION = 100  # characters of a caption under a picture; a longer line is the text going on
MIN_DUPLICATE = 20  # shorter body lines ("***", "—") may repeat on purpose
SEPARATORS = frozenset({"read_more", "dateline"})  # rule lines that mark teaser blocks on a listing
LEADS = frozenset({"listen"})  # rule lines between a headline and its article's text
LANGUAGE_SAMPLE = 5  # longest lines the page's language is told from


@dataclass(frozen=True, slots=True)
class Label:
    kind: str  # blank, title, header, body, boilerplate, teaser, duplicate
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}({self.detail})" if self.detail else self.kind


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What the platform lines and header say about the page."""

    source: str | None
    edition: str | None  # as printed; None for a dateline, which gives only `date`
    date: dt.date | None
    platform: str
    ui_lang: str | None


@dataclass(frozen=True, slots=True)
class Labelled:
    lines: tuple[str, ...]
    labels: tuple[Label, ...]
    header: Header | None
    body: tuple[str, ...]
    teasers: tuple[Teaser, ...]
    meta: PageMeta
    generic: GenericHeader | None = None  # headline and header lines of a page without a platform header
    listing: bool = False  # the page only lists other stories: teasers, no article
    lang: str | None = None  # language of a generic page's prose, told from its longest lines
    open_lines: tuple[int, ...] = ()  # lines no rule took, above the teasers: those the site's template is learnt from and may drop


def label_page(
    lines: Sequence[str],
    rules: RuleSet,
    template: Template = NO_TEMPLATE,
    site: Sequence[str] = (),
    named: frozenset[str] = frozenset(),
    url: str | None = None,
    slug: Sequence[str] = (),
) -> Labelled:
    """`template`: the site's recurring lines (see template), dropped after the rules and the platform header, before the classifier.

    `site`: folded words that may name the site (see site.site_words); a source the page states otherwise comes first.
    `named`: folded words of the file name or URL path, which a headline repeating them is preferred for.
    `url`: where the page was fetched; the day its path states is the page's date when the page itself states none.
    `slug`: folded words of the URL's (or file name's) slug (see site.story_slug): the title, where the page prints
    them and no headline.
    """
    hits: list[Hit | None] = [rules.match(line) if line else None for line in lines]
    labels: list[Label] = [
        Label("blank") if not line else Label("boilerplate", h.rule.name) if h else Label("body") for line, h in zip(lines, hits, strict=True)
    ]
    _template_sections(lines, hits, labels)
    _captions(lines, hits, labels)
    tail = next((i for i, h in enumerate(hits) if h is not None and h.rule.role == "tail"), len(lines))
    # Above the teasers only: a columnist or a role line recurs in many pages' teaser lists.
    content = _image_lines([i for i in range(tail) if lines[i] and hits[i] is None], lines, labels)
    header = find_header([lines[i] for i in content[:8]])
    printed = set(content[: len(header.fields)]) if header else set()  # a platform header is the story's own, however often a line of it recurs
    open_lines = tuple(i for i in range(tail) if lines[i] and hits[i] is None and i not in printed)
    if template:
        _site_template(lines, open_lines, hits, labels, template)
        content = [i for i in content if hits[i] is None]
        header = header or find_header([lines[i] for i in content[:8]])
    generic: GenericHeader | None = None
    listing = False
    generic_teasers: tuple[Teaser, ...] = ()
    lang: str | None = None
    if header is not None:
        for i, field in zip(content, header.fields, strict=False):
            labels[i] = Label("title") if field == "title" else Label("header", field)
        content = content[len(header.fields) :]
    elif content:
        texts = [lines[i] for i in content]
        lang = detect("\n".join(sorted(texts, key=len)[-LANGUAGE_SAMPLE:]))
        separators = {i for i in range(tail) if (h := hits[i]) is not None and h.rule.name in SEPARATORS}
        ended = tail < len(lines) and (h := hits[tail]) is not None and h.rule.platform != GENERIC  # a platform's story ends there
        leads = [i for i in range(tail) if (h := hits[i]) is not None and h.rule.name in LEADS]
        layout = read_layout(content, lines, classify(texts, lang), lang, separators, ended=ended, leads=leads, named=named)
        for i, (kind, detail) in layout.labels.items():
            labels[i] = Label(kind, detail)
        content = [i for i in content if labels[i].kind == "body"]
        generic, listing, generic_teasers = layout.header, layout.listing, layout.teasers
        generic = _unglued(generic, site)
        if (generic is None or generic.title is None) and (named_title := slug_title(lines[:tail], slug)) is not None:
            generic = dataclasses.replace(generic, title=named_title) if generic else GenericHeader(named_title)
        generic = _suffixed(generic, [lines[i] for i in range(tail) if lines[i]])
    body = _body(content, lines, labels)
    meta = _meta(lines, hits, header, generic, labels, site)
    meta = _dated(meta, url, lang, () if listing else body)
    items = [Item(i, lines[i], marker=_is_marker(hits[i])) for i in range(tail, len(lines)) if lines[i] and (hits[i] is None or _is_marker(hits[i]))]
    generic_tail = meta.platform == "generic"
    parsed = _generic_tail(items, lang) if generic_tail else parse_teasers(items, meta.source)
    for item in items if generic_tail else ():
        labels[item.index] = Label("boilerplate", "after the article")
    for i, field in parsed.fields.items():
        labels[i] = Label("teaser", field)
    return Labelled(tuple(lines), tuple(labels), header, body, generic_teasers + parsed.teasers, meta, generic, listing, lang, open_lines)


def _generic_tail(items: Sequence[Item], lang: str | None) -> Parsed:
    """Teasers after a generic page's paywall line, read as a listing (kicker / headline, headline / dek)."""
    texts = [item.text for item in items if not item.marker]
    found = [item for item in items if not item.marker]
    listing = parse_listing(texts, [v.kind for v in classify(texts, lang)])
    return Parsed(listing.teasers, {found[p].index: name for p, name in listing.fields.items()})


def _template_sections(lines: Sequence[str], hits: list[Hit | None], labels: list[Label]) -> None:
    """Lines inside a leaked `{{^name}} … {{/name}}` section are template output (paywall pitches)."""
    for i, line in enumerate(lines):
        opened = _SECTION_OPEN.fullmatch(line) if "{{" in line else None
        if opened is None:
            continue
        close = "{{/" + opened[1] + "}}"
        end = next((j for j in range(i + 1, min(i + 1 + MAX_SECTION, len(lines))) if lines[j].replace(" ", "") == close), None)
        for j in range(i + 1, end or i + 1):
            if lines[j] and hits[j] is None:
                hits[j] = Hit(_SECTION_RULE)
                labels[j] = Label("boilerplate", "template")


def _captions(lines: Sequence[str], hits: list[Hit | None], labels: list[Label]) -> None:
    """A short line with no sentence end right under an attached picture's label ("JPEG - 41 ko") is its caption."""
    for i, hit in enumerate(hits):
        if hit is None or hit.rule.name != "file_label":
            continue
        j = next((j for j in range(i + 1, len(lines)) if lines[j]), None)
        if j is not None and hits[j] is None and len(lines[j]) <= MAX_CAPTION and not lines[j].rstrip().endswith((".", "!", "?", ":", "…")):
            hits[j] = Hit(_CAPTION_RULE)
            labels[j] = Label("boilerplate", "caption under a picture")


def _site_template(lines: Sequence[str], open_lines: Sequence[int], hits: list[Hit | None], labels: list[Label], template: Template) -> None:
    for i in open_lines:
        if (label := site_chrome(lines[i], template)) is not None:
            hits[i] = Hit(_SITE_RULE)
            labels[i] = label


def site_chrome(line: str, template: Template) -> Label | None:
    """The label of a line the site prints on many pages, but not of its bylines, authors' names, date and source lines: the header needs them."""
    pages = template.get(line_key(line)) if template else None
    return Label("boilerplate", f"site template: on {pages} pages") if pages and not _header_like(line) else None


@functools.lru_cache(maxsize=4096)  # a template line recurs on page after page, and reading dates is slow
def _header_like(line: str) -> bool:
    return author_name(line) is not None or byline(line) is not None or source_line(line) is not None or date_line(line, None) is not None or time_line(line)


def _image_lines(content: list[int], lines: Sequence[str], labels: list[Label]) -> list[int]:
    """A markdown image line opening the page is part of the header, not prose."""
    while content and IMAGE.fullmatch(lines[content[0]]):
        labels[content[0]] = Label("header", "image")
        content = content[1:]
    return content


MIN_LEAD_BODY = 2  # paragraphs


def _dated(meta: PageMeta, url: str | None, lang: str | None, body: Sequence[str]) -> PageMeta:
    """A page whose header states no date takes its URL's day, else the day its lead paragraph names.

    A lead opens an article of several paragraphs: a page flattened into one line is no article to trust.
    """
    if meta.date is not None or meta.edition is not None:
        return meta
    day = url_date(url, lang) or (lead_date(body[0], lang) if len(body) >= MIN_LEAD_BODY else None)
    return meta if day is None else dataclasses.replace(meta, date=day)


def _body(content: list[int], lines: Sequence[str], labels: list[Label]) -> tuple[str, ...]:
    """Article paragraphs in order; a long line printed again is counted once."""
    seen: set[str] = set()
    body: list[str] = []
    for i in content:
        text = lines[i]
        if len(text) >= MIN_DUPLICATE and text in seen:
            labels[i] = Label("duplicate")
            continue
        seen.add(text)
        body.append(text)
    return tuple(body)


def _unglued(generic: GenericHeader | None, site: Sequence[str]) -> GenericHeader | None:
    """A headline with the site's name glued before it ("bd Van de hoofdredacteur: …"): the name is the source, not the title's."""
    if generic is None or generic.title is None or (glued := name_prefix(generic.title, site)) is None:
        return generic
    name, title = glued
    return GenericHeader(title, generic.source or name, generic.date, generic.authors)


def _suffixed(generic: GenericHeader | None, lines: Sequence[str]) -> GenericHeader | None:
    """The headline printed again with the site's name after it ("Headline | The Harbour Times", the document's
    title, which scrapes often keep): that name is the source, where the page states none otherwise."""
    if generic is None or generic.title is None or generic.source is not None:
        return generic
    title = generic.title
    for line in lines:
        if len(line) > len(title) and line.startswith(title) and (found := strip_site_suffix(line))[0] == title and found[1]:
            return dataclasses.replace(generic, source=found[1])
    return generic


def _site_name(lines: Sequence[str], labels: Sequence[Label], site: Sequence[str]) -> str | None:
    """The site's name printed alone above the article (its logo's text), else inside the text."""
    if not site:
        return None
    first_body = next((i for i, label in enumerate(labels) if label.kind == "body"), len(lines))
    return name_line(lines[:first_body], site) or name_in_text(lines, site)


def _meta(
    lines: Sequence[str],
    hits: Sequence[Hit | None],
    header: Header | None,
    generic: GenericHeader | None,
    labels: Sequence[Label] = (),
    site: Sequence[str] = (),
) -> PageMeta:
    found = [h for h in hits if h is not None]
    story = next((h for h in found if h.rule.name == "story_from" and (h.pub or h.date)), None)
    more = next((h.pub for h in found if h.pub and h.rule.name != "story_from"), None)
    source = (story.pub if story else None) or (header.source if header else None) or (generic.source if generic else None) or more
    if source is None:  # the site's own name in its chrome
        named = [(i, h.rule.name) for i, h in enumerate(hits) if h is not None]
        source = brand(lines, (i for i, name in named if name == "copyright"), (i for i, name in named if name == "image_credit"))
    source = source or _site_name(lines, labels, site)
    edition, day = _edition(story.date if story else None)
    if edition is None and header is not None and header.edition is not None:
        edition, day = header.edition.printed, header.edition.date
    if edition is None:  # generic pages: a dateline gives the date only
        day = next((e.date for h in found if h.date and (e := parse_edition(h.date)) is not None), None) or (generic.date if generic else None)
    langs = [h.rule.lang for h in found if h.rule.lang]
    ui_lang = story.rule.lang if story and story.rule.lang else (Counter(langs).most_common(1)[0][0] if langs else None)
    platform = "magzter" if langs or any(h.rule.platform == "magzter" and h.rule.role != "marker" and h.rule.name != "price" for h in found) else "generic"
    return PageMeta(source, edition, day, platform, ui_lang)


def _edition(printed: str | None) -> tuple[str | None, dt.date | None]:
    """Edition as printed (a glued "-utgaven" cut off) and its first day."""
    if printed is None:
        return None, None
    parsed = parse_edition(printed)
    return (printed, None) if parsed is None else (parsed.printed, parsed.date)


def _is_marker(hit: Hit | None) -> bool:
    return hit is not None and hit.rule.role == "marker"
