"""The public site: every page in both languages, what is (not) public, fallbacks and bidi,
filters and search, and a fixed number of queries whatever the amount of data."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from commitments.models import Milestone
from consultations.models import ActionPlan, Proposal
from tests import factories

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage


def in_language(url: str, language: str) -> str:
    return re.sub(r"^/(ar|fr)/", f"/{language}/", url)


def build_plan(commitments=2, groups=2, proposals_per_group=2, stage=Stage.IMPLEMENTATION):
    """A public plan with a workshop, groups, proposals (some feeding commitments), commitments
    with milestones and indicators."""
    plan = factories.ActionPlanFactory(
        stage=stage,
        council__slug=f"council-{factories.ActionPlanFactory._meta.model.objects.count()}",
    )
    workshop = factories.WorkshopFactory(council=plan.council, plan=plan)
    proposals = []
    for position in range(1, groups + 1):
        group = factories.WorkingGroupFactory(workshop=workshop, position=position)
        for _ in range(proposals_per_group):
            proposals.append(
                factories.ProposalFactory(working_group=group, status=Proposal.Status.MERGED)
            )
    for number in range(1, commitments + 1):
        commitment = factories.CommitmentFactory(
            plan=plan, reference=f"TST-2024-{number:02d}", theme=factories.ThemeFactory()
        )
        commitment.source_proposals.add(*proposals[-2:])
        factories.MilestoneFactory(commitment=commitment)
        factories.MilestoneFactory(
            commitment=commitment,
            status=Milestone.Status.COMPLETED,
            completed_on=datetime.date(2024, 6, 1),
        )
        factories.IndicatorFactory(commitment=commitment)
    # The forum grows with the plan: its council's page and the plan's page stay in bounds.
    forum = factories.ForumFactory(council=plan.council)
    for number in range(commitments):
        factories.ForumMemberFactory(forum=forum, public=number % 2 == 0)
    for _ in range(groups):
        factories.ForumMeetingFactory(forum=forum, plan=plan)
    factories.PlanEndorsementFactory(plan=plan, forum=forum)
    return plan, workshop


def page_urls(plan, workshop):
    commitment = plan.commitments.order_by("reference").first()
    return {
        "home": reverse("home"),
        "council": plan.council.get_absolute_url(),
        "plan": plan.get_absolute_url(),
        "commitment": commitment.get_absolute_url(),
        "workshop": workshop.get_absolute_url(),
        "proposals": reverse("consultations:proposals"),
        "search": reverse("consultations:proposals") + "?q=Proposition&status=merged",
    }


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_every_page_in_both_languages(client, language, direction):
    plan, workshop = build_plan()
    for name, url in page_urls(plan, workshop).items():
        response = client.get(in_language(url, language))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in html, name
        assert 'hreflang="ar"' in html and 'hreflang="fr"' in html and "x-default" in html, name
        assert 'href="#main"' in html, f"{name}: skip link"
        assert html.count("<h1") == 1, f"{name}: one h1"


def test_plan_page_tells_the_story(client):
    plan, workshop = build_plan()
    html = client.get(in_language(plan.get_absolute_url(), "fr")).content.decode()
    assert "Plan d&#x27;action" in html
    assert workshop.title_fr in html
    assert '<bdi class="reference">TST-2024-01</bdi>' in html
    assert '<progress max="2" value="1"' in html
    assert reverse("consultations:proposals").replace("/ar/", "/fr/") in html


def test_preparation_plans_and_their_workshops_are_not_public(client):
    plan, workshop = build_plan(stage=Stage.PREPARATION)
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(workshop.get_absolute_url()).status_code == 404
    commitment = plan.commitments.first()
    assert client.get(commitment.get_absolute_url()).status_code == 404
    html = client.get(reverse("consultations:proposals")).content.decode()
    assert Proposal.objects.filter(plan=plan).first().title_ar not in html
    council_page = client.get(plan.council.get_absolute_url()).content.decode()
    assert plan.title_ar not in council_page


def test_unknown_commitment_and_workshop_are_404_in_the_readers_language(client):
    plan, _workshop = build_plan()
    url = plan.get_absolute_url() + "commitments/NOPE-1/"
    response = client.get(in_language(url, "fr"))
    assert response.status_code == 404
    assert 'lang="fr"' in response.content.decode()
    assert client.get("/ar/workshops/999999/").status_code == 404


def test_missing_translation_falls_back_wrapped_in_its_language(client):
    plan, _workshop = build_plan()
    commitment = plan.commitments.first()
    commitment.title_ar = ""
    commitment.title_fr = "Budget ouvert"
    commitment.save()
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert '<span lang="fr" dir="ltr">Budget ouvert</span>' in html
    html = client.get(in_language(commitment.get_absolute_url(), "fr")).content.decode()
    assert "Budget ouvert" in html and 'lang="fr" dir="ltr">Budget ouvert' not in html


def test_references_are_isolated_inside_arabic_text(client):
    plan, _workshop = build_plan()
    commitment = plan.commitments.first()
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert f"<bdi>{commitment.reference}</bdi>" in html


def test_user_text_is_escaped(client):
    plan, workshop = build_plan()
    proposal = Proposal.objects.filter(plan=plan).first()
    proposal.title_ar = '<script>alert("x")</script>'
    proposal.save()
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_consultation_banner_only_while_open(client):
    today = timezone.localdate()
    plan, _workshop = build_plan(stage=Stage.CONSULTATION)
    ActionPlan.objects.filter(pk=plan.pk).update(
        consultation_opens_on=today - datetime.timedelta(days=1),
        consultation_closes_on=today + datetime.timedelta(days=10),
    )
    with translation.override("fr"):
        banner = gettext("This draft plan is open for consultation.")
    assert banner != "This draft plan is open for consultation.", "translated"
    url = in_language(plan.get_absolute_url(), "fr")
    assert banner in client.get(url).content.decode()
    plan.refresh_from_db()
    plan.consultation_closes_on = today - datetime.timedelta(days=1)
    plan.save(update_fields=["consultation_closes_on"])  # as the admin does: signals run
    assert banner not in client.get(url).content.decode()


def test_overdue_milestone_is_shown_as_overdue(client):
    plan, _workshop = build_plan()
    commitment = plan.commitments.first()
    late = commitment.milestones.get(status=Milestone.Status.NOT_STARTED)
    late.due_date = timezone.localdate() - datetime.timedelta(days=1)
    late.save()
    html = client.get(in_language(commitment.get_absolute_url(), "fr")).content.decode()
    assert "milestone-overdue" in html
    late.due_date = timezone.localdate()
    late.save()
    html = client.get(in_language(commitment.get_absolute_url(), "fr")).content.decode()
    assert "milestone-overdue" not in html and "milestone-on-track" in html


def test_commitment_lists_its_source_proposals_with_workshop_and_group(client):
    plan, workshop = build_plan()
    commitment = plan.commitments.first()
    html = client.get(commitment.get_absolute_url()).content.decode()
    for proposal in commitment.source_proposals.all():
        assert proposal.title_ar in html
        assert proposal.working_group.title_ar in html
    assert workshop.get_absolute_url() in html


def test_language_switch_keeps_the_page(client):
    _plan, workshop = build_plan()
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": workshop.get_absolute_url()}
    )
    assert response.status_code == 302
    assert response["Location"] == in_language(workshop.get_absolute_url(), "fr")


def test_proposals_filters_and_search(client):
    plan, _workshop = build_plan()
    other_plan, _ = build_plan()
    special = Proposal.objects.filter(plan=other_plan).first()
    special.title_ar = "إحداث مجلس للشباب"
    special.title_fr = "Créer un conseil des jeunes"
    special.status = Proposal.Status.NOT_RETAINED
    special.response_fr = "Hors compétence"
    special.save()
    url = reverse("consultations:proposals")

    def titles(query):
        response = client.get(url + query)
        assert response.status_code == 200
        return {p.pk for p in response.context["proposals"]}

    assert titles("?q=مجلس") == {special.pk}
    assert titles("?q=jeunes") == {special.pk}
    assert titles("?q=compétence") == {special.pk}, "responses are searched too"
    assert titles(f"?plan={plan.pk}") == set(
        Proposal.objects.filter(plan=plan).values_list("pk", flat=True)
    )
    assert titles("?status=not_retained") == {special.pk}
    assert titles(f"?council={other_plan.council_id}&kind=proposal") == set(
        Proposal.objects.filter(plan=other_plan).values_list("pk", flat=True)
    )
    response = client.get(in_language(url, "fr") + "?status=nonsense&plan=abc")
    assert response.status_code == 200
    assert "ignorés" in response.content.decode() or response.context["form"].errors
    assert len(response.context["proposals"]) == Proposal.objects.count()


def test_proposals_are_paginated(client, settings):
    settings.PROPOSALS_PER_PAGE = 3
    build_plan(groups=2, proposals_per_group=4)
    url = reverse("consultations:proposals")
    first = client.get(url + "?status=merged")
    assert len(first.context["proposals"]) == 3
    assert 'rel="next"' in first.content.decode()
    last = client.get(url + "?status=merged&page=3")
    assert len(last.context["proposals"]) == 2
    assert client.get(url + "?page=999").status_code == 200


def test_home_totals(client):
    _plan, workshop = build_plan(commitments=3)
    build_plan(stage=Stage.PREPARATION)
    response = client.get(reverse("home"))
    context = response.context
    assert context["commitments"] == 3
    assert context["workshops"] == 1
    assert context["proposals"]["total"] == 4
    assert context["proposals"]["answered"] == 4
    assert context["milestones_completed"] == 3
    assert context["attendance"].total == workshop.participants_total
    assert context["attendance"].women_share == round(100 * 14 / 30)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name", ["home", "council", "plan", "commitment", "workshop", "proposals", "search"]
)
def test_query_count_does_not_grow_with_data(client, name, django_assert_max_num_queries):
    small_plan, small_workshop = build_plan(commitments=1, groups=1, proposals_per_group=1)
    small_url = page_urls(small_plan, small_workshop)[name]
    client.get(small_url)
    small = _queries(client, small_url)
    large_plan, large_workshop = build_plan(commitments=12, groups=5, proposals_per_group=6)
    large_url = page_urls(large_plan, large_workshop)[name]
    client.get(large_url)
    large = _queries(client, large_url)
    assert large == small, f"{name}: {small} queries on small data, {large} on large"
    with django_assert_max_num_queries(10):
        client.get(large_url)


def test_plan_page_weight_stays_small(client, settings):
    from django.contrib.staticfiles import finders

    plan, _workshop = build_plan(commitments=30, groups=5, proposals_per_group=4)
    html = client.get(plan.get_absolute_url()).content
    with open(finders.find("css/site.css"), "rb") as css:
        stylesheet = css.read()
    assert len(html) + len(stylesheet) < 100_000
    # Nothing from elsewhere: the only absolute links are the portal's own (alternates).
    html = html.replace(settings.SITE_URL.encode(), b"")
    assert b"http://" not in html
    assert b"https://" not in html
