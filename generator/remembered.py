"""What a build keeps of the last one, to skip working it out again: teaser matches, stories, template keys, the site structure.

Each is stored in the build cache under a key of everything it was made
from, and used only when that key says the inputs are the same. The site
structure is the last complete build's (the cache's complete mark says
which), used only when `kept_site` finds what it reads unchanged.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from array import array
from collections.abc import Callable, Container, Iterable, Mapping, Sequence

import msgspec

from generator.cache import BuildCache, uint32s
from generator.config import Config
from generator.config.schema import StoriesConfig
from generator.entries.model import Entry
from generator.render import engine
from generator.render.fingerprint import digest_bytes
from generator.structure.matching import match_key, match_teasers
from generator.structure.site import Grouper, Matcher, Site
from generator.structure.stories import Grouping, Story, lead_key, regroup, sorted_shingles, story_of


def remembered_matches(cache: BuildCache) -> Matcher:
    """match_teasers, skipped when no entry's id, source, kind, title or time changed since the last build.

    Most rebuilds follow edits to bodies, and matching reads every title: at
    100,000 entries it is a tenth of an incremental build.
    """

    def match(published: list[Entry]) -> Mapping[str, str]:
        key = digest_bytes(engine.code_key(), match_key(published))
        saved = cache.derived("matches", key)
        if saved is not None:
            return msgspec.msgpack.decode(saved, type=dict[str, str])
        found = match_teasers(published)
        cache.set_derived("matches", key, msgspec.msgpack.encode(found))
        return found

    return match


def remembered_stories(cache: BuildCache, grouping: StoriesConfig, changed: Container[str] | None = None) -> Grouper:
    """group_stories, scoring only the articles whose lead changed since the last build (all of them if titles, times or sources changed).

    `changed`: the paths of every file that may have changed since the last
    complete build, when known: the others' leads are the ones it found.
    """

    def group(published: list[Entry]) -> Sequence[Story]:
        key = digest_bytes(engine.code_key(), msgspec.msgpack.encode(msgspec.structs.asdict(grouping)))
        saved = cache.derived("stories", key)
        before = Grouping.decode(saved) if saved is not None else None
        kept = KeptShingles(cache, engine.code_key().hex())
        lead = _known_leads(before.leads, changed) if before is not None and changed is not None else None
        found = regroup(published, grouping, kept.shingled, before, lead)
        if found is not before:
            cache.set_derived("stories", key, found.encode())
            kept.save(set(found.leads.values()))
        return found.stories

    return group


def _known_leads(leads: Mapping[str, bytes], changed: Container[str]) -> Callable[[Entry], bytes]:
    """lead_key, taken from the last grouping's `leads` for articles whose file has not changed since (hashing every lead costs more)."""

    def lead(entry: Entry) -> bytes:
        known = None if entry.path in changed else leads.get(entry.id)
        return known if known is not None else lead_key(entry)

    return lead


class KeptShingles:
    """Each body lead's shingles, kept in the cache: shingling is most of grouping's cost, so an edit shingles one article.

    An edit's regrouping asks for a few leads, read a row each; a full one
    asks for all, and past BULK of them the rest are read in one query.
    """

    BULK = 2000

    def __init__(self, cache: BuildCache, key: str) -> None:
        cache.use_shingles(key)
        self._cache, self._asked = cache, 0
        self._all: dict[bytes, bytes] | None = None
        self.fresh: dict[bytes, bytes] = {}  # leads shingled in this build

    def shingled(self, entry: Entry, lead: bytes) -> array[int]:
        data = self._read(lead)
        if data is not None:
            return uint32s(data)
        hashes = sorted_shingles(entry.body)
        self.fresh[lead] = hashes.tobytes()
        return hashes

    def _read(self, lead: bytes) -> bytes | None:
        if self._all is None:
            self._asked += 1
            if self._asked <= self.BULK:
                return self._cache.shingle(lead)
            self._all = self._cache.shingles()
        return self._all.get(lead)

    def save(self, leads: set[bytes]) -> None:
        """Keep the new leads' shingles, and only those of `leads` (the old ones go)."""
        self._cache.update_shingles(self.fresh, self._cache.shingle_leads() - leads)


def remembered_template_keys(config: Config, cache: BuildCache, env_key: str) -> Mapping[str, bytes]:
    """engine.template_keys, parsed again only when code, config or a template changed (the environment key covers them)."""
    from generator.render.templates import make_environment

    key = bytes.fromhex(env_key)
    saved = cache.derived("template_keys", key)
    if saved is not None:
        return msgspec.msgpack.decode(saved, type=dict[str, bytes])
    found = engine.template_keys(make_environment(config))
    cache.set_derived("template_keys", key, msgspec.msgpack.encode(found))
    return found


SITE = "site"  # the derived row holding the site structure of the last complete build


def body_changes(then: Mapping[str, Entry | None], entries: Iterable[Entry]) -> dict[str, tuple[Entry, Entry]] | None:
    """Per file that may have changed, its entry then and now, when they differ at most in their bodies; else None.

    `then`: path → the entry the last build read there (None: none, or not cached).
    None too when such a file now holds no entry.
    """
    now = {entry.path: entry for entry in entries if entry.path in then}
    pairs = {}
    for rel, old in then.items():
        new = now.get(rel)
        if old is None or new is None:
            return None
        if old != new and dataclasses.replace(old, body="") != dataclasses.replace(new, body=""):
            return None
        pairs[rel] = (old, new)
    return pairs


def kept_site(cache: BuildCache, key: str, pairs: Mapping[str, tuple[Entry, Entry]], entries: Sequence[Entry], group: Grouper | None) -> Site | None:
    """The last complete build's site structure, holding the entries loaded now, when building it again would give the same.

    The structure is worked out from every field of the entries but their
    bodies, and from the stories (see build.reusable). So it is the same
    when each file that may have changed holds an entry differing at most in
    its body (`pairs`, from body_changes: the entry then and now), and the
    stories `group` finds are the last build's. `key`: the environment's (see keep_site).
    """
    saved = cache.derived(SITE, key.encode())
    if saved is None:
        return None
    try:
        unpickler = pickle.Unpickler(io.BytesIO(saved))
        # A C call per entry shown, of which there are millions at 100,000 entries (the documented way to set it).
        unpickler.persistent_load = {entry.id: entry for entry in entries}.__getitem__  # type: ignore[method-assign]
        site = unpickler.load()
    except KeyError:  # an entry it holds is gone
        return None
    if not isinstance(site, Site):
        return None
    bodies_changed = any(old.body != new.body for old, new in pairs.values())
    if group is not None and bodies_changed and story_of(group([entry for entry in entries if not entry.draft])) != site.stories:
        return None
    return site


def once(group: Grouper) -> Grouper:
    """`group`, worked out on the first call only: kept_site and then build_site may both ask for the stories of the same entries."""
    found: list[Sequence[Story]] = []

    def first(published: list[Entry]) -> Sequence[Story]:
        if not found:
            found.append(group(published))
        return found[0]

    return first


def keep_site(cache: BuildCache, key: str, site: Site, kept: bool) -> None:
    """Keep the site structure for the next build (`key`: the environment's); one kept from the last build is kept as it is.

    That it is the last complete build's, the cache's `complete` mark says:
    a build clears it first, and sets it in the transaction that calls this.
    """
    if kept:
        return
    buffer = io.BytesIO()
    _SitePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(site)
    cache.set_derived(SITE, key.encode(), buffer.getvalue())


class _SitePickler(pickle.Pickler):
    """Entries stand in the pickle as their ids: the next build puts the entries it loaded in their place."""

    def persistent_id(self, obj: object) -> str | None:
        return obj.id if type(obj) is Entry else None
