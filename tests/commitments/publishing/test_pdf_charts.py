"""The printed plan carries the plan page's charts (issue 22): its commitments by completion
level and its milestones over the period, as inline SVG in the introduction, their words (title,
summary, legend) in the document's text in either language, their counts drawn as digits, the
overdue ones counted on the publication date. Real WeasyPrint documents, read back with
pdftotext and pypdf."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from commitments.models import CompletionLevel, Milestone
from commitments.publishing.pdf import plan_for_pdf, render_plan_html
from consultations.models import ActionPlan
from tests.commitments.publishing.test_pdf import (
    PDFTOTEXT,
    PUBLISHED_ON,
    _render_to,
    pdftotext,
    squash,
)
from tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not PDFTOTEXT, reason="poppler-utils is not installed"),
]


def _plan():
    plan = ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION, start_year=2024, end_year=2026)
    done = CommitmentFactory(plan=plan)
    for day in (datetime.date(2024, 2, 1), datetime.date(2024, 5, 1)):
        MilestoneFactory(
            commitment=done,
            status=Milestone.Status.COMPLETED,
            completed_on=day,
            due_date=day,
            start_date=None,
        )
    late = CommitmentFactory(plan=plan)
    # Overdue on the publication date, whatever the day the document is made.
    MilestoneFactory(
        commitment=late,
        status=Milestone.Status.IN_PROGRESS,
        due_date=PUBLISHED_ON - datetime.timedelta(days=2),
    )
    MilestoneFactory(commitment=late, due_date=datetime.date(2026, 6, 30))
    return plan


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_plan_pdf_prints_the_completion_and_milestones_charts(tmp_path, language):
    plan = _plan()
    path = _render_to(tmp_path, plan, language)
    text = squash("".join(pdftotext(path)))
    with translation.override(language):
        words = [
            gettext("Commitments by completion level"),
            gettext("Milestones over the plan's period"),
            str(CompletionLevel.COMPLETE.label),
            str(CompletionLevel.LIMITED.label),
            gettext("Done"),
            gettext("On track"),
            gettext("Overdue"),
        ]
    for word in words:
        assert squash(word) in text, word
    # The legend's counts: two done, one overdue and one on track on the publication date
    # (pdftotext may put the colon after the number in Arabic).
    with translation.override(language):
        for label, count in (("Done", 2), ("Overdue", 1), ("On track", 1)):
            assert re.search(rf"{re.escape(squash(gettext(label)))}:?{count}", text), label


def test_plan_pdf_draws_the_charts_as_svg_with_only_digits_inside():
    plan = _plan()
    with translation.override("ar"):
        html = render_plan_html(
            plan, version=1, published_on=PUBLISHED_ON, public_url="https://x.ma/"
        )
        completion, milestones = plan_for_pdf(plan, on=PUBLISHED_ON)["charts"]
    assert html.count('<svg class="chart-svg"') == 2
    # Its digits in the document's shipped font, never the machine's sans-serif.
    assert html.count('width="100%" font-family="Amiri"') == 2
    assert "<details" not in html  # no disclosure widget on paper
    for chart in (completion, milestones):
        assert chart.rtl
        assert all(text.isdigit() for text in re.findall(r"<text [^>]*>([^<]*)</text>", chart.svg))
    assert {entry.series.key: entry.value for entry in milestones.legend} == {
        "done": 2,
        "on-track": 1,
        "overdue": 1,
    }


def test_plan_pdf_charts_add_no_query(monkeypatch):
    plan = _plan()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            plan_for_pdf(plan, on=PUBLISHED_ON)
        return len(captured)

    with_charts = queries()
    monkeypatch.setattr("commitments.publishing.pdf.plan_charts", lambda *args, **kwargs: [])
    assert queries() == with_charts
