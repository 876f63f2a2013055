"""Periods of years ("2025-2027") in text of either direction.

In Arabic text a period typed after Arabic letters is reordered by the Unicode bidirectional
algorithm: its digits take the Arabic letters' side (rule W2 makes them Arabic numbers) and the
hyphen between them no longer joins them, so "الشرق 2025-2027" shows as "2027-2025", while the
same period alone in an isolated <bdi> shows as "2025-2027". One page then shows both orders.

Every period the portal shows, whether it writes it (a plan's or a programme's years) or finds
it in a title someone typed, is therefore isolated as one left-to-right island: in HTML a
<bdi dir="ltr">, in plain text (a page's <title>, an attribute, a PDF's metadata, an e-mail
subject) the Unicode isolates LRI … PDI, which change nothing but the order in which it is
drawn. The text itself (what is searched, copied or stored) is not changed."""

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Two four-digit years joined by a hyphen or a dash, spaces allowed around it.
YEAR_RANGE = re.compile(r"(?<!\d)(\d{4})\s*[-\u2010-\u2015\u2212]\s*(\d{4})(?!\d)")

LRI, PDI = "\u2066", "\u2069"


def period(start_year: int, end_year: int) -> str:
    """The period as the portal writes it: "2025-2027"."""
    return f"{start_year}-{end_year}"


def period_html(text: str) -> SafeString:
    """A period (already written) as one left-to-right island."""
    return format_html('<bdi dir="ltr" class="years">{}</bdi>', text)


def isolate_in_html(value) -> SafeString:
    """The text (escaped unless already safe HTML) with each period in it isolated as one
    left-to-right island (<bdi dir="ltr">)."""
    html = str(conditional_escape(value))
    # Safe: the text was escaped above, and a period is digits and a dash only.
    return mark_safe(YEAR_RANGE.sub(lambda m: str(period_html(m.group(0))), html))  # noqa: S308


def isolate_in_text(value) -> str:
    """Plain text with each period in it wrapped in the Unicode isolates LRI … PDI."""
    return YEAR_RANGE.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", str(value))


def mentions_period(text: str, start_year: int, end_year: int) -> bool:
    """Whether `text` already names this period (so that a title is not followed by its years
    a second time)."""
    return any(
        (int(m.group(1)), int(m.group(2))) == (start_year, end_year)
        for m in YEAR_RANGE.finditer(text or "")
    )
