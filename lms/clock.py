"""The one time source. Tests set it; everything else asks it what time it is."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from lms import catalogues
from lms.languages import SOURCE_LANGUAGE

_frozen: datetime | None = None


def now() -> datetime:
    """The current time in UTC (timezone-aware)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(at: datetime) -> None:
    """Stop the clock at a given moment (tests only)."""
    global _frozen
    _frozen = at.astimezone(UTC)


def advance(by: timedelta) -> None:
    """Move a frozen clock forward (tests only)."""
    freeze(now() + by)


def unfreeze() -> None:
    """Let the clock follow real time again."""
    global _frozen
    _frozen = None


@contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    """Run a block as if it were `moment` (the demo's history), then restore the clock."""
    global _frozen
    previous = _frozen
    freeze(moment)
    try:
        yield
    finally:
        _frozen = previous


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (the month's last day when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def long_date(moment: date, language: str = SOURCE_LANGUAGE) -> str:
    """A date as people write it: 2 March 2026 (2. März 2026 in German)."""
    return catalogues.long_date(moment, language)
