"""Cells turned into model values: month or day dates, numbers written the French, English or
Arabic way, choices by their code or their label in Arabic, French or English, OGP values.
Each converter returns the model fields it sets, or raises CellProblem with the message."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from consultations.models import Theme
from opengov.dates import DatePrecision, parse_date_or_month
from opengov.imports import choice_lookup, normal_text

from ..models import ChallengeArea, Commitment, Milestone

# Values as staff write them in their sheets and as OGP's pages name them (OGP's older list:
# access to information, civic participation, public accountability, technology and innovation
# for transparency and accountability), besides the labels of the portal's four fields.
OGP_VALUE_ALIASES = {
    "transparency": (
        "transparency",
        "transparence",
        "الشفافية",
        "access to information",
        "accès à l'information",
        "الحصول على المعلومات",
    ),
    "participation": ("participation", "المشاركة", "المشاركة المواطنة"),
    "accountability": ("accountability", "redevabilité", "reddition des comptes", "المساءلة"),
    "technology_innovation": (
        "technology",
        "technologie",
        "technology and innovation for transparency and accountability",
        "التكنولوجيا والابتكار",
    ),
}
OGP_VALUE_FIELDS = tuple(OGP_VALUE_ALIASES)
_LIST_SEPARATORS = re.compile(r"[,;،؛\n]+")
# Arabic-Indic and Persian digits, and the Arabic decimal separator (U+066B).
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹\u066b", "01234567890123456789.")


class CellProblem(Exception):
    pass


def date_converter(key: str, *, end: bool, day_only: bool = False):
    def convert(text: str, lookups) -> dict:
        try:
            day, precision = parse_date_or_month(text, end=end)
        except ValueError as error:
            raise CellProblem(
                gettext(
                    "“%(value)s” is not a date: write a month (2023-01 or 01/2023) or a day "
                    "(2023-01-15 or 15/01/2023)."
                )
                % {"value": text}
            ) from error
        if day_only:
            if precision != DatePrecision.DAY:
                raise CellProblem(gettext("Give the day, e.g. 15/03/2024, not only the month."))
            return {key: day}
        return {key: day, f"{key}_precision": precision}

    return convert


def parse_decimal(text: str) -> Decimal:
    """A number as typed: "1 200,50", "1,200.50", "1200.5", Arabic-Indic digits. ValueError
    when it is none."""
    cleaned = text.translate(_DIGITS).replace("\u00a0", "").replace("\u202f", "")
    cleaned = cleaned.replace(" ", "").replace("\u066c", "")  # Arabic thousands separator
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")  # 1,200.50
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")  # 1200,50
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not value.is_finite():
        raise ValueError(text)
    return value


def decimal_converter(key: str):
    def convert(text: str, lookups) -> dict:
        try:
            return {key: parse_decimal(text)}
        except ValueError as error:
            raise CellProblem(gettext("“%(value)s” is not a number.") % {"value": text}) from error

    return convert


def choice_converter(key: str, lookup_name: str, choices):
    def convert(text: str, lookups) -> dict:
        value = getattr(lookups, lookup_name).get(normal_text(text))
        if value is None:
            raise CellProblem(
                gettext("Unknown value “%(value)s”; use one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(str(label) for _v, label in choices)}
            )
        return {key: value}

    return convert


def theme_converter(text: str, lookups) -> dict:
    theme_id = lookups.themes.get(normal_text(text))
    if theme_id is None:
        raise CellProblem(gettext("Unknown theme “%(name)s”.") % {"name": text})
    return {"theme_id": theme_id}


def ogp_values_converter(text: str, lookups) -> dict:
    fields = {}
    for part in _LIST_SEPARATORS.split(text):
        if not part.strip():
            continue
        name = lookups.ogp_values.get(normal_text(part))
        if name is None:
            labels = ", ".join(
                str(Commitment._meta.get_field(f).verbose_name) for f in OGP_VALUE_FIELDS
            )
            raise CellProblem(
                gettext("Unknown OGP value “%(value)s”; use: %(choices)s.")
                % {"value": part.strip(), "choices": labels}
            )
        fields[name] = True
    return fields


class Lookups:
    """The ways staff may write a choice, a theme or an OGP value (built once per check)."""

    def __init__(self):
        self.commitment_status = choice_lookup(Commitment.Status.choices)
        self.milestone_status = choice_lookup(Milestone.Status.choices)
        self.challenge_area = choice_lookup(ChallengeArea.choices)
        self.ogp_values = choice_lookup(
            [(f, Commitment._meta.get_field(f).verbose_name) for f in OGP_VALUE_FIELDS],
            OGP_VALUE_ALIASES,
        )
        self.themes = {}
        for theme in Theme.objects.all():
            for key in (theme.slug, theme.name_ar, theme.name_fr):
                if key:
                    self.themes[normal_text(key)] = theme.pk


# The converters of the cells that are not plain text, by sheet and column.
CONVERTERS = {
    "commitments": {
        "theme": theme_converter,
        "ogp_values": ogp_values_converter,
        "challenge_area": choice_converter(
            "challenge_area", "challenge_area", ChallengeArea.choices
        ),
        "start_date": date_converter("start_date", end=False),
        "end_date": date_converter("end_date", end=True),
        "budget": decimal_converter("budget"),
        "status": choice_converter("status", "commitment_status", Commitment.Status.choices),
    },
    "milestones": {
        "start_date": date_converter("start_date", end=False),
        "due_date": date_converter("due_date", end=True),
        "status": choice_converter("status", "milestone_status", Milestone.Status.choices),
        "completed_on": date_converter("completed_on", end=True, day_only=True),
    },
    "indicators": {
        "baseline": decimal_converter("baseline"),
        "target": decimal_converter("target"),
    },
}
