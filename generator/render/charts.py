"""Bar charts as plain data, drawn as static SVG by ``templates/chart.html``.

Weekly counts are simple bars: a Jinja2 template draws them from the same numbers as the
table beside them, byte for byte the same every build and at no cost to it (a plotting
library would add seconds of import and rendering to every build for rectangles and labels).
Coordinates are in the SVG's own units (``viewBox``), formatted here so the output is fixed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 34, 6, 10, 22  # room for the count labels and the week labels
MAX_LABELS = 9  # week labels under a short chart (a long one labels the first week of each year)


@dataclass(frozen=True, slots=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    label: str  # the week
    count: int


@dataclass(frozen=True, slots=True)
class Tick:
    """A horizontal grid line at ``y`` for the count ``label``."""

    y: str
    label: str


@dataclass(frozen=True, slots=True)
class XLabel:
    x: str
    label: str


@dataclass(frozen=True, slots=True)
class BarChart:
    id: str  # unique on its page (the title and description ids derive from it)
    title: str
    desc: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    xlabels: tuple[XLabel, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT


def _num(value: float) -> str:
    """A coordinate to a tenth, without a trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _scale_top(largest: int) -> tuple[int, int]:
    """(top of the scale, step between grid lines): 1, 2 or 5 times a power of ten, at most
    four steps."""
    if largest <= 0:
        return 1, 1
    for exponent in range(0, 12):
        for mantissa in (1, 2, 5):
            step = mantissa * 10 ** exponent
            if math.ceil(largest / step) <= 4:
                return math.ceil(largest / step) * step, step
    raise ValueError(f"count too large for a chart: {largest}")


def _labelled(weeks: list[str]) -> list[tuple[int, str]]:
    """(position, text) of the weeks to label: a short span every few weeks ("W14", the first
    with its year), a long one at the first week of each year ("2025")."""
    if len(weeks) <= 60:
        every = max(1, math.ceil(len(weeks) / MAX_LABELS))
        return [(i, week if i == 0 else week[5:]) for i, week in enumerate(weeks) if i % every == 0]
    return [(i, week[:4]) for i, week in enumerate(weeks) if i == 0 or week[:4] != weeks[i - 1][:4]]


def bar_chart(chart_id: str, title: str, desc: str, points: list[tuple[str, int]]) -> BarChart:
    """A chart of ``points`` ((week, count), oldest first)."""
    top, step = _scale_top(max((count for _, count in points), default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(points), 1)
    gap = min(slot * 0.2, 2.0)
    bars = []
    for i, (week, count) in enumerate(points):
        height = plot_height * count / top
        bars.append(Bar(_num(LEFT + i * slot + gap / 2), _num(TOP + plot_height - height), _num(slot - gap), _num(height), week, count))
    ticks = tuple(Tick(_num(TOP + plot_height - plot_height * value / top), str(value)) for value in range(0, top + 1, step))
    xlabels = tuple(XLabel(_num(LEFT + (i + 0.5) * slot), text) for i, text in _labelled([week for week, _ in points]))
    return BarChart(chart_id, title, desc, tuple(bars), ticks, xlabels)
