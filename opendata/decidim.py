"""The results CSV in the columns of Decidim's accountability import: commitments, and their
milestones as child results, of the public plans."""

from __future__ import annotations

from consultations.models import ActionPlan
from opengov.urls_absolute import absolute_url

from .datasets import DATASETS

DECIDIM_LOCALES = ("ar", "fr")
# Milestones become child results; their ids are offset so they never collide with commitments'.
MILESTONE_ID_OFFSET = 10_000_000
DECIDIM_STATUS = {
    "not_started": (1, "not_started", "لم يبدأ", "Non commencé"),
    "ongoing": (2, "ongoing", "جار", "En cours"),
    "in_progress": (2, "ongoing", "جار", "En cours"),
    "completed": (3, "completed", "منجز", "Terminé"),
    "withdrawn": (4, "withdrawn", "مسحوب", "Retiré"),
    "cancelled": (4, "withdrawn", "مسحوب", "Retiré"),
}


def decidim_columns() -> list[str]:
    loc = lambda name: [f"{name}/{code}" for code in DECIDIM_LOCALES]  # noqa: E731
    return [
        "id",
        "category/id",
        *loc("category/name"),
        "scope/id",
        *loc("scope/name"),
        "parent/id",
        *loc("title"),
        *loc("description"),
        "start_date",
        "end_date",
        "status/id",
        "status/key",
        *loc("status/name"),
        "progress",
        "created_at",
        "url",
        "component/id",
        "proposal_urls",
    ]


def decidim_results(plan: ActionPlan | None = None) -> list[list]:
    """Commitments (and their milestones as child results) as Decidim accountability results.
    Dates are days even where the plan gives a month (as stored: a start month's first day, an
    end or due month's last day): Decidim reads start_date and end_date as days."""
    commitments = DATASETS["commitments"].queryset().prefetch_related("milestones")
    if plan is not None:
        commitments = commitments.filter(plan=plan)
    table = [decidim_columns()]
    for c in commitments:
        milestones = [m for m in c.milestones.all() if m.status != "cancelled"]
        done = sum(1 for m in milestones if m.status == "completed")
        progress = round(100 * done / len(milestones), 2) if milestones else 0
        status = DECIDIM_STATUS[c.status]
        table.append(
            [
                c.pk,
                c.theme_id or "",
                c.theme.name_ar if c.theme else "",
                c.theme.name_fr if c.theme else "",
                c.plan.council_id,
                c.plan.council.name_ar,
                c.plan.council.name_fr,
                "",
                c.title_ar,
                c.title_fr,
                c.description_ar,
                c.description_fr,
                c.start_date or "",
                c.end_date or "",
                *status,
                progress,
                c.created_at,
                absolute_url(c.get_absolute_url()),
                c.plan_id,
                "",
            ]
        )
        for m in milestones:
            status = DECIDIM_STATUS[m.status]
            table.append(
                [
                    MILESTONE_ID_OFFSET + m.pk,
                    c.theme_id or "",
                    c.theme.name_ar if c.theme else "",
                    c.theme.name_fr if c.theme else "",
                    c.plan.council_id,
                    c.plan.council.name_ar,
                    c.plan.council.name_fr,
                    c.pk,
                    m.title_ar,
                    m.title_fr,
                    m.deliverable_ar,
                    m.deliverable_fr,
                    m.start_date or "",
                    m.due_date,
                    *status,
                    100 if m.status == "completed" else 0,
                    m.created_at,
                    absolute_url(c.get_absolute_url()),
                    c.plan_id,
                    "",
                ]
            )
    return table
