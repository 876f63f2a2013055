"""Charts drawn on the server as inline SVG: no script, the same markup on the pages and in the
PDF (WeasyPrint draws SVG), and every figure also in a data table.

Pure functions from plain data (labels already translated, counts) to a `Chart`: the apps
count, this package draws. `model` holds the shapes and the colour rules, `svg` the drawing
primitives, `bars` the three kinds of chart; `templates/includes/chart.html` renders a Chart
(figure, legend, data table, or the plain sentence of an empty one).

Two constraints shape the drawing. Right to left: each builder takes `rtl` and mirrors its x
coordinates (bars grow from the right, time runs from right to left), and a number is always a
text of its own in the left-to-right direction, isolated from the words around it. Words inside
the SVG: WeasyPrint lays out SVG text one letter at a time, unshaped, which breaks Arabic; the
charts the PDF prints (`stacked_bar`, `stacked_columns`) therefore hold only digits, their words
being in the HTML legend and caption around them. Only `grouped_bars`, which the PDF does not
print, writes labels inside the SVG."""

from .bars import Bar, Column, grouped_bars, stacked_bar, stacked_columns
from .model import Chart, LegendEntry, Series, Table, contrast, listed, shares

__all__ = [
    "Bar",
    "Chart",
    "Column",
    "LegendEntry",
    "Series",
    "Table",
    "contrast",
    "grouped_bars",
    "listed",
    "shares",
    "stacked_bar",
    "stacked_columns",
]
