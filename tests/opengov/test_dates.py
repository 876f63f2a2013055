"""Month-precision dates: parsing, normalisation in the models, display."""

import datetime

import pytest
from django.utils import translation

from commitments.models import Milestone
from opengov.dates import DatePrecision, format_date, iso, parse_date_or_month
from tests.factories import CommitmentFactory, MilestoneFactory


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2023-01", False, (datetime.date(2023, 1, 1), "month")),
        ("2024-02", True, (datetime.date(2024, 2, 29), "month")),
        ("03/2024", True, (datetime.date(2024, 3, 31), "month")),
        ("٢٠٢٤-٠٣", True, (datetime.date(2024, 3, 31), "month")),
        ("2024-03-15", True, (datetime.date(2024, 3, 15), "day")),
        ("15/03/2024", False, (datetime.date(2024, 3, 15), "day")),
    ],
)
def test_parse_date_or_month(text, end, expected):
    assert parse_date_or_month(text, end=end) == expected


@pytest.mark.parametrize("text", ["", "2024", "2024-13", "2024-02-30", "March 2024", "13/2024"])
def test_parse_refuses_what_is_neither(text):
    with pytest.raises(ValueError):
        parse_date_or_month(text, end=True)


@pytest.mark.django_db
def test_month_dates_are_stored_as_first_and_last_day():
    commitment = CommitmentFactory(
        start_date=datetime.date(2023, 1, 17),
        start_date_precision=DatePrecision.MONTH,
        end_date=datetime.date(2024, 3, 2),
        end_date_precision=DatePrecision.MONTH,
    )
    commitment.refresh_from_db()
    assert commitment.start_date == datetime.date(2023, 1, 1)
    assert commitment.end_date == datetime.date(2024, 3, 31)
    milestone = MilestoneFactory(
        commitment=commitment,
        start_date=datetime.date(2023, 2, 10),
        start_date_precision=DatePrecision.MONTH,
        due_date=datetime.date(2023, 6, 1),
        due_date_precision=DatePrecision.MONTH,
    )
    milestone.refresh_from_db()
    assert (milestone.start_date, milestone.due_date) == (
        datetime.date(2023, 2, 1),
        datetime.date(2023, 6, 30),
    )


@pytest.mark.django_db
def test_a_due_month_is_overdue_only_after_its_last_day():
    milestone = MilestoneFactory(
        start_date=None, due_date=datetime.date(2024, 3, 1), due_date_precision=DatePrecision.MONTH
    )
    assert milestone.state(on=datetime.date(2024, 3, 31)) == "on-track"
    assert milestone.state(on=datetime.date(2024, 4, 1)) == "overdue"
    overdue = Milestone.objects.filter(pk=milestone.pk).counts(on=datetime.date(2024, 4, 1))
    on_time = Milestone.objects.filter(pk=milestone.pk).counts(on=datetime.date(2024, 3, 31))
    assert (overdue.overdue, on_time.overdue) == (1, 0)


def test_format_by_precision():
    day = datetime.date(2024, 3, 31)
    with translation.override("fr"):
        assert format_date(day, DatePrecision.MONTH).lower() == "mars 2024"
        assert format_date(day, DatePrecision.DAY) == "31 mars 2024"
    assert iso(day, DatePrecision.MONTH) == "2024-03"
    assert iso(day, DatePrecision.DAY) == "2024-03-31"
    assert format_date(None) == iso(None) == ""
