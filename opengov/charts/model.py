"""The shapes a chart is made of, and the colours they may use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext, pgettext

# The page's ink and paper (static/css/site.css: --ink, --paper).
INK = "#1d2327"
PAPER = "#ffffff"

# Fills, each at least 4.5:1 against the paper (so at least 3:1, WCAG 1.4.11, for a graphic),
# told apart by a pattern as well as a hue (`Series.pattern`), never by colour alone.
GREEN = "#1e7b34"
BLUE = "#1d4ed8"
RED = "#8a2424"
BROWN = "#92400e"
PURPLE = "#6b21a8"
TEAL = "#0f766e"
GREY = "#5f6368"
SLATE = "#374151"

PATTERNS = ("solid", "diagonal", "dots", "cross", "horizontal", "vertical")


@dataclass(frozen=True)
class Series:
    """One kind of thing a chart counts (a completion level, a state, a stage): its key (used
    in element ids: letters, digits, hyphens, underscores), its translated label and its look."""

    key: str
    label: str
    colour: str
    pattern: str = "solid"

    def __post_init__(self) -> None:
        if self.pattern not in PATTERNS:
            raise ValueError(f"Unknown pattern {self.pattern!r}")


@dataclass(frozen=True)
class LegendEntry:
    series: Series
    value: int
    swatch: str  # a small SVG of the series' fill, safe markup
    text: str  # "Done: 3" in the active language, the number isolated


@dataclass(frozen=True)
class Table:
    """The data table behind a chart: the same figures, one row per bar, column or series, in
    sections (a heading, "" for none, and its rows: a row header and its cells)."""

    caption: str
    headers: tuple[str, ...]  # the row headers' column first
    sections: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]


@dataclass(frozen=True)
class Chart:
    """A drawn chart: `svg` is safe markup, empty when there was nothing to draw (the page
    then shows `empty_text`, a plain sentence, instead of an empty frame)."""

    id: str
    title: str
    summary: str
    svg: str
    legend: tuple[LegendEntry, ...]
    table: Table | None
    empty_text: str = ""
    rtl: bool = False

    @property
    def empty(self) -> bool:
        return not self.svg


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def labelled(label: str, count: int | str, *, isolate: bool = False) -> str:
    """ "Done: 3" in the active language; `isolate` wraps the number in Unicode isolates
    (FSI…PDI, as <bdi> does) for a text read in either direction."""
    value = f"\u2068{count}\u2069" if isolate else str(count)
    return gettext("%(label)s: %(count)s") % {"label": label, "count": value}


def listed(pairs: Iterable[tuple[str, int]]) -> str:
    """ "Complete: 3, Limited: 1" in the active language, for a summary sentence (the counts
    of zero left out)."""
    separator = pgettext("list separator", ", ")
    return separator.join(labelled(label, count) for label, count in pairs if count)


def shares(series: Sequence[Series], counts: Mapping[str, int]) -> tuple[list[int], int, str]:
    """Each series' count in `counts` (by its key; 0 when absent), their total, and the
    listed() sentence of them: what a stacked chart draws and its summary says."""
    values = [counts.get(one.key, 0) for one in series]
    return (
        values,
        sum(values),
        listed((one.label, v) for one, v in zip(series, values, strict=True)),
    )
