"""Dates that may be months, typed in a form (opengov.dateforms)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from opengov.dateforms import DateOrMonthField
from opengov.dates import DatePrecision

D = datetime.date
MONTH, DAY = DatePrecision.MONTH, DatePrecision.DAY


@pytest.mark.parametrize(
    ("typed", "end", "expected"),
    [
        ("2023-01", False, (D(2023, 1, 1), MONTH)),
        ("2024-03", True, (D(2024, 3, 31), MONTH)),
        (" 02/2024 ", True, (D(2024, 2, 29), MONTH)),
        ("٢٠٢٤-٠٣", False, (D(2024, 3, 1), MONTH)),
        ("2024-03-15", True, (D(2024, 3, 15), DAY)),
        ("15/03/2024", False, (D(2024, 3, 15), DAY)),
        ("", True, None),
    ],
)
def test_field_reads_a_month_or_a_day(typed, end, expected):
    assert DateOrMonthField(end=end, required=False).clean(typed) == expected


INVALID = "Enter a month as 2024-03 (or 03/2024) or a day as 2024-03-15 (or 15/03/2024)."


@pytest.mark.parametrize(
    "typed", ["mars 2024", "2024", "2024-13", "2024-02-30", "0000-01", "10000-01-01", "9" * 99]
)
def test_field_refuses_what_is_neither_with_a_translated_message(typed):
    field = DateOrMonthField(end=True)
    with translation.override("fr"):
        expected = gettext(INVALID)
        with pytest.raises(ValidationError) as refused:
            field.clean(typed)
        assert refused.value.messages == [expected]


def test_field_shows_a_stored_month_as_a_month_and_sees_no_change_in_it():
    field = DateOrMonthField(end=True)
    stored = (D(2024, 3, 31), MONTH)
    assert field.prepare_value(stored) == "2024-03"
    assert field.prepare_value((D(2024, 3, 15), DAY)) == "2024-03-15"
    assert not field.has_changed(stored, "2024-03")
    assert not field.has_changed(stored, "03/2024")
    assert field.has_changed(stored, "2024-03-31")  # the same day, but now a day
    assert field.has_changed(stored, "garbage")
    assert not field.has_changed(None, "")
