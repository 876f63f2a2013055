"""The proposals search and list read through their indexes: the query the page runs is the
one the index was built for (checked with EXPLAIN, sequential scans disabled so the planner
shows whether it *can* use the index on a small test table)."""

import pytest
from django.db import connection

from consultations.models import ActionPlan
from consultations.selectors import ProposalFilters, proposals_public
from tests import factories

pytestmark = pytest.mark.django_db


def _plan_of(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plan


def test_search_uses_the_gin_index():
    factories.ProposalFactory(
        title_ar="الماء الصالح للشرب",
        title_fr="Eau potable",
        working_group__workshop__plan__stage=ActionPlan.Stage.IMPLEMENTATION,
    )
    queryset = proposals_public(ProposalFilters(text="potable"))
    assert [p.title_fr for p in queryset] == ["Eau potable"]
    assert "proposal_search_gin" in _plan_of(queryset)


def test_a_different_expression_would_not_use_it():
    """The check above can fail: a search over other columns cannot use the index."""
    from django.contrib.postgres.search import SearchQuery, SearchVector

    from consultations.models import Proposal

    queryset = Proposal.objects.annotate(
        search=SearchVector("title_ar", "title_fr", config="simple")
    ).filter(search=SearchQuery("potable", config="simple"))
    assert "proposal_search_gin" not in _plan_of(queryset)


def test_the_list_reads_newest_first_from_its_index():
    factories.ProposalFactory()
    plan = _plan_of(proposals_public(ProposalFilters())[:20])
    assert "proposal_recent_idx" in plan
