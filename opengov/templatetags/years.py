"""Periods of years shown in the same order in both directions (opengov.years).

- `{{ plan|years }}`: the period of anything with start_year and end_year (a plan, a
  programme) as <bdi dir="ltr" class="years">2025-2027</bdi>.
- `{{ text|ltr_years }}`: the text, escaped (or as given when already safe HTML, such as the
  output of `{% tr … as title %}`), each period in it isolated the same way.
- `{{ plan|ltr_years:"text" }}`: plain text (a <title>, an attribute, a PDF's metadata): each
  period wrapped in the Unicode isolates LRI … PDI instead of markup.
"""

from django import template

from opengov import years as periods

register = template.Library()


@register.filter
def years(value):
    """The period of an object with start_year and end_year, or a period already written."""
    if value is None or value == "":
        return ""
    start, end = getattr(value, "start_year", None), getattr(value, "end_year", None)
    text = periods.period(start, end) if start and end else str(value)
    return periods.period_html(text)


@register.filter
def ltr_years(value, mode: str = "html"):
    if value is None or value == "":
        return ""
    if mode == "text":
        return periods.isolate_in_text(value)
    return periods.isolate_in_html(value)
