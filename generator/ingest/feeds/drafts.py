"""A feed's items → entries: one article Draft per item, with its provenance.

An item's id comes from its guid (or, without one, its link), so a feed
read again finds the entries it wrote before: unchanged items change
nothing, edited items update their entry in place. An item's text goes
through the boilerplate rules block by block, as a page's extracted blocks
do, so a feed's newsletter boxes or "more stories" lists are cut the same way.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import lxml.html

from generator.ingest import ids
from generator.ingest.article import Draft
from generator.ingest.clean.language import detect
from generator.ingest.clean.rules import RuleSet
from generator.ingest.clean.title import derive_title
from generator.ingest.decode import clean_line
from generator.ingest.feeds.items import Feed, Item
from generator.ingest.html.fragment import fragment_to_markdown

# The blocks a rule is tried on: the innermost of these, so a wrapping <div> is never judged as one line.
BLOCKS = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "th", "pre")

_WEB = re.compile(r"https?://", re.IGNORECASE)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"[*_`#>]+")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    draft: Draft
    origin: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FeedDrafts:
    title: str | None  # the feed's own title
    entries: tuple[FeedEntry, ...]
    problems: tuple[str, ...]  # one line each: the feed's, then skipped items'


def feed_drafts(
    feed: Feed, name: str, source: str | None = None, tags: tuple[str, ...] = (), max_items: int | None = None, rules: RuleSet | None = None
) -> FeedDrafts:
    """Entries for the first `max_items` items; `source` overrides the feed's title; `rules` clean their bodies as a page's blocks."""
    source = source or _line(feed.title)
    namespace = feed.link or _line(feed.title) or name
    entries, problems = [], list(feed.problems)
    for item in feed.items[:max_items]:
        draft = item_draft(item, source, tags, namespace, feed.language, rules)
        if draft is None:
            problems.append(f"item {item.position}: no title or text, skipped")
            continue
        origin = {"feed": name, "item": item.guid or item.link or f"#{item.position}"}
        entries.append(FeedEntry(draft, origin))
    return FeedDrafts(_line(feed.title), tuple(entries), tuple(problems))


def item_draft(item: Item, source: str | None, tags: tuple[str, ...], namespace: str, feed_lang: str | None, rules: RuleSet | None = None) -> Draft | None:
    body = _body(item, rules)
    summary = _line(plain_text(item.summary_html)) if item.summary_html and (item.content_html or item.content_text) else None
    title = _line(plain_text(item.title) if item.title_html else item.title)
    derived = False
    if not title:
        first = next((p for p in body.split("\n\n") if any(ch.isalnum() for ch in p)), "")
        if not first:
            return None
        title, derived = derive_title(plain_text(first)), True
    return Draft(
        kind="article",
        id=_id(item, namespace, source, title, body),
        title=title,
        body=body,
        title_derived=derived,
        source=source,
        date=item.published or item.updated,
        lang=(detect(body) if body else None) or _lang(feed_lang),
        summary=summary if summary and not _starts(body, summary) else None,
        authors=tuple(a for a in (_line(n) for n in item.authors) if a),
        tags=tuple(dict.fromkeys(t for t in (*(_line(t) for t in item.tags), *tags) if t)),
        url=item.link if item.link and _WEB.match(item.link) else None,
    )


def _id(item: Item, namespace: str, source: str | None, title: str, body: str) -> str:
    """From the guid (scoped to the feed unless it is a URL or URN), else the link, else the text."""
    if item.guid:
        return ids.feed_item_id(item.guid if ":" in item.guid else f"{namespace}\x1f{item.guid}")
    if item.link:
        return ids.feed_item_id(item.link)
    return ids.article_id(source, [title, body])


def _body(item: Item, rules: RuleSet | None) -> str:
    prune = functools.partial(drop_boilerplate, rules=rules) if rules is not None else None
    if item.content_html:
        return fragment_to_markdown(item.content_html, item.link, prune).strip()
    if item.content_text:
        paragraphs = (" ".join(map(clean_line, block.splitlines())).strip() for block in item.content_text.split("\n\n"))
        return "\n\n".join(_kept(list(filter(None, paragraphs)), rules))
    if item.summary_html:
        return fragment_to_markdown(item.summary_html, item.link, prune).strip()
    return ""


def _kept(paragraphs: list[str], rules: RuleSet | None) -> list[str]:
    """The paragraphs before the first tail rule, without those a rule drops."""
    kept = []
    for text in paragraphs:
        hit = rules.match(text) if rules is not None else None
        if hit is not None and hit.rule.role == "tail":
            break
        if hit is None:
            kept.append(text)
    return kept


def drop_boilerplate(root: lxml.html.HtmlElement, rules: RuleSet) -> None:
    """In place: each innermost block (paragraph, heading, item, quote) that wholly matches a rule goes,
    as a page's extracted block would; a tail rule ("MORE STORIES FROM …") ends the text there."""
    for block in [el for el in root.iter(*BLOCKS) if next(el.iterdescendants(*BLOCKS), None) is None]:
        hit = rules.match(" ".join(clean_line(block.text_content()).split()))
        if hit is None:
            continue
        if hit.rule.role == "tail":
            _cut_from(block, root)
            return
        block.drop_tree()


def _cut_from(block: lxml.html.HtmlElement, root: lxml.html.HtmlElement) -> None:
    """Remove `block` and everything after it in document order."""
    node = block
    while node is not root and (parent := node.getparent()) is not None:
        for later in list(node.itersiblings()):
            parent.remove(later)
        node.tail = None
        node = parent
    block.drop_tree()


def _line(text: str | None) -> str | None:
    return " ".join(clean_line(text).split()) or None if text else None


def _lang(tag: str | None) -> str | None:
    """The feed's declared language as a primary tag (`en-us` → `en`)."""
    primary = (tag or "").split("-")[0].strip().lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _starts(body: str, summary: str) -> bool:
    """The summary only repeats the body's opening words."""
    opening = " ".join(_MD_MARKS.sub("", _MD_LINK.sub(r"\1", body.split("\n\n", 1)[0])).split())
    return opening.startswith(summary.rstrip(".…").rstrip())


def plain_text(html: str | None) -> str:
    """Text of an HTML fragment, tags dropped and entities decoded."""
    if not html:
        return ""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("br", "p", "div", "li"):
            self.parts.append(" ")
