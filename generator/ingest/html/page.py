"""One HTML page (bytes) → its article and teaser drafts, like a text page. Pure.

decode → parse (lxml) → metadata → main content (trafilatura) → label each
block with newsdigest's rules, as text lines are labelled → body markdown
from the body blocks, and teasers from the page's related-stories lists.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

import lxml.etree
import lxml.html

from generator.ingest import ids
from generator.ingest.article import Draft, build_teaser, listing_id
from generator.ingest.clean.labels import MIN_DUPLICATE, Label, Labelled, PageMeta, site_chrome
from generator.ingest.clean.language import detect
from generator.ingest.clean.rules import RuleSet
from generator.ingest.clean.teasers import Item, Teaser, parse_teasers
from generator.ingest.clean.title import derive_title
from generator.ingest.decode import NotText, clean_line, decode
from generator.ingest.html.extract import Block, extract_blocks
from generator.ingest.html.fragment import fragment_to_markdown, safe_url
from generator.ingest.html.metadata import PageInfo, read_metadata
from generator.ingest.html.teasers import LinkTeaser, find_teasers
from generator.ingest.learn.template import NO_TEMPLATE, Template

# A short block (or a list of short items) this much link text links to other stories, not prose (a bare URL is shown as text, so it stays).
LINK_LIST_SHARE, LINK_LIST_WORDS = 0.9, 15
_LINKS = Label("boilerplate", "links")
MIN_ARTICLE_WORDS = 12  # fewer is a menu or a caption the extractor fell back on, not an article
MIN_LISTED, LISTED_SHARE = 3, 0.5  # a page whose text is mostly this many headline-link + dek pairs lists stories
# Comments go at parse time: dropping one later would take the text after it (`had<!-- --> a`) along.
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


class HtmlFailure(ValueError):
    """The HTML page yields no entries; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class HtmlPage:
    labelled: Labelled  # one line per extracted block (then the related teasers), each with its label
    info: PageInfo
    body: tuple[Block, ...]
    teasers: tuple[LinkTeaser, ...]


def read_html(data: bytes, rules: RuleSet, url: str | None = None, template: Template = NO_TEMPLATE) -> HtmlPage:
    """`url`: where the page was fetched from, if it was; `template`: its site's recurring lines (see template)."""
    tree = parse_html(data)
    info = read_metadata(tree, url)
    blocks = extract_blocks(tree, info.url)
    labels = label_blocks(blocks, info, rules, template)
    cards = listing_cards(blocks, labels, info.url)
    inline = () if cards else tuple(_inline_teasers(blocks, labels))
    body = tuple(b for b, label in zip(blocks, labels, strict=True) if label.kind == "body")
    in_body = {b.text.casefold() for b in body}
    related = tuple(t for t in find_teasers(tree, info.url) if t.title.casefold() not in in_body)  # the extractor judged it text
    found = (*cards, *related)
    lines = [b.text for b in blocks]
    for teaser in related:
        lines += [teaser.title, *([teaser.summary] if teaser.summary else [])]
        labels += [Label("teaser", "title"), *([Label("teaser", "dek")] if teaser.summary else [])]
    meta = PageMeta(info.source, None, info.date, "generic", None)
    teasers = inline + tuple(t.teaser for t in found)
    open_blocks = tuple(i for i, label in enumerate(labels[: len(blocks)]) if label.kind == "body" or label.detail.startswith("site template"))
    labelled = Labelled(tuple(lines), tuple(labels), None, tuple(b.text for b in body), teasers, meta, listing=bool(cards), open_lines=open_blocks)
    return HtmlPage(labelled, info, body, found)


def parse_html(data: bytes) -> lxml.html.HtmlElement:
    try:
        text = _decode(data)
    except NotText as exc:
        raise HtmlFailure(str(exc)) from None
    try:
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", text), parser=_PARSER)
    except lxml.etree.ParserError:  # libxml2 reads any tag soup; it gives up only on a page with no element at all
        raise HtmlFailure("no article text found (the page holds no HTML elements)") from None
    except ValueError as exc:
        raise HtmlFailure(f"malformed HTML ({exc})") from None


def _decode(data: bytes) -> str:
    """UTF-8 first, then the charset the page declares, then detection."""
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared[1].decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def label_blocks(blocks: Sequence[Block], info: PageInfo, rules: RuleSet, template: Template = NO_TEMPLATE) -> list[Label]:
    """A label per block: the title or dek repeated, boilerplate (a rule, the site's template, or a list of links), teaser, duplicate, body."""
    labels: list[Label] = []
    seen: set[str] = set()
    tail = False
    leading = True  # before the first body block: where the title and dek are printed again
    for block in blocks:
        text = clean_line(block.text)
        hit = rules.match(text)
        if hit is not None and hit.rule.role == "tail":
            tail = True
        if hit is not None:
            label = Label("boilerplate", hit.rule.name)
        elif tail:
            label = Label("teaser")  # field set below
        elif leading and " ".join(text.casefold().split()) in info.headlines:
            label = Label("title")
        elif (chrome := site_chrome(text, template)) is not None:
            label = chrome
        elif _link_list(block):
            label = _LINKS
        elif len(text) >= MIN_DUPLICATE and text in seen:
            label = Label("duplicate")
        else:
            label = Label("body")
            leading = False
        seen.add(text)
        labels.append(label)
    return labels


def listing_cards(blocks: Sequence[Block], labels: list[Label], base_url: str | None) -> tuple[LinkTeaser, ...]:
    """A listing's stories (headline link, then its dek) when they make most of the page's text, else ().

    Such a page lists other stories and holds no article of its own; its blocks are relabelled as teasers.
    """
    deks = [i + 1 for i, label in enumerate(labels[:-1]) if label == _LINKS and labels[i + 1].kind == "body"]
    listed = sum(len(blocks[i].text) for i in deks)
    body = sum(len(b.text) for b, label in zip(blocks, labels, strict=True) if label.kind == "body")
    if len(deks) < MIN_LISTED or listed < LISTED_SHARE * body:
        return ()
    for i in deks:
        labels[i - 1], labels[i] = Label("teaser", "title"), Label("teaser", "dek")
    return tuple(LinkTeaser(Teaser(blocks[i - 1].text, blocks[i].text), _href(blocks[i - 1], base_url)) for i in deks)


def _href(block: Block, base_url: str | None) -> str | None:
    link = next(block.element.iter("a"), None)
    return safe_url(link.get("href"), base_url) if link is not None else None


def _link_list(block: Block) -> bool:
    return block.link_share >= LINK_LIST_SHARE and block.longest <= LINK_LIST_WORDS and "://" not in block.text


def _inline_teasers(blocks: Sequence[Block], labels: list[Label]) -> list[Teaser]:
    """Headline/dek pairs after a tail rule ("MORE STORIES FROM …") inside the extracted text."""
    items = [Item(i, b.text, marker=False) for i, (b, label) in enumerate(zip(blocks, labels, strict=True)) if label.kind == "teaser"]
    parsed = parse_teasers(items, None)
    for i, field in parsed.fields.items():
        labels[i] = Label("teaser", field)
    return list(parsed.teasers)


def _same(text: str, stated: str | None) -> bool:
    return stated is not None and " ".join(text.casefold().split()) == " ".join(stated.casefold().split())


def body_markdown(page: HtmlPage) -> str:
    html = "".join(lxml.etree.tostring(b.element, encoding="unicode", method="html", with_tail=False) for b in page.body)
    return fragment_to_markdown(html, page.info.url)


def build_html_article(page: HtmlPage) -> Draft:
    info, body = page.info, page.labelled.body
    if sum(len(text.split()) for text in body) < MIN_ARTICLE_WORDS:
        raise HtmlFailure(f"no article text found (fewer than {MIN_ARTICLE_WORDS} words left once boilerplate, links and teasers are out)")
    markdown = body_markdown(page)
    key = [info.url] if info.url else body  # a page that names its URL keeps its id when its text is corrected
    return Draft(
        kind="article",
        id=ids.article_id(info.source, key),
        title=info.title or derive_title(body[0]),
        body=markdown,
        title_derived=info.title is None,
        source=info.source,
        date=info.date,
        lang=info.lang or detect("\n".join(body)),
        summary=None if _same(body[0], info.summary) else info.summary,  # a dek that is the first paragraph would print twice
        authors=info.authors,
        url=info.url,
        image=info.image,
    )


def html_drafts(page: HtmlPage) -> tuple[Draft | None, tuple[Draft, ...]]:
    """The article (None for a listing) and its teasers: those after a tail rule in the text, then the page's cards."""
    labelled = page.labelled
    article = None if labelled.listing else build_html_article(page)
    page_id = article.id if article else listing_id(labelled)
    urls = {t.teaser: t.url for t in page.teasers}
    teasers = (build_teaser(t, page_id, page.info.source, article.id if article else None) for t in labelled.teasers)
    return article, tuple(dataclasses.replace(d, url=urls.get(t)) for t, d in zip(labelled.teasers, teasers, strict=True))
