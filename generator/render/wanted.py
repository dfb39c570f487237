"""The `wanted/` pages and feed: the stories teasers announce that the collection does not hold yet.

The pages always exist, empty or not, so the feed's URL (and the site
navigation's link to it) never breaks when nothing is wanted for a while.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from generator.config import Config
from generator.render.feedmodel import FeedSpec
from generator.render.i18n import Language
from generator.render.pages import Page, feed_links, numbered
from generator.structure.pagination import paginate
from generator.structure.site import Site
from generator.structure.wanted import wanted_groups

FOLDER = "wanted/"


def wanted_pages(site: Site, config: Config, language: Language) -> Iterator[Page]:
    """`wanted/`, `wanted/page/2/`, …: the wanted teasers, `digest.per_page` a page, grouped by source on each."""
    _ = language.gettext
    names = {s.slug: s.name for s in site.sources}
    feeds = feed_links(FOLDER, f"{_('Wanted')} — {config.site.title}")
    total = len(site.wanted)
    description = _("Stories announced by teasers whose articles are not in the digest yet.")
    for pager in paginate(site.wanted, config.digest.per_page, FOLDER):
        context = {"pager": pager, "groups": wanted_groups(pager.items, names), "total": total}
        yield Page(pager.url, "wanted.html", numbered(_("Wanted"), pager.number, language), context, description, kind="wanted", feeds=feeds)


def wanted_feed(config: Config, gettext: Callable[..., str]) -> FeedSpec:
    """The feed of wanted stories (newest first, `feeds.limit` items); `gettext` words its title and description."""
    title = config.site.title
    description = gettext("Stories announced in %(site)s whose articles are not in it yet", site=title)
    return FeedSpec(FOLDER, f"{gettext('Wanted')} — {title}", description, FOLDER)
