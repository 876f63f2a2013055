"""The plans' denormalised proposal counters stay equal to a live count through every write
path: creating, answering, moving and deleting proposals, and the spreadsheet-free bulk path
(refresh_plan_counters / manage.py refresh_counters)."""

import io

import pytest
from django.core.management import call_command

from consultations.counters import refresh_plan_counters
from consultations.models import ActionPlan, Proposal
from consultations.selectors import network_proposal_counts, proposal_counts
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
