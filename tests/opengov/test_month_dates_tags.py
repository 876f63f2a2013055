"""Dates that may be months, shown by the template filters (opengov/templatetags/month_dates.py)
in Arabic and in French."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext

from opengov.dates import DatePrecision
from tests.factories import CommitmentFactory, MilestoneFactory

D = datetime.date
MONTH = DatePrecision.MONTH


def render(template: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load month_dates %}" + template).render(Context(context))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "month", "day"),
    [("fr", "mars 2024", "15 mars 2024"), ("ar", "مارس 2024", "15 مارس 2024")],
)
def test_filters_show_each_date_in_its_precision(language, month, day):
    in_months = MilestoneFactory(
        start_date=D(2024, 1, 9),
        start_date_precision=MONTH,
        due_date=D(2024, 3, 2),
        due_date_precision=MONTH,
    )
    in_days = MilestoneFactory(start_date=None, due_date=D(2024, 3, 15))
    html = render('{{ m|date_of:"due_date" }}|{{ m|time_of:"start_date" }}', language, m=in_months)
    january = "janvier 2024" if language == "fr" else "يناير 2024"
    assert html == f'{month}|<time datetime="2024-01">{january}</time>'
    html = render('{{ m|date_of:"due_date" }}|{{ m|iso_of:"due_date" }}', language, m=in_days)
    assert html == f"{day}|2024-03-15"
    assert render('{{ m|iso_of:"due_date" }}', language, m=in_months) == "2024-03"
    assert render('[{{ m|time_of:"start_date" }}]', language, m=in_days) == "[]"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_due_of_says_due_in_a_month_or_on_a_day_as_one_translated_phrase(language):
    in_month = MilestoneFactory(due_date=D(2024, 3, 2), due_date_precision=MONTH)
    on_day = MilestoneFactory(due_date=D(2024, 3, 15))
    with translation.override(language):
        month = in_month.date_display("due_date")
        due_in = gettext("due in %(month)s")
        due_on = gettext("due %(date)s")
        expected_on = due_on % {"date": '<time datetime="2024-03-15">15 '}
    assert render("{{ m|due_of }}", language, m=in_month) == due_in % {
        "month": f'<time datetime="2024-03">{month}</time>'
    }
    assert render("{{ m|due_of }}", language, m=on_day).startswith(expected_on)
    # Plain text where nothing is escaped (e-mails).
    text = render("{% autoescape off %}{{ m|due_of }}{% endautoescape %}", language, m=in_month)
    assert text == due_in % {"month": month}


@pytest.mark.django_db
def test_filters_escape_nothing_they_did_not_write():
    commitment = CommitmentFactory(start_date=None, end_date=None)
    template = '[{{ c|date_of:"start_date" }}{{ c|time_of:"end_date" }}]'
    assert render(template, "fr", c=commitment) == "[]"
    assert render("[{{ m|due_of }}]", "fr", m=None) == "[]"
