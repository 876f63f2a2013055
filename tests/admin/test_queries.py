"""Admin lists do not run one query per row: the count is the same for 2 rows and for 6."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

LISTS = [
    "consultations_council",
    "consultations_actionplan",
    "consultations_workshop",
    "consultations_workinggroup",
    "consultations_proposal",
    "consultations_planstagechange",
    "commitments_commitment",
    "commitments_milestone",
    "commitments_indicator",
]


def _add_rows(count: int) -> None:
    from consultations.models import PlanStageChange

    for _ in range(count):
        commitment = factories.CommitmentFactory()
        proposal = factories.ProposalFactory(working_group__workshop__plan=commitment.plan)
        commitment.source_proposals.add(proposal)
        factories.MilestoneFactory(commitment=commitment)
        factories.IndicatorFactory(commitment=commitment)
        PlanStageChange.objects.create(
            plan=commitment.plan, from_stage="preparation", to_stage="consultation"
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", LISTS)
def test_changelist_queries_do_not_grow_with_rows(admin_client, name):
    url = reverse(f"admin:{name}_changelist")
    _add_rows(2)
    admin_client.get(url)  # warm caches (content types, sessions)
    few = _count(admin_client, url)
    _add_rows(4)
    many = _count(admin_client, url)
    assert many == few, f"{name}: {few} queries for 2 rows, {many} for 6"
    assert few <= 15, f"{name}: {few} queries"
