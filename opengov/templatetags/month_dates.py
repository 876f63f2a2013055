"""Dates that may be months (opengov.dates), shown with their precision.

- `{{ milestone|date_of:"due_date" }}`: "mars 2024" or "15 mars 2024" in the active language
  (MonthPrecisionDates.date_display).
- `{{ commitment|time_of:"start_date" }}`: the same inside <time datetime="2024-03">, a valid
  HTML month or day.
- `{{ milestone|iso_of:"due_date" }}`: "2024-03" or "2024-03-15", as the open data gives it.
- `{{ milestone|due_of }}`: "due 15 March 2024" or "due in March 2024", translated as one phrase
  (a month is due until its last day); inside <time> where the output is HTML, plain text in
  e-mails (autoescape off).
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from opengov.dates import DatePrecision, iso_of as _iso_of

register = template.Library()


def _time(obj, field: str) -> str:
    text = obj.date_display(field)
    if not text:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>',
        _iso_of(obj, field),
        text,
    )


@register.filter
def date_of(obj, field: str) -> str:
    if obj is None:
        return ""
    return obj.date_display(field)


@register.filter
def time_of(obj, field: str) -> str:
    if obj is None:
        return ""
    return _time(obj, field)


@register.filter
def iso_of(obj, field: str) -> str:
    if obj is None:
        return ""
    return _iso_of(obj, field)


@register.filter(needs_autoescape=True)
def due_of(obj, field: str = "due_date", autoescape: bool = True) -> str:
    if obj is None or getattr(obj, field) is None:
        return ""
    if getattr(obj, f"{field}_precision") == DatePrecision.MONTH:
        phrase, name = gettext("due in %(month)s"), "month"
    else:
        phrase, name = gettext("due %(date)s"), "date"
    if not autoescape:
        return phrase % {name: obj.date_display(field)}
    return mark_safe(conditional_escape(phrase) % {name: _time(obj, field)})  # noqa: S308
