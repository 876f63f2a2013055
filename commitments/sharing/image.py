"""The picture of a plan shared as a link: its council, title, period, stage and progress on a
1200x630 PNG (what Facebook and WhatsApp show; WhatsApp ignores SVG), in the reader's language.

Drawn with Pillow (which WeasyPrint brings) and the fonts of static/fonts. Arabic needs shaping
(joined letter forms) and right-to-left ordering, which Pillow does only with libraqm (Pillow's
wheels carry it and load FriBiDi from the system: Debian's libfribidi0, which Pango needs for
WeasyPrint anyway). Without libraqm Pillow would draw Arabic as separate letters in the wrong
order: render() then refuses (NoShaping) and the view sends the site's default picture instead,
rather than a wrong one.

Each line of text is drawn with Amiri when it holds Arabic letters (it has Latin letters and
digits too, for a French name inside an Arabic title) and with Noto Sans otherwise, in the
direction of its first strong letter; lines are wrapped by measured width, and a title longer
than its lines ends with an ellipsis."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from PIL import Image, ImageDraw, ImageFont, features

from opengov.years import isolate_in_text

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
INK = "#1d2327"
MUTED = "#50575e"
ACCENT = "#0b6e4f"
TRACK = "#dcdcde"
PAPER = "#ffffff"

ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
LATIN = re.compile("[A-Za-z\u00c0-\u024f]")

FONTS = {
    ("arabic", "regular"): "fonts/amiri/Amiri-Regular.ttf",
    ("arabic", "bold"): "fonts/amiri/Amiri-Bold.ttf",
    ("latin", "regular"): "fonts/noto-sans/NotoSans-Regular.woff2",
    ("latin", "bold"): "fonts/noto-sans/NotoSans-Bold.woff2",
}


class NoShaping(RuntimeError):
    """Pillow cannot shape Arabic here (no libraqm): no picture rather than a wrong one."""


def can_shape() -> bool:
    return bool(features.check("raqm"))


@dataclass(frozen=True)
class Card:
    """What the picture says, already in the reader's language (plain text)."""

    language: str
    brand: str
    council: str
    title: str
    period: str
    stage: str
    progress: str  # "3 of 8 milestones completed (38%)", or "" when there are no milestones
    percent: int


@cache
def _font_path(script: str, weight: str) -> str:
    path = finders.find(FONTS[(script, weight)])
    if path is None:  # STATIC_ROOT only (collected, finders off)
        path = str(Path(settings.STATIC_ROOT) / FONTS[(script, weight)])
    return path


@cache
def _font(script: str, weight: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_font_path(script, weight), size, layout_engine=ImageFont.Layout.RAQM)


def _direction(text: str) -> str:
    """The direction of the first strong letter (Arabic: right to left)."""
    arabic, latin = ARABIC.search(text), LATIN.search(text)
    if arabic and (not latin or arabic.start() < latin.start()):
        return "rtl"
    return "ltr"


class _Writer:
    def __init__(self, draw: ImageDraw.ImageDraw, rtl: bool):
        self.draw = draw
        self.rtl = rtl  # the page's direction: where lines start

    def _style(self, text: str, weight: str, size: int):
        script = "arabic" if ARABIC.search(text) else "latin"
        direction = _direction(text)
        language = "ar" if script == "arabic" else "fr"
        return _font(script, weight, size), direction, language

    def width(self, text: str, weight: str, size: int) -> float:
        text = isolate_in_text(text)
        font, direction, language = self._style(text, weight, size)
        return font.getlength(text, direction=direction, language=language)

    def line(self, text: str, y: int, *, size: int, weight: str = "regular", fill=INK) -> None:
        # A period of years after Arabic letters would be drawn "2027-2025" by the bidi
        # algorithm: isolated (LRI … PDI), it reads as on the pages (opengov.years).
        text = isolate_in_text(text)
        font, direction, language = self._style(text, weight, size)
        x, anchor = (WIDTH - MARGIN, "ra") if self.rtl else (MARGIN, "la")
        self.draw.text(
            (x, y),
            text,
            font=font,
            fill=fill,
            anchor=anchor,
            direction=direction,
            language=language,
        )

    def wrap(self, text: str, *, size: int, weight: str, lines: int) -> list[str]:
        """`text` cut at spaces into at most `lines` lines that fit the width, the last one
        ending with an ellipsis when the text goes on."""
        room = WIDTH - 2 * MARGIN
        out: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}".strip()
            if current and self.width(candidate, weight, size) > room:
                out.append(current)
                current = word
            else:
                current = candidate
        if current:
            out.append(current)
        if len(out) > lines:
            last = out[lines - 1]
            while " " in last and self.width(last + " …", weight, size) > room:
                last = last.rsplit(" ", 1)[0]
            out = [*out[: lines - 1], last + " …"]
        return out


def render(card: Card) -> bytes:
    """The PNG of `card`, 1200x630. Raises NoShaping when Arabic cannot be shaped here."""
    if not can_shape():
        raise NoShaping("Pillow has no libraqm: Arabic cannot be shaped")
    rtl = card.language == "ar"
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    # A band along the top, in the site's accent colour.
    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    write = _Writer(draw, rtl)
    y = 52
    write.line(card.brand, y, size=30, weight="bold", fill=ACCENT)
    y += 64
    for text in (
        write.wrap(card.council, size=34, weight="regular", lines=1) if card.council else []
    ):
        write.line(text, y, size=34, fill=MUTED)
        y += 56
    y += 8
    for text in write.wrap(card.title, size=48, weight="bold", lines=3):
        write.line(text, y, size=48, weight="bold")
        y += 70
    y += 14
    facts = " · ".join(text for text in (card.period, card.stage) if text)
    if facts:
        write.line(facts, y, size=34)
    if card.progress:  # a bar and its sentence, at the bottom
        bar_top = HEIGHT - 130
        draw.rounded_rectangle((MARGIN, bar_top, WIDTH - MARGIN, bar_top + 22), 11, fill=TRACK)
        if card.percent > 0:
            filled = round((WIDTH - 2 * MARGIN) * min(card.percent, 100) / 100)
            left = WIDTH - MARGIN - filled if rtl else MARGIN
            draw.rounded_rectangle((left, bar_top, left + filled, bar_top + 22), 11, fill=ACCENT)
        write.line(card.progress, bar_top + 38, size=32, fill=INK)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
