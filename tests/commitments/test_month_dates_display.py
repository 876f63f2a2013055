"""Dates given as months are shown as months wherever they show: the public commitment page,
the progress report and its Markdown export, and the plan PDF (read back with pdftotext), in
Arabic and in French."""

import datetime
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from commitments.publishing.pdf import render_plan_pdf
from consultations.models import ActionPlan
from opengov.dates import DatePrecision
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
MONTH = DatePrecision.MONTH
PDFTOTEXT = shutil.which("pdftotext")
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# As the first plan of Tétouan gives them on OGP's site: "2023-01 → 2024-03".
MONTHS = {
    "fr": ("janvier 2023", "mars 2024", "juin 2023"),
    "ar": ("يناير 2023", "مارس 2024", "يونيو 2023"),
}


@pytest.fixture
def tetouan():
    plan = factories.ActionPlanFactory(
        start_year=2022, end_year=2026, stage=ActionPlan.Stage.IMPLEMENTATION
    )
    commitment = factories.CommitmentFactory(
        plan=plan,
        reference="MATET0003",
        start_date=D(2023, 1, 1),
        start_date_precision=MONTH,
        end_date=D(2024, 3, 1),
        end_date_precision=MONTH,
    )
    in_month = factories.MilestoneFactory(
        commitment=commitment,
        title_fr="Refonte du portail",
        start_date=D(2023, 1, 1),
        start_date_precision=MONTH,
        due_date=D(2023, 6, 1),
        due_date_precision=MONTH,
    )
    on_day = factories.MilestoneFactory(
        commitment=commitment,
        title_fr="Bureau du citoyen",
        start_date=None,
        due_date=D(2024, 2, 15),
    )
    return plan, commitment, in_month, on_day


def page(client, url: str, language: str) -> str:
    response = client.get(url.replace("/ar/", f"/{language}/", 1))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_commitment_page_shows_months_as_months(client, tetouan, language):
    _plan, commitment, _in_month, _on_day = tetouan
    html = page(client, commitment.get_absolute_url(), language)
    start, end, june = MONTHS[language]
    assert (
        f'<time datetime="2023-01">{start}</time> \u2013 <time datetime="2024-03">{end}</time>'
        in html
    )
    with translation.override(language):
        due_in = gettext("due in %(month)s") % {"month": f'<time datetime="2023-06">{june}</time>'}
        due_on = gettext("due %(date)s") % {"date": '<time datetime="2024-02-15">15 '}
    assert due_in in html
    assert due_on in html
    # No invented day: the stored last day of a month is never shown.
    assert "31 " + end not in html and "30 " + june not in html


def test_a_due_month_shows_on_track_until_its_last_day_then_overdue(client, tetouan, monkeypatch):
    _plan, commitment, _in_month, _on_day = tetouan
    for today, state in ((D(2023, 6, 30), "on-track"), (D(2023, 7, 1), "overdue")):
        monkeypatch.setattr(timezone, "localdate", lambda *a, today=today, **k: today)
        html = page(client, commitment.get_absolute_url(), "fr")
        block = html[html.index("Refonte du portail") - 200 : html.index("Refonte du portail")]
        assert f"milestone milestone-{state}" in block


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_progress_report_and_its_export_give_an_overdue_month_as_a_month(
    client, tetouan, language, monkeypatch
):
    plan, _commitment, _in_month, _on_day = tetouan
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2023, 7, 1))
    url = reverse("commitments:progress_report", args=[plan.council.slug, plan.start_year])
    html = page(client, url, language)
    _start, _end, june = MONTHS[language]
    with translation.override(language):
        due_in = gettext("due in %(month)s") % {"month": f'<time datetime="2023-06">{june}</time>'}
    assert due_in in html
    factories.PlanSelfAssessmentFactory(plan=plan, kind="mid_term")
    url = reverse(
        "commitments:self_assessment", args=[plan.council.slug, plan.start_year, "mid_term"]
    )
    text = page(client, url, language)
    assert "MATET0003 · " in text and " · 2023-06\n" in text


def pdf_text(plan, language: str, tmp_path) -> str:
    path = tmp_path / f"plan-{language}.pdf"
    path.write_bytes(
        render_plan_pdf(
            plan,
            language,
            version=1,
            published_on=D(2025, 3, 4),
            public_url=f"https://infitah.example.ma/{language}/",
        )
    )
    result = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    )
    return re.sub(r"\s+", " ", BIDI_MARKS.sub("", result.stdout))


@pytest.mark.skipif(not PDFTOTEXT, reason="poppler-utils is not installed")
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_plan_pdf_gives_the_months_as_months(tetouan, language, tmp_path):
    plan, _commitment, _in_month, _on_day = tetouan
    text = pdf_text(plan, language, tmp_path)
    start, end, june = MONTHS[language]
    squashed = text.replace(" ", "")
    for month in (start, end, june):
        assert month.replace(" ", "") in squashed, month
    for invented in ("1 " + start, "31 " + end, "30 " + june):
        assert invented.replace(" ", "") not in squashed, invented
    assert ("15 فبراير 2024" if language == "ar" else "15 février 2024").replace(
        " ", ""
    ) in squashed
