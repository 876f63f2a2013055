"""Denormalised proposal counters on ActionPlan (proposal_count, answered_proposal_count).

Every write path of a proposal goes through Model.save() or delete() (the admin, the spreadsheet
import, the coordinator's actions), so two signal handlers keep the counters right: after a
save or a delete, the counters of the plan the proposal was in and of the plan it is in now are
recounted from the proposals themselves (one UPDATE with two sub-counts over that plan's few
hundred proposals, by the index on (plan, status)). Bulk loads (generate_scale) call
refresh_plan_counters() once at the end; `manage.py refresh_counters` does the same by hand.

A proposal's `support_count` (its confirmed supports) is kept by the support services;
refresh_support_counts() recounts it after a bulk load."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_init, post_save

from .models import ActionPlan, Proposal, ProposalSupport, answered_condition

# Other apps' counters over the plans, recounted by `manage.py refresh_counters` too, as
# (what, function returning how many rows changed): commitments adds its plans' totals from its
# AppConfig.ready() (this app may not import it).
OTHER_REFRESHES: list[tuple[str, Callable[[], int]]] = []


def register_refresh(what: str, refresh: Callable[[], int]) -> None:
    if all(name != what for name, _refresh in OTHER_REFRESHES):
        OTHER_REFRESHES.append((what, refresh))


def _count(condition=None):
    # Only the published ones: what the public lists show (not those sent online and waiting).
    proposals = Proposal.objects.published().filter(plan=OuterRef("pk"))
    if condition is not None:
        proposals = proposals.filter(condition)
    counted = proposals.order_by().values("plan").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def refresh_plan_counters(plan_ids: Iterable[int] | None = None) -> int:
    """Recount the proposals of these plans (all plans when None); returns the plans updated."""
    plans = ActionPlan.objects.all()
    if plan_ids is not None:
        ids = {pk for pk in plan_ids if pk is not None}
        if not ids:
            return 0
        plans = plans.filter(pk__in=ids)
    # QuerySet.update: no history row and no data-version bump for a derived number (the
    # proposal's own save has bumped it already).
    return plans.update(
        proposal_count=_count(), answered_proposal_count=_count(answered_condition())
    )


def _remember_plan(sender, instance, **kwargs) -> None:
    instance._counted_plan_id = instance.plan_id


def _after_save(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # fixtures and restores bring their own counters
        return
    refresh_plan_counters({instance._counted_plan_id, instance.plan_id})
    instance._counted_plan_id = instance.plan_id


def _after_delete(sender, instance, **kwargs) -> None:
    refresh_plan_counters({instance._counted_plan_id, instance.plan_id})


def connect_signals() -> None:
    post_init.connect(_remember_plan, sender=Proposal, dispatch_uid="plan-counters-init")
    post_save.connect(_after_save, sender=Proposal, dispatch_uid="plan-counters-save")
    post_delete.connect(_after_delete, sender=Proposal, dispatch_uid="plan-counters-delete")


def refresh_support_counts(proposal_ids: Iterable[int] | None = None) -> int:
    """Recount `support_count` from the confirmed supports, of these proposals (all when None:
    after a bulk load, or by hand); returns the proposals whose count changed. Two statements,
    each one pass over the supports or the proposals: rows already right are not rewritten
    (PostgreSQL, and SQLite 3.33 or newer for the demo: UPDATE ... FROM). Written with UPDATE
    (no history row, no signal): a caller that changed public counts refreshes the pages."""
    proposals = connection.ops.quote_name(Proposal._meta.db_table)
    supports = connection.ops.quote_name(ProposalSupport._meta.db_table)
    params: list = [ProposalSupport.State.CONFIRMED]
    only = ""
    if proposal_ids is not None:
        ids = sorted({pk for pk in proposal_ids if pk is not None})
        if not ids:
            return 0
        only = f" AND p.id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {proposals} AS p SET support_count = s.n "  # noqa: S608 - catalogue names
            f"FROM (SELECT proposal_id, count(*) AS n FROM {supports} WHERE state = %s "
            f"GROUP BY proposal_id) s WHERE p.id = s.proposal_id AND p.support_count <> s.n{only}",
            params,
        )
        changed = cursor.rowcount
        cursor.execute(
            f"UPDATE {proposals} AS p SET support_count = 0 WHERE p.support_count <> 0 "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {supports} s WHERE s.proposal_id = p.id "
            f"AND s.state = %s){only}",
            params,
        )
        return changed + cursor.rowcount
