"""The plans' denormalised proposal counters stay equal to a live count through every write
path: creating, answering, moving and deleting proposals, and the spreadsheet-free bulk path
(refresh_plan_counters / manage.py refresh_counters); the proposals list's total read from them."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from consultations.counters import refresh_plan_counters
from consultations.models import ActionPlan, Council, Proposal
from consultations.selectors import (
    ProposalFilters,
    council_labels,
    network_proposal_counts,
    proposal_counts,
    proposals_public_count,
)
from tests import factories

pytestmark = pytest.mark.django_db

Status = Proposal.Status


def _live(plan):
    counts = proposal_counts(Proposal.objects.filter(plan=plan))
    return counts["total"], counts["answered"]


def _stored(plan):
    plan.refresh_from_db()
    return plan.proposal_count, plan.answered_proposal_count


@pytest.fixture
def plans():
    first = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    second = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    return first, second


def _proposal(plan, **fields):
    return factories.ProposalFactory(
        working_group__workshop__plan=plan, working_group__workshop__council=plan.council, **fields
    )


def test_counters_follow_every_change(plans):
    plan, _other = plans
    received = _proposal(plan)
    retained = _proposal(plan, status=Status.RETAINED)
    assert _stored(plan) == _live(plan) == (2, 1)

    received.status = Status.NOT_RETAINED
    received.save()
    assert _stored(plan) == (2, 1)  # not retained without a reason is not an answer
    received.response_fr = "Hors des compétences de la commune."
    received.save()
    assert _stored(plan) == _live(plan) == (2, 2)

    received.response_fr = "   "
    received.save()
    assert _stored(plan) == _live(plan) == (2, 1)  # whitespace is no reason

    retained.delete()
    assert _stored(plan) == _live(plan) == (1, 0)


def test_moving_a_proposal_recounts_both_plans(plans):
    plan, other = plans
    proposal = _proposal(plan, status=Status.MERGED)
    other_group = factories.WorkingGroupFactory(
        workshop__plan=other, workshop__council=other.council
    )
    proposal.working_group = other_group
    proposal.save()  # sync_links moves council, workshop and plan with the group
    assert proposal.plan_id == other.pk
    assert _stored(plan) == _live(plan) == (0, 0)
    assert _stored(other) == _live(other) == (1, 1)


def test_network_totals_equal_a_live_count(plans):
    plan, other = plans
    for status in (Status.RECEIVED, Status.RETAINED, Status.MERGED):
        _proposal(plan, status=status)
    _proposal(other, status=Status.RETAINED)
    hidden = factories.ActionPlanFactory(stage=ActionPlan.Stage.PREPARATION)
    _proposal(hidden, status=Status.RETAINED)
    live = proposal_counts(Proposal.objects.public())
    assert network_proposal_counts() == {"total": live["total"], "answered": live["answered"]}
    assert network_proposal_counts() == {"total": 4, "answered": 3}


def test_bulk_refresh_repairs_counters(plans):
    plan, _other = plans
    _proposal(plan, status=Status.RETAINED)
    ActionPlan.objects.filter(pk=plan.pk).update(proposal_count=99, answered_proposal_count=42)
    assert refresh_plan_counters([plan.pk]) == 1
    assert _stored(plan) == (1, 1)
    ActionPlan.objects.update(proposal_count=7)
    call_command("refresh_counters", stdout=io.StringIO())
    assert _stored(plan) == (1, 1)


def test_the_proposals_list_total_comes_from_the_counters_and_equals_a_count(client, plans):
    plan, other = plans
    for status in (Status.RECEIVED, Status.RETAINED):
        _proposal(plan, status=status)
    _proposal(other)
    _proposal(factories.ActionPlanFactory(stage=ActionPlan.Stage.PREPARATION))  # not public
    meeting = factories.WorkshopFactory(plan=None)  # a network meeting's proposal: no plan
    factories.ProposalFactory(working_group__workshop=meeting, plan=None)
    live = Proposal.objects.public()
    assert live.filter(plan__isnull=True).count() == 1

    assert proposals_public_count(ProposalFilters()) == live.count() == 4
    assert proposals_public_count(ProposalFilters(plan=plan)) == 2
    assert proposals_public_count(ProposalFilters(plan=plan, council=other.council)) == 0
    assert proposals_public_count(ProposalFilters(council=plan.council)) is None  # counted
    assert proposals_public_count(ProposalFilters(text="eau")) is None
    assert proposals_public_count(ProposalFilters(status=Status.RETAINED)) is None
    page = client.get(reverse("consultations:proposals"))
    assert page.context["page"].paginator.count == 4
    page = client.get(reverse("consultations:proposals") + f"?plan={plan.pk}")
    assert page.context["page"].paginator.count == 2
    assert len(page.context["proposals"]) == 2


def test_the_council_menu_names_each_council_as_its_str_in_both_languages():
    factories.CouncilFactory(slug="a-both", name_ar="أكادير", name_fr="Agadir")
    factories.CouncilFactory(slug="b-french-only", name_ar="", name_fr="Berkane")
    factories.CouncilFactory(slug="c-arabic-only", name_ar="الصويرة", name_fr="")
    councils = Council.objects.filter(slug__in=["a-both", "b-french-only", "c-arabic-only"])
    for language in ("ar", "fr"):
        with translation.override(language):
            expected = [(c.pk, str(c)) for c in councils.order_by("slug")]
            assert council_labels(councils.order_by("slug")) == expected
    with translation.override("ar"):
        assert [label for _pk, label in council_labels(councils.order_by("slug"))] == [
            "أكادير",
            "Berkane",
            "الصويرة",
        ]
