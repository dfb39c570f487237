"""Dates in front matter: ISO dates or datetimes, read in the site's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def parse_when(value: object, tz: ZoneInfo) -> dt.date:
    """Parse an ISO date or datetime; naive datetimes are taken in `tz`.

    Returns a `date` for a bare day and an aware `datetime` otherwise.
    Raises ValueError with a readable message.
    """
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date like 2024-06-23, got {type(value).__name__} {value!r}")
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"invalid date {value!r}: {exc} (use 2024-06-23 or 2024-06-23T08:30:00+00:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def start_of(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The aware moment a date or datetime stands for (midnight for a bare day)."""
    if isinstance(day, dt.datetime):
        return day
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz)
