"""What each plan's commitments and milestones add up to (PlanCounters), kept right on every
write, so that the home page's network totals are a sum over about 3,000 plans instead of a
count over 128,000 milestones and 32,000 commitments joined to their plans.

The same shape as the proposal counters (consultations.counters), for the same reasons: every
write path of a commitment or a milestone (the admin and its inlines, the services, the plan
import, the demo loader) goes through Model.save() or delete(), so signal handlers recount the
plans a row was in and is in now, inside the transaction of the write (a page rendered after
the commit never sees the new row with the old totals), from the rows themselves (a recount,
not an increment: running it twice, or after a lost update, gives the right figures). It runs
on the demo's SQLite as well as on PostgreSQL, where a trigger would need a second version.
Bulk loads that bypass the models (generate_scale's COPY, a restore) call refresh_plan_totals()
once at the end; `manage.py refresh_counters` does it by hand.

Two transactions writing to the same plan at once: each first locks the plan's counters row
(an upsert), and only then recounts in a second statement, whose snapshot (READ COMMITTED)
already holds the other transaction's committed rows; the last to commit counts both.

The overdue count depends on the date: the recount counts those overdue today (`counted_on`),
and the beat task commitments.refresh_overdue_counts recounts every plan after midnight, bumping
the data version of the councils whose figures moved."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from celery import shared_task
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from consultations.models import ActionPlan
from opengov import dataversion

from .models import Commitment, Milestone, PlanCounters
from .models.milestones import count_filters


def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    return {
        "counters": q(PlanCounters._meta.db_table),
        "plans": q(ActionPlan._meta.db_table),
        "commitments": q(Commitment._meta.db_table),
        "milestones": q(Milestone._meta.db_table),
    }


def refresh_plan_totals(
    plan_ids: Iterable[int] | None = None, *, on: datetime.date | None = None
) -> list[int]:
    """Recount the commitments and milestones of these plans (every plan when None), the
    overdue ones as of `on` (today by default); returns the plans whose figures changed.
    Run it inside the transaction of the write: it locks the plans' counters rows until the
    commit. Writes with SQL (no history row, no signal, no data-version bump: the write that
    changed the rows has bumped the versions of its council already)."""
    on = on or timezone.localdate()
    only, params = "", []
    if plan_ids is not None:
        ids = sorted({pk for pk in plan_ids if pk is not None})
        if not ids:
            return []
        only = f" AND p.id IN ({', '.join(['%s'] * len(ids))})"
        params = ids
    t = _tables()
    # The figures, as the pages count them (milestones.count_filters: the one rule for what is
    # done and overdue), one row per plan, plans without commitments included.
    plans = ActionPlan.objects.all() if plan_ids is None else ActionPlan.objects.filter(pk__in=ids)
    rules = count_filters(on, via="commitments__milestones__")
    figures, figure_params = (
        plans.order_by()
        .values("id")
        .annotate(
            n_commitments=Count("commitments", distinct=True),
            **{
                f"n_{name}": Count("commitments__milestones", filter=rule)
                for name, rule in rules.items()
            },
        )
        .values_list("id", "n_commitments", "n_total", "n_done", "n_overdue")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        # First the rows and their locks (waiting for a transaction that holds one), then the
        # recount in a statement of its own (a new snapshot: see the module's docstring).
        cursor.execute(
            f"INSERT INTO {t['counters']} AS pc (plan_id, commitments, milestones, "  # noqa: S608
            f"milestones_done, milestones_overdue, counted_on) "
            f"SELECT p.id, 0, 0, 0, 0, NULL FROM {t['plans']} p WHERE TRUE{only} ORDER BY p.id "
            f"ON CONFLICT (plan_id) DO UPDATE SET counted_on = pc.counted_on",
            params,
        )
        c = t["counters"]
        cursor.execute(
            f"UPDATE {c} SET commitments = s.n_commitments, "  # noqa: S608
            f"milestones = s.n_total, milestones_done = s.n_done, "
            f"milestones_overdue = s.n_overdue, counted_on = %s "
            f"FROM ({figures}) s "
            f"WHERE {c}.plan_id = s.id AND ({c}.commitments <> s.n_commitments "
            f"OR {c}.milestones <> s.n_total OR {c}.milestones_done <> s.n_done "
            f"OR {c}.milestones_overdue <> s.n_overdue) "
            f"RETURNING {c}.plan_id",
            [on, *figure_params],
        )
        changed = sorted(row[0] for row in cursor.fetchall())
        # The day the overdue ones were counted for, on the rows whose figures did not move.
        cursor.execute(
            f"UPDATE {t['counters']} SET counted_on = %s "  # noqa: S608
            f"WHERE (counted_on IS NULL OR counted_on <> %s)" + only.replace("p.id", "plan_id"),
            [on, on, *params],
        )
        return changed


def refresh_all_plan_totals() -> int:
    """Every plan recounted (`manage.py refresh_counters`, after a bulk load); returns the
    plans whose figures changed."""
    return len(refresh_plan_totals())


@transaction.atomic
def refresh_overdue_counts(on: datetime.date | None = None) -> int:
    """Every plan recounted as of `on` (today by default), after the date changed; the pages
    of the councils whose figures moved are rebuilt (their data version is bumped, and again
    once the recount commits). Returns the plans whose figures changed. Atomic; idempotent:
    a second run the same day changes nothing and bumps nothing."""
    changed = refresh_plan_totals(on=on)
    if changed:
        slugs = set(
            ActionPlan.objects.filter(pk__in=changed).values_list("council__slug", flat=True)
        )
        dataversion.bump_now_and_on_commit(slugs)
    return len(changed)


@shared_task(name="commitments.refresh_overdue_counts")
def refresh_overdue_counts_task() -> int:
    """The beat's nightly run (settings.CELERY_BEAT_SCHEDULE), just after midnight."""
    return refresh_overdue_counts()


# --- the signals ---------------------------------------------------------------------------------


def _remember_commitment_plan(sender, instance, **kwargs) -> None:
    instance._counted_plan_id = instance.plan_id


def _after_commitment_write(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # fixtures and restores bring their own counters
        return
    refresh_plan_totals({instance._counted_plan_id, instance.plan_id})
    instance._counted_plan_id = instance.plan_id


def _remember_milestone_commitment(sender, instance, **kwargs) -> None:
    instance._counted_commitment_id = instance.commitment_id


def _after_milestone_write(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    commitments = {instance._counted_commitment_id, instance.commitment_id} - {None}
    cached = instance._state.fields_cache.get("commitment")
    if len(commitments) == 1 and cached is not None and cached.pk in commitments:
        plans = {cached.plan_id}  # the admin's inlines and the services hold it already
    else:
        plans = set(Commitment.objects.filter(pk__in=commitments).values_list("plan_id", flat=True))
    refresh_plan_totals(plans)
    instance._counted_commitment_id = instance.commitment_id


def connect_signals() -> None:
    from consultations.counters import register_refresh

    register_refresh("plans' commitment and milestone totals", refresh_all_plan_totals)
    post_init.connect(
        _remember_commitment_plan, sender=Commitment, dispatch_uid="plan-totals-c-init"
    )
    post_save.connect(_after_commitment_write, sender=Commitment, dispatch_uid="plan-totals-c-save")
    post_delete.connect(
        _after_commitment_write, sender=Commitment, dispatch_uid="plan-totals-c-delete"
    )
    post_init.connect(
        _remember_milestone_commitment, sender=Milestone, dispatch_uid="plan-totals-m-init"
    )
    post_save.connect(_after_milestone_write, sender=Milestone, dispatch_uid="plan-totals-m-save")
    post_delete.connect(
        _after_milestone_write, sender=Milestone, dispatch_uid="plan-totals-m-delete"
    )
