"""Long lists split into numbered pages: `base/`, `base/page/2/`, ..."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Pagination(Generic[T]):
    """One page of a list, with where its neighbours live."""

    items: tuple[T, ...]
    number: int  # 1-based
    count: int  # how many pages the list has
    base: str  # site-relative URL of page 1

    @property
    def url(self) -> str:
        return page_url(self.base, self.number)

    @property
    def previous_url(self) -> str | None:
        return page_url(self.base, self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return page_url(self.base, self.number + 1) if self.number < self.count else None


def page_url(base: str, number: int) -> str:
    return base if number == 1 else f"{base}page/{number}/"


def paginate(items: Sequence[T], per_page: int, base: str) -> tuple[Pagination[T], ...]:
    """Split items into pages of per_page; an empty list still gets page 1."""
    size = max(1, per_page)
    count = max(1, -(-len(items) // size))
    return tuple(Pagination(tuple(items[(n - 1) * size : n * size]), n, count, base) for n in range(1, count + 1))
