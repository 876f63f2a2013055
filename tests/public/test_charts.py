"""The charts on the public pages (issue 22): the plan's commitments by completion level and
its milestones over time, a workshop's attendance by category and sex, the network's councils
by stage; each an image with an accessible name in the page's language, its figures in a data
table, and a bounded number of queries (none on the plan and workshop pages, one on the home
page) whatever the amount of data."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext

from commitments import charts as plan_charts
from commitments.models import CompletionLevel, Milestone
from consultations.charts import network_stages_chart, workshop_attendance_chart
from consultations.models import ActionPlan
from consultations.selectors import network_councils_by_stage
from opengov.charts.model import labelled
from tests import factories

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage
LANGUAGES = [("ar", True), ("fr", False)]


def _in(url: str, language: str) -> str:
    return re.sub(r"^/(ar|fr)/", f"/{language}/", url)


def _plan(stage=Stage.IMPLEMENTATION, **extra):
    return factories.ActionPlanFactory(stage=stage, **extra)


def _milestone(commitment, state: str, due: datetime.date):
    status = {
        "done": Milestone.Status.COMPLETED,
        "cancelled": Milestone.Status.CANCELLED,
    }.get(state, Milestone.Status.IN_PROGRESS)
    return factories.MilestoneFactory(
        commitment=commitment,
        status=status,
        due_date=due,
        start_date=None,
        completed_on=datetime.date(2024, 1, 10) if state == "done" else None,
    )


def _figure(html: str, chart_id: str) -> str:
    match = re.search(rf'<figure class="chart" id="{chart_id}">.*?</figure>', html, re.S)
    assert match, f"no chart {chart_id}"
    return match.group(0)


def _check_accessible(figure: str, chart_id: str, title: str) -> None:
    title = escape(title)
    assert f'role="img" aria-labelledby="{chart_id}-title"' in figure
    assert f'<title id="{chart_id}-title">{title}</title>' in figure
    assert f'<desc id="{chart_id}-desc">' in figure
    assert 'viewBox="0 0 360 ' in figure and 'width="100%"' in figure
    assert '<details class="chart-data">' in figure and "<table>" in figure
    assert f"<caption>{title}</caption>" in figure


# --- the plan page ----------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "rtl"), LANGUAGES)
def test_plan_page_charts_completion_and_milestones_in_its_language(client, language, rtl):
    plan = _plan()
    today = timezone.localdate()
    complete = factories.CommitmentFactory(plan=plan)
    _milestone(complete, "done", datetime.date(2024, 2, 1))
    late = factories.CommitmentFactory(plan=plan)
    _milestone(late, "overdue", today - datetime.timedelta(days=1))
    _milestone(late, "cancelled", today - datetime.timedelta(days=1))
    factories.CommitmentFactory(plan=plan)  # no milestone: no evidence
    html = client.get(_in(plan.get_absolute_url(), language)).content.decode()
    with translation.override(language):
        completion = gettext("Commitments by completion level")
        milestones = gettext("Milestones over the plan's period")
        complete_label = str(CompletionLevel.COMPLETE.label)
        overdue_label = gettext("Overdue")
        legend_complete = labelled(complete_label, 1, isolate=True)
        legend_overdue = labelled(overdue_label, 1, isolate=True)
    figure = _figure(html, "plan-completion")
    _check_accessible(figure, "plan-completion", completion)
    assert legend_complete in figure  # the legend
    assert f'<th scope="row">{complete_label}</th><td class="num"><bdi>1</bdi></td>' in figure
    figure = _figure(html, "plan-milestones")
    _check_accessible(figure, "plan-milestones", milestones)
    # The one rule (Milestone.state): one done, one overdue, the cancelled one not counted.
    assert legend_overdue in figure
    assert figure.count('class="chart-segment"') == 2
    first_segment = re.search(r'<rect x="([\d.]+)"[^>]*class="chart-segment"', figure)
    # The first quarter of the period is at the reading start: the right in Arabic.
    assert (float(first_segment.group(1)) > 180) is rtl


def test_plan_page_without_milestones_says_so_instead_of_an_empty_chart(client):
    plan = _plan()
    factories.CommitmentFactory(plan=plan)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert 'id="plan-completion"' in html
    assert (
        f'<p class="chart-empty" id="plan-milestones">{gettext("No milestone is planned yet.")}'
        in html
    )


def test_plan_page_without_commitments_draws_no_chart(client):
    plan = _plan()
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "chart-svg" not in html and "chart-empty" not in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_plan_charts_run_no_query_of_their_own(client, monkeypatch):
    plan = _plan()
    for _ in range(5):
        commitment = factories.CommitmentFactory(plan=plan)
        _milestone(commitment, "done", datetime.date(2024, 5, 1))
        _milestone(commitment, "on-track", datetime.date(2099, 1, 1))
    url = plan.get_absolute_url()
    client.get(url)
    with_charts = _queries(client, url)
    monkeypatch.setattr("commitments.views.plan_charts", lambda *args, **kwargs: [])
    assert _queries(client, url) == with_charts


def test_plan_milestones_chart_counts_by_quarter_with_the_one_overdue_rule():
    plan = _plan(start_year=2024, end_year=2025)
    commitment = factories.CommitmentFactory(plan=plan)
    on = datetime.date(2025, 2, 15)
    _milestone(commitment, "done", datetime.date(2024, 2, 1))
    _milestone(commitment, "open", datetime.date(2025, 2, 14))  # overdue on the 15th
    _milestone(commitment, "open", datetime.date(2025, 2, 15))  # due that day: on track
    _milestone(commitment, "cancelled", datetime.date(2025, 2, 1))
    with translation.override("fr"):
        chart = plan_charts.plan_milestones_chart(
            plan, list(plan.commitments.prefetch_related("milestones")), rtl=False, on=on
        )
        rows = dict(chart.table.sections[0][1])
        assert len(rows) == 8  # the period's eight quarters, empty ones included
        assert rows[gettext("Q%(quarter)d %(year)d") % {"quarter": 1, "year": 2024}] == (
            "1",
            "0",
            "0",
            "1",
        )
        assert rows[gettext("Q%(quarter)d %(year)d") % {"quarter": 1, "year": 2025}] == (
            "0",
            "1",
            "1",
            "2",
        )
    assert {entry.series.key: entry.value for entry in chart.legend} == {
        "done": 1,
        "on-track": 1,
        "overdue": 1,
    }


def test_a_long_period_is_charted_by_year():
    plan = _plan(start_year=2021, end_year=2026)
    commitment = factories.CommitmentFactory(plan=plan)
    _milestone(commitment, "done", datetime.date(2021, 2, 1))
    chart = plan_charts.plan_milestones_chart(
        plan, list(plan.commitments.prefetch_related("milestones")), rtl=False
    )
    assert [label for label, _cells in chart.table.sections[0][1]] == [
        str(year) for year in range(2021, 2027)
    ]


def test_completion_levels_are_told_apart_by_pattern_not_only_colour():
    for series in (
        plan_charts.completion_series(),
        plan_charts.milestone_series(),
    ):
        assert len({one.pattern for one in series}) == len(series)


# --- the workshop page ------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "rtl"), LANGUAGES)
def test_workshop_page_charts_attendance_by_category_and_sex(client, language, rtl):
    workshop = factories.WorkshopFactory(
        plan=_plan(), participants_women=10, participants_men=16, participants_academics=4
    )
    workshop.council = workshop.plan.council
    workshop.save()
    html = client.get(_in(workshop.get_absolute_url(), language)).content.decode()
    with translation.override(language):
        title = gettext("Participants by category and by sex")
        unrecorded = gettext("Sex not recorded")
        women = str(workshop._meta.get_field("participants_women").verbose_name)
    figure = _figure(html, "workshop-attendance")
    _check_accessible(figure, "workshop-attendance", title)
    # 34 participants by category, 26 by sex: 8 whose sex is not recorded.
    assert f'<th scope="row">{unrecorded}</th><td class="num"><bdi>8</bdi></td>' in figure
    assert f">{capfirst(women)}</text>" in figure
    direction = "rtl" if rtl else "ltr"
    assert f'direction="{direction}" text-anchor="start"' in figure
    assert 'x="360"' in figure if rtl else 'x="0" y=' in figure


def test_workshop_without_attendance_says_so(client):
    workshop = factories.WorkshopFactory(
        plan=_plan(),
        participants_civil_society=0,
        participants_deconcentrated_services=0,
        participants_women=0,
        participants_men=0,
    )
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert "chart-svg" not in html
    assert gettext("The number of participants was not recorded.") in html


def test_attendance_chart_without_sex_figures_draws_categories_only():
    workshop = factories.WorkshopFactory(participants_women=0, participants_men=0)
    chart = workshop_attendance_chart(workshop, rtl=False)
    assert [heading for heading, _rows in chart.table.sections] == [gettext("By category")]


# --- the home page ----------------------------------------------------------------------------


def test_councils_are_counted_by_the_stage_of_their_latest_public_plan():
    old = _plan(stage=Stage.CLOSED, start_year=2021, end_year=2023)
    _plan(stage=Stage.IMPLEMENTATION, council=old.council, start_year=2024, end_year=2026)
    closed_then_private = _plan(stage=Stage.CLOSED, start_year=2021, end_year=2023)
    # A plan still in private preparation is not told: its council shows its closed plan.
    _plan(stage=Stage.PREPARATION, council=closed_then_private.council, start_year=2025)
    _plan(stage=Stage.CONSULTATION)
    factories.CouncilFactory()  # in the network, no plan
    factories.CouncilFactory(in_network_since=None)  # not in the network
    _plan(stage=Stage.PREPARATION)  # only a private plan
    with CaptureQueriesContext(connection) as queries:
        counts = network_councils_by_stage()
    assert len(queries) == 1
    assert counts == {Stage.IMPLEMENTATION: 1, Stage.CLOSED: 1, Stage.CONSULTATION: 1, None: 2}


@pytest.mark.parametrize(("language", "rtl"), LANGUAGES)
def test_home_page_charts_the_network_by_stage(client, language, rtl):
    _plan(stage=Stage.IMPLEMENTATION)
    _plan(stage=Stage.IMPLEMENTATION)
    factories.CouncilFactory()
    html = client.get(f"/{language}/").content.decode()
    with translation.override(language):
        title = gettext("The network's councils by the stage of their latest plan")
        implementation = labelled(str(Stage.IMPLEMENTATION.label), 2, isolate=True)
    figure = _figure(html, "network-stages")
    _check_accessible(figure, "network-stages", title)
    assert implementation in figure
    segment = re.search(r'<rect x="([\d.]+)" y="2" width="([\d.]+)"', figure)
    start, width = float(segment.group(1)), float(segment.group(2))
    assert width == pytest.approx(358 * 2 / 3, abs=0.02)
    # Bars grow from the reading start: the right edge in Arabic, the left in French.
    assert (start + width == pytest.approx(359)) if rtl else start == 1


def test_home_chart_runs_one_query_whatever_the_size_of_the_network(client):
    with CaptureQueriesContext(connection) as queries:
        network_stages_chart(rtl=True)
    assert len(queries) == 1
    url = reverse("home")
    _plan()
    client.get(url)
    small = _queries(client, url)
    for number in range(30):
        _plan(stage=[Stage.IMPLEMENTATION, Stage.CLOSED, Stage.ADOPTED][number % 3])
        factories.CouncilFactory()
    client.get(url)
    assert _queries(client, url) == small
