"""Drawing primitives: the SVG root with its accessible name, the patterned fills, texts and
numbers placed for either direction. Every user-visible string is escaped here."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .model import INK, PAPER, Series

TILE = 6
# Marks drawn in the paper's colour over a series' fill, inside one tile of the pattern.
_MARKS = {
    "diagonal": f'<path d="M-1,1 l2,-2 M0,{TILE} l{TILE},-{TILE} M{TILE - 1},{TILE + 1} l2,-2"/>',
    "cross": (
        f'<path d="M-1,1 l2,-2 M0,{TILE} l{TILE},-{TILE} M{TILE - 1},{TILE + 1} l2,-2 '
        f'M-1,{TILE - 1} l2,2 M0,0 l{TILE},{TILE} M{TILE - 1},-1 l2,2"/>'
    ),
    "dots": f'<circle cx="{TILE / 2}" cy="{TILE / 2}" r="1.3" stroke="none"/>',
    "horizontal": f'<path d="M0,{TILE / 2} h{TILE}"/>',
    "vertical": f'<path d="M{TILE / 2},0 v{TILE}"/>',
}


def number(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fill_id(prefix: str, series: Series) -> str:
    return f"{prefix}-fill-{series.key}"


def fill(prefix: str, series: Series) -> str:
    """The fill attribute's value: the colour, or the series' pattern."""
    if series.pattern == "solid":
        return series.colour
    return f"url(#{fill_id(prefix, series)})"


def patterns(prefix: str, series: Iterable[Series]) -> str:
    """<defs> with one pattern per patterned series (ids under `prefix`, unique per page)."""
    parts = []
    for one in series:
        if one.pattern == "solid":
            continue
        parts.append(
            f'<pattern id="{fill_id(prefix, one)}" patternUnits="userSpaceOnUse" '
            f'width="{TILE}" height="{TILE}">'
            f'<rect width="{TILE}" height="{TILE}" fill="{one.colour}"/>'
            f'<g stroke="{PAPER}" stroke-width="1.2" fill="{PAPER}" stroke-opacity="0.6" '
            f'fill-opacity="0.6">{_MARKS[one.pattern]}</g></pattern>'
        )
    return f"<defs>{''.join(parts)}</defs>" if parts else ""


def root(
    chart_id: str, width: int, height: float, title: str, summary: str, body: str, font: str = ""
) -> str:
    """The <svg> element: scales to its container's width (viewBox, width 100%), named by its
    <title> and described by its <desc> (role="img": its parts are not read one by one). Its
    texts take the page's fonts, or `font` (the PDF's: WeasyPrint applies no stylesheet to an
    SVG's text, only its attributes)."""
    family = f' font-family="{escape(font)}"' if font else ""
    return (
        f'<svg class="chart-svg" viewBox="0 0 {width} {number(height)}" width="100%"{family} '
        f'role="img" aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>{body}</svg>'
    )


def rect(x: float, y: float, width: float, height: float, paint: str, **attributes: str) -> str:
    """A rectangle; `attributes` are written as given, "_" in a name becoming "-"
    (stroke_width=, data_series=, css_class= for class)."""
    extra = "".join(
        f' {"class" if name == "css_class" else name.replace("_", "-")}="{escape(value)}"'
        for name, value in attributes.items()
    )
    return (
        f'<rect x="{number(x)}" y="{number(y)}" width="{number(width)}" '
        f'height="{number(height)}" fill="{paint}"{extra}/>'
    )


def line(x1: float, y1: float, x2: float, y2: float, colour: str = INK, width: float = 1) -> str:
    return (
        f'<line x1="{number(x1)}" y1="{number(y1)}" x2="{number(x2)}" y2="{number(y2)}" '
        f'stroke="{colour}" stroke-width="{number(width)}"/>'
    )


def text(
    x: float,
    y: float,
    content: str,
    *,
    rtl: bool,
    anchor: str = "start",
    size: int = 13,
    bold: bool = False,
    css_class: str = "",
) -> str:
    """Words at (x, y) in the chart's direction: "start" is the right end of a right-to-left
    text. The direction is an attribute of the text itself, so that it does not depend on the
    page's (inline SVG inherits it) nor on the renderer's default."""
    weight = ' font-weight="bold"' if bold else ""
    klass = f' class="{css_class}"' if css_class else ""
    return (
        f'<text x="{number(x)}" y="{number(y)}" direction="{"rtl" if rtl else "ltr"}" '
        f'text-anchor="{anchor}" font-size="{size}" fill="{INK}"{weight}{klass}>'
        f"{escape(content)}</text>"
    )


def figure(x: float, y: float, value: int | str, *, side: str, size: int = 13) -> str:
    """A number at (x, y), a left-to-right text of its own whatever the chart's direction
    (isolated: digits never reorder with the words around them). `side` says where it lies
    from x: "right" of it, "left" of it, or "middle" (centred on x)."""
    anchor = {"right": "start", "left": "end", "middle": "middle"}[side]
    return (
        f'<text x="{number(x)}" y="{number(y)}" direction="ltr" unicode-bidi="isolate" '
        f'text-anchor="{anchor}" font-size="{size}" fill="{INK}" class="chart-figure">'
        f"{escape(str(value))}</text>"
    )


def swatch(prefix: str, series: Series) -> SafeString:
    """A legend's key: a small square of the series' fill (decorative: the label says it)."""
    own = f"{prefix}-key"
    return mark_safe(  # noqa: S308 (colours and ids from the code; no user text)
        f'<svg class="chart-swatch" viewBox="0 0 14 14" width="14" height="14" '
        f'aria-hidden="true" focusable="false">{patterns(own, [series])}'
        f"{rect(0.5, 0.5, 13, 13, fill(own, series), stroke=INK, stroke_width='1')}</svg>"
    )
