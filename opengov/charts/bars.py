"""The three kinds of chart: one horizontal stacked bar (shares of a whole), stacked columns
(counts over time) and grouped horizontal bars (counts side by side). Each returns a Chart
whose data table holds the same figures, or an empty Chart when there is nothing to draw."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from . import svg
from .model import INK, PAPER, Chart, LegendEntry, Series, Table, labelled

WIDTH = 360  # viewBox units: about a 390-px phone's content width, where text is 1:1


@dataclass(frozen=True)
class Column:
    """A column of a stacked-columns chart: `label` names it in the data table; `tick` (digits)
    is drawn under it, `group` (digits: a year) under its run of columns; `values` follow the
    chart's series."""

    label: str
    values: tuple[int, ...]
    tick: str = ""
    group: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    series: Series


def share(value: int, total: int) -> int:
    return round(100 * value / total) if total else 0


def _chart(chart_id, title, summary, body, height, legend, table, rtl, font) -> Chart:
    markup = svg.root(chart_id, WIDTH, height, title, summary, body, font)
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        svg=mark_safe(markup),  # noqa: S308 (svg.py escapes every text it writes)
        legend=legend,
        table=table,
        rtl=rtl,
    )


def _empty(chart_id: str, title: str, empty_text: str, rtl: bool) -> Chart:
    return Chart(chart_id, title, "", "", (), None, empty_text=empty_text, rtl=rtl)


def stacked_bar(
    *,
    chart_id: str,
    title: str,
    summary: str,
    series: Sequence[Series],
    values: Sequence[int],
    label_header: str,
    empty_text: str,
    rtl: bool,
    font: str = "",
) -> Chart:
    """One bar split into the series' shares of the total, the first series at the reading
    direction's start (the right in Arabic); each count under its segment where it fits.
    Only digits inside the SVG: the words are the legend's and the table's."""
    values = [int(value) for value in values]
    total = sum(values)
    if not total:
        return _empty(chart_id, title, empty_text, rtl)
    inner, top, height = WIDTH - 2, 2, 28
    body, figures, offset = [], [], 1.0
    for one, value in zip(series, values, strict=True):
        if not value:
            continue
        width = inner * value / total
        x = WIDTH - offset - width if rtl else offset
        body.append(
            svg.rect(
                x,
                top,
                width,
                height,
                svg.fill(chart_id, one),
                stroke=PAPER,
                stroke_width="1.5",
                css_class="chart-segment",
                data_series=one.key,
            )
        )
        if width >= 8 + 8 * len(str(value)):
            figures.append(svg.figure(x + width / 2, top + height + 16, value, side="middle"))
        offset += width
    body.append(svg.rect(1, top, inner, height, "none", stroke=INK, stroke_width="1"))
    table = Table(
        caption=title,
        headers=(label_header, gettext("Number"), gettext("Share")),
        sections=(
            (
                "",
                tuple(
                    (one.label, (str(value), f"{share(value, total)}%"))
                    for one, value in zip(series, values, strict=True)
                ),
            ),
        ),
    )
    legend = tuple(
        LegendEntry(one, value, svg.swatch(chart_id, one), labelled(one.label, value, isolate=True))
        for one, value in zip(series, values, strict=True)
    )
    markup = svg.patterns(chart_id, series) + "".join(body) + "".join(figures)
    return _chart(chart_id, title, summary, markup, top + height + 22, legend, table, rtl, font)


def stacked_columns(
    *,
    chart_id: str,
    title: str,
    summary: str,
    series: Sequence[Series],
    columns: Sequence[Column],
    label_header: str,
    empty_text: str,
    rtl: bool,
    font: str = "",
) -> Chart:
    """Columns in time order from the reading direction's start (time runs from right to left
    in Arabic), each stacked from its base in the series' order, its total above it; the ticks
    and groups (digits) under the base line. Only digits inside the SVG."""
    totals = [sum(column.values) for column in columns]
    if not any(totals):
        return _empty(chart_id, title, empty_text, rtl)
    top, plot, bar_room = 20, 130, 0.7
    base = top + plot
    slot = WIDTH / len(columns)
    bar = min(slot * bar_room, 28)
    tallest = max(totals)
    body, figures = [], []

    def centre(index: float) -> float:
        x = slot * (index + 0.5)
        return WIDTH - x if rtl else x

    for index, (column, total) in enumerate(zip(columns, totals, strict=True)):
        y = float(base)
        for one, value in zip(series, column.values, strict=True):
            if not value:
                continue
            height = plot * value / tallest
            y -= height
            body.append(
                svg.rect(
                    centre(index) - bar / 2,
                    y,
                    bar,
                    height,
                    svg.fill(chart_id, one),
                    stroke=PAPER,
                    stroke_width="1",
                    css_class="chart-segment",
                    data_series=one.key,
                    data_column=str(index),
                )
            )
        if total:
            figures.append(svg.figure(centre(index), y - 4, total, side="middle"))
        if column.tick and slot >= 12:
            figures.append(
                svg.figure(centre(index), base + 15, column.tick, side="middle", size=12)
            )
    body.append(svg.line(0, base, WIDTH, base))
    group_y = base + (32 if any(column.tick for column in columns) else 16)
    first = 0
    for group, run in groupby(columns, key=lambda column: column.group):
        count = len(list(run))
        if group:
            figures.append(
                svg.figure(centre(first + (count - 1) / 2), group_y, group, side="middle")
            )
        if first:
            edge = WIDTH - slot * first if rtl else slot * first
            body.append(svg.line(edge, base, edge, group_y + 2, width=0.75))
        first += count
    table = Table(
        caption=title,
        headers=(label_header, *(one.label for one in series), gettext("Total")),
        sections=(
            (
                "",
                tuple(
                    (column.label, (*(str(value) for value in column.values), str(total)))
                    for column, total in zip(columns, totals, strict=True)
                ),
            ),
        ),
    )
    sums = [sum(column.values[i] for column in columns) for i in range(len(series))]
    legend = tuple(
        LegendEntry(one, value, svg.swatch(chart_id, one), labelled(one.label, value, isolate=True))
        for one, value in zip(series, sums, strict=True)
    )
    markup = svg.patterns(chart_id, series) + "".join(body) + "".join(figures)
    return _chart(chart_id, title, summary, markup, group_y + 6, legend, table, rtl, font)


def grouped_bars(
    *,
    chart_id: str,
    title: str,
    summary: str,
    groups: Sequence[tuple[str, Sequence[Bar]]],
    label_header: str,
    empty_text: str,
    rtl: bool,
    font: str = "",
) -> Chart:
    """Horizontal bars under group headings, on one scale, each with its label above it and
    its count at its end; bars grow from the reading direction's start. Labels are words
    inside the SVG: for the pages, not the PDF (see the package's docstring)."""
    values = [bar.value for _heading, bars in groups for bar in bars]
    if not any(values):
        return _empty(chart_id, title, empty_text, rtl)
    room = 44  # for the count after the longest bar
    scale = (WIDTH - room) / max(values)
    start = WIDTH if rtl else 0
    body, y = [], 0.0
    for heading, bars in groups:
        y += 18
        body.append(svg.text(start, y, heading, rtl=rtl, size=14, bold=True))
        y += 4
        for bar in bars:
            y += 17
            body.append(svg.text(start, y, bar.label, rtl=rtl, css_class="chart-label"))
            y += 5
            width = bar.value * scale
            x = WIDTH - width if rtl else 0
            if width:
                body.append(
                    svg.rect(
                        x,
                        y,
                        width,
                        14,
                        svg.fill(chart_id, bar.series),
                        css_class="chart-segment",
                        data_series=bar.series.key,
                    )
                )
            end = x - 4 if rtl else width + 4
            body.append(svg.figure(end, y + 12, bar.value, side="left" if rtl else "right"))
            y += 14
        y += 6
    table = Table(
        caption=title,
        headers=(label_header, gettext("Number")),
        sections=tuple(
            (heading, tuple((bar.label, (str(bar.value),)) for bar in bars))
            for heading, bars in groups
        ),
    )
    series = list({bar.series.key: bar.series for _h, bars in groups for bar in bars}.values())
    markup = svg.patterns(chart_id, series) + "".join(body)
    return _chart(chart_id, title, summary, markup, y + 2, (), table, rtl, font)
