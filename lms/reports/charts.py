"""Chart geometry for the report pages, drawn as SVG by templates/reports/_charts.html. Pure.

Charts are computed here and drawn by the server: no script, nothing fetched, the same
picture in every browser, and a table beside each one for anyone who would rather read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lms.learning.statuses import (
    COMPLETED,
    COMPLETED_ELSEWHERE,
    EXEMPTED,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
)
from lms.reports.completions import StatusCounts

WIDTH = 520
LABEL_WIDTH = 150
VALUE_WIDTH = 76
ROW_HEIGHT = 30
BAR_HEIGHT = 18
# Left to right: done, on the way, not yet, late, excused.
STACK_ORDER = (COMPLETED, COMPLETED_ELSEWHERE, IN_PROGRESS, NOT_STARTED, OVERDUE, EXEMPTED)


@dataclass(frozen=True)
class Segment:
    status: str
    count: int
    percent: int
    x: float
    width: float


@dataclass(frozen=True)
class StackedBar:
    label: str
    y: float
    segments: list[Segment]
    counts: StatusCounts


@dataclass(frozen=True)
class StackedChart:
    """Each group as one bar of 100%, split by status, so groups of any size compare."""

    bars: list[StackedBar]
    height: float
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    statuses: tuple[str, ...] = STACK_ORDER


def stacked(groups: Sequence[StatusCounts], labels: dict[str, str] | None = None) -> StackedChart:
    """A stacked bar per group; `labels` turns group labels (slugs) into words."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for row, group in enumerate(groups):
        x = float(LABEL_WIDTH)
        segments = []
        for status in STACK_ORDER:
            count = group.by_status.get(status, 0)
            if not count:
                continue
            width = span * count / group.total
            segments.append(Segment(status, count, group.percent(status), round(x, 1), width))
            x += width
        label = (labels or {}).get(group.label, group.label)
        bars.append(StackedBar(label, row * ROW_HEIGHT, segments, group))
    return StackedChart(bars, height=max(len(bars), 1) * ROW_HEIGHT)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    """Plain horizontal bars against one scale (counts, such as people overdue)."""

    bars: list[Bar]
    height: float
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def horizontal(points: Sequence[tuple[str, int]]) -> BarChart:
    """One bar per (label, value), longest for the largest value."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((value for _, value in points), default=0) or 1
    bars = [
        Bar(label, value, row * ROW_HEIGHT, max(span * value / largest, 1.0))
        for row, (label, value) in enumerate(points)
    ]
    return BarChart(bars, height=max(len(bars), 1) * ROW_HEIGHT)


@dataclass(frozen=True)
class Column:
    starts: date
    value: int
    x: float
    y: float
    width: float
    height: float
    labelled: bool  # whether its date is written under the axis


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class ColumnChart:
    """A column per period (weeks of completions) with a labelled vertical scale."""

    columns: list[Column]
    ticks: list[Tick]
    plot_left: int
    plot_right: int
    plot_bottom: int
    width: int = WIDTH
    height: int = 220


def columns(points: Sequence[tuple[date, int]], label_every: int = 4) -> ColumnChart:
    """Columns over time, the latest on the right; every `label_every`th one is dated."""
    left, top, bottom, right = 48, 10, 190, 24
    span = WIDTH - left - right
    scale_top = _nice_ceiling(max((value for _, value in points), default=0))
    step = span / max(len(points), 1)
    plot = bottom - top
    cols = []
    for index, (starts, value) in enumerate(points):
        height = plot * value / scale_top
        cols.append(
            Column(
                starts,
                value,
                round(left + index * step + step * 0.15, 1),
                round(bottom - height, 1),
                round(step * 0.7, 1),
                round(height, 1),
                labelled=(len(points) - 1 - index) % label_every == 0,
            )
        )
    ticks = [Tick(round(bottom - plot * n / 4, 1), scale_top * n // 4) for n in range(5)]
    return ColumnChart(cols, ticks, plot_left=left, plot_right=WIDTH - right, plot_bottom=bottom)


def _nice_ceiling(value: int) -> int:
    """The smallest round number (1, 2 or 5 times a power of ten, times 4) at or above
    `value`, so the four gridlines fall on whole, readable numbers."""
    if value <= 4:
        return 4
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude * 4 >= value:
                return step * magnitude * 4
        magnitude *= 10
