"""Fixtures of the follow tests: the world followers live in."""

import pytest

from commitments.models import Milestone
from consultations.models import ActionPlan
from tests import factories


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


class World:
    """A council with a running plan, a commitment and a milestone; another council's plan."""

    def __init__(self):
        self.plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
        self.council = self.plan.council
        self.commitment = factories.CommitmentFactory(plan=self.plan)
        # Under way: a new entry "in progress" leaves the completion level as it is.
        self.milestone = factories.MilestoneFactory(
            commitment=self.commitment, status=Milestone.Status.IN_PROGRESS
        )
        self.indicator = factories.IndicatorFactory(commitment=self.commitment)
        self.other_plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
        self.other_commitment = factories.CommitmentFactory(plan=self.other_plan)


@pytest.fixture
def world(db):
    return World()


def follow(subscriber=None, **target):
    """An active, immediate follow of one target (council=, plan=, commitment=, comment= …)."""
    fields = {"plan": None, **target}
    if subscriber is not None:
        fields["subscriber"] = subscriber
    return factories.FollowFactory(**fields)
