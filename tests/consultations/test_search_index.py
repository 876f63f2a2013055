"""The proposals search and list read through their indexes: the query the page runs is the
one the index was built for (checked with EXPLAIN, sequential scans disabled so the planner
shows whether it *can* use the index on a small test table)."""

import pytest
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection

from consultations.models import ActionPlan, Proposal
from consultations.selectors import ProposalFilters, _search, proposals_public
from tests import factories

pytestmark = pytest.mark.django_db


def _plan_of(queryset, *, bitmap_only=False, no_sort=False) -> str:
    """The plan, sequential scans disabled (and plain index scans too with bitmap_only, since a
    GIN index is read by a bitmap scan and a tiny table makes any B-tree look as cheap). With
    no_sort, explicit sorts too: on a tiny table another index and a sort of its few rows cost
    about the same as reading the order from an index, and the planner's pick then depends on
    the statistics other tests left; what is asked is that an index serves the order."""
    switches = ["enable_seqscan"] + (["enable_indexscan"] if bitmap_only else [])
    switches += ["enable_sort"] if no_sort else []
    with connection.cursor() as cursor:
        for switch in switches:
            cursor.execute(f"SET LOCAL {switch} = off")
        plan = queryset.explain()
        for switch in switches:
            cursor.execute(f"SET LOCAL {switch} = on")
    return plan


def _public_proposal(**values):
    return factories.ProposalFactory(
        working_group__workshop__plan__stage=ActionPlan.Stage.IMPLEMENTATION, **values
    )


def _found(text):
    return sorted(p.title_fr for p in proposals_public(ProposalFilters(text=text)))


def test_search_uses_the_gin_index_on_the_stored_document():
    _public_proposal(title_ar="الماء الصالح للشرب", title_fr="Eau potable")
    assert [p.title_fr for p in proposals_public(ProposalFilters(text="potable"))] == [
        "Eau potable"
    ]
    # The matches (whose newest ids the list then ranks, consultations.selectors) read the GIN
    # index when counted without an order; in the newest-first order they may walk the date
    # index instead, but neither parses any row's text again.
    queryset = _search(Proposal.objects.public(), "potable")
    assert "proposal_search_document_gin" in _plan_of(queryset.order_by(), bitmap_only=True)
    newest = queryset.order_by("-created_at", "-pk")
    assert "to_tsvector" not in _plan_of(newest) + _plan_of(queryset.order_by())


def test_a_search_on_an_expression_would_not_use_it():
    """The check above can fail: a search that parses the texts cannot use the index."""
    queryset = Proposal.objects.annotate(
        search=SearchVector("title_ar", "title_fr", config="simple")
    ).filter(search=SearchQuery("potable", config="simple"))
    assert "proposal_search_document_gin" not in _plan_of(queryset, bitmap_only=True)
    assert "to_tsvector" in _plan_of(queryset)


def test_the_trigger_keeps_the_document_right_whatever_writes():
    created = _public_proposal(title_fr="Eau potable", body_ar="", response_fr="")
    assert _found("potable") == ["Eau potable"]
    # A save through the ORM, an UPDATE without save(), and a bulk insert.
    created.response_fr = "Retenue : voir l'engagement sur l'assainissement"
    created.save()
    assert _found("assainissement") == ["Eau potable"]
    Proposal.objects.filter(pk=created.pk).update(title_fr="Transport scolaire")
    assert _found("potable") == [] and _found("scolaire") == ["Transport scolaire"]
    template = Proposal.objects.get(pk=created.pk)
    template.pk = None
    template.title_fr, template.body_ar = "Éclairage public", "الإنارة العمومية"
    Proposal.objects.bulk_create([template])
    assert _found("الإنارة") == ["Éclairage public"]
    assert _found("Éclairage public") == ["Éclairage public"]  # both words (websearch)
    assert _found("éclairage -public") == []


def test_the_document_is_not_kept_in_the_history():
    proposal = _public_proposal(title_fr="Eau potable")
    proposal.title_fr = "Eau"
    proposal.save()
    assert proposal.history.count() == 2
    assert not hasattr(proposal.history.first(), "search_document")


def test_the_list_reads_newest_first_from_its_index():
    factories.ProposalFactory()
    plan = _plan_of(proposals_public(ProposalFilters())[:20], no_sort=True)
    assert "proposal_recent_idx" in plan


def test_sort_by_support_reads_the_support_indexes_backwards():
    plan = _public_proposal(support_count=3).plan
    _public_proposal(support_count=9, publication=Proposal.Publication.HIDDEN, hidden_reason="x")
    by_support = Proposal.objects.public().order_by("-support_count", "-id")
    # The whole network's list: the (support_count, id) index, no sort.
    network = _plan_of(by_support[:20], no_sort=True)
    assert "Index Scan Backward using proposal_support_idx" in network
    assert "Sort" not in network.replace("Sort Key", "")
    # One plan's list: the (plan, support_count, id) index.
    one_plan = _plan_of(by_support.filter(plan=plan)[:20], no_sort=True)
    assert "Index Scan Backward using proposal_plan_support_idx" in one_plan
    assert [p.support_count for p in by_support] == [3]
