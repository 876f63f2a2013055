"""Which plans, and which of their records, citizens may read: only through QuerySet methods
(ActionPlanQuerySet.public(), PlanRowsQuerySet.of_public_plans()) and ActionPlan.is_public,
never a copied condition."""

import pytest

from consultations.models import ActionPlan, Proposal, Workshop
from tests import factories

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage


@pytest.fixture
def plans():
    council = factories.CouncilFactory()
    return {
        stage: factories.ActionPlanFactory(
            council=council, stage=stage, start_year=2000 + 4 * index, end_year=2003 + 4 * index
        )
        for index, stage in enumerate(Stage.values)
    }


def test_every_stage_but_preparation_is_public(plans):
    public = set(ActionPlan.objects.public())
    assert public == {plan for stage, plan in plans.items() if stage != Stage.PREPARATION}
    assert [plan.is_public for plan in plans.values()] == [
        stage != Stage.PREPARATION for stage in plans
    ]


def test_workshops_and_proposals_of_a_plan_in_preparation_are_not_public(plans):
    council = plans[Stage.PREPARATION].council
    network = factories.WorkshopFactory(council=council, plan=None)
    workshops = {
        stage: factories.WorkshopFactory(council=council, plan=plan)
        for stage, plan in plans.items()
    }
    expected = {network} | {w for stage, w in workshops.items() if stage != Stage.PREPARATION}
    assert set(Workshop.objects.public()) == expected
    proposals = {
        w: factories.ProposalFactory(working_group=factories.WorkingGroupFactory(workshop=w))
        for w in [network, *workshops.values()]
    }
    assert set(Proposal.objects.public()) == {proposals[w] for w in expected}
    assert set(Proposal.objects.public()) == set(Proposal.objects.of_public_plans())
