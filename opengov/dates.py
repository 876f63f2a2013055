"""Dates with month precision, as OGP writes them ("2023-01 → 2024-03").

A month-precision date is stored in an ordinary DateField, normalised so that every comparison
the database makes stays right without knowing the precision:

- a start (start_date) is stored as the month's first day;
- an end or a due date (end_date, due_date) is stored as the month's last day, so a milestone
  due "2024-03" is overdue from 1 April 2024, as OGP reads it, and sorts after any day of March.

Next to each such date a `<field>_precision` column ("day" or "month") says how to show it.
"""

from __future__ import annotations

import calendar
import datetime
import re

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")


def precision_field(verbose_name) -> models.CharField:
    """The `<field>_precision` column stored beside a date that may be a month."""
    return models.CharField(
        verbose_name,
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_(
            "A month is shown as a month (e.g. March 2024); a due month ends on its last day."
        ),
    )


class MonthPrecisionDates:
    """Mixin of a model whose dates listed in MONTH_DATES ({field: is_an_end}) may be months:
    clean() and save() store them normalised (see the module)."""

    MONTH_DATES: dict[str, bool] = {}

    def normalise_month_dates(self) -> None:
        for field, is_end in self.MONTH_DATES.items():
            precision = getattr(self, f"{field}_precision")
            setattr(self, field, normalise(getattr(self, field), precision, end=is_end))

    def clean(self) -> None:
        self.normalise_month_dates()
        super().clean()

    def save(self, *args, **kwargs):
        self.normalise_month_dates()
        super().save(*args, **kwargs)

    def date_display(self, field: str) -> str:
        return format_date(getattr(self, field), getattr(self, f"{field}_precision"))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def normalise(day: datetime.date | None, precision: str, *, end: bool) -> datetime.date | None:
    """`day` as stored for its precision: a month's first day (a start) or last day (an end)."""
    if day is None or precision != DatePrecision.MONTH:
        return day
    return month_end(day) if end else month_start(day)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day (31 January
    plus one month is 28 or 29 February), as OGP counts its "within N months" deadlines."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_SLASH_MONTH = re.compile(r"^(\d{1,2})[/.](\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASH_DAY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


def parse_date_or_month(text: str, *, end: bool) -> tuple[datetime.date, str]:
    """A date typed as a month ("2023-01", "01/2023") or a day ("2023-01-15", "15/01/2023"),
    normalised for storage (see the module), with its precision. Arabic-Indic digits are read.

    Raises ValueError when the text is neither."""
    text = (text or "").strip().translate(_DIGITS)
    if match := _ISO_MONTH.match(text):
        year, month = int(match[1]), int(match[2])
    elif match := _SLASH_MONTH.match(text):
        month, year = int(match[1]), int(match[2])
    else:
        if match := _ISO_DAY.match(text):
            year, month, day = int(match[1]), int(match[2]), int(match[3])
        elif match := _SLASH_DAY.match(text):
            day, month, year = int(match[1]), int(match[2]), int(match[3])
        else:
            raise ValueError(text)
        return datetime.date(year, month, day), DatePrecision.DAY
    first = datetime.date(year, month, 1)
    return normalise(first, DatePrecision.MONTH, end=end), DatePrecision.MONTH


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def format_date(day: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """`day` in the active language: "mars 2024" for a month, "15 mars 2024" for a day (the
    "j F Y" every page of the portal writes its dates in, Arabic included)."""
    if day is None:
        return ""
    if precision == DatePrecision.MONTH:
        return formats.date_format(day, "YEAR_MONTH_FORMAT")
    return formats.date_format(day, "j F Y")


def iso(day: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """`day` for the open data: "2024-03" for a month, "2024-03-15" for a day."""
    if day is None:
        return ""
    if precision == DatePrecision.MONTH:
        return day.strftime("%Y-%m")
    return day.isoformat()


def iso_of(obj, field: str) -> str:
    """`obj`'s date `field` for the open data, in the precision stored beside it."""
    return iso(getattr(obj, field), getattr(obj, f"{field}_precision"))
