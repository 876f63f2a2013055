"""What the picture of a plan says (sharing.image.Card), read in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext

from consultations.models import ActionPlan
from opengov import translations
from opengov.years import mentions_period

from ..models import PlanCounters
from .image import Card


def _text(obj, field: str) -> str:
    """The field as the reader sees it (opengov.translations.shown_text), on one line."""
    return " ".join(translations.shown_text(obj, field)[0].split())


def plan_card(plan: ActionPlan) -> Card:
    """The card of a public plan in the current language (one query: its counters)."""
    counters = PlanCounters.objects.filter(plan=plan).first()
    total = counters.milestones if counters else 0
    done = counters.milestones_done if counters else 0
    percent = round(100 * done / total) if total else 0
    progress = ""
    if total:
        # The plan page's own sentence (templates/includes/progress.html).
        progress = gettext("%(done)s of %(total)s milestones completed (%(percent)s%%)") % {
            "done": done,
            "total": total,
            "percent": percent,
        }
    title = _text(plan, "title") or str(plan)
    return Card(
        language=translations.current_language(),
        brand=gettext("Infitah") + " · " + gettext("Open government action plans"),
        council=_text(plan.council, "name"),
        title=title,
        # Once: a title that names its period already says it (as str(plan) decides).
        period="" if mentions_period(title, plan.start_year, plan.end_year) else plan.period,
        stage=str(plan.get_stage_display()),
        progress=progress,
        percent=percent,
    )


def site_card() -> Card:
    """The site's own card in the current language (the default picture of other pages)."""
    return Card(
        language=translations.current_language(),
        brand=gettext("Infitah"),
        council=gettext("Open government action plans"),
        title=gettext(
            "Co-creation, publication and follow-up of the open government action plans of "
            "Moroccan territorial collectivities."
        ),
        period="",
        stage="",
        progress="",
        percent=0,
    )
