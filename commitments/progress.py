"""Following implementation: recording progress (services), the reminders to coordinators and the
progress report (selectors). Progress entries are kept forever; the milestone and the indicator
carry their latest state for the pages that only need that."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from consultations.models import ActionPlan, ensure_plan_open
from opengov.models import language_of
from opengov.roles import COORDINATOR

from .models import (
    Commitment,
    CompletionLevel,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
    ReminderLog,
)

REMINDER_DAYS = 30
FOLLOWED_STAGES = (ActionPlan.Stage.ADOPTED, ActionPlan.Stage.IMPLEMENTATION)


@transaction.atomic
def milestone_record_progress(
    *,
    milestone: Milestone,
    status: str,
    completed_on: datetime.date | None = None,
    note_ar: str = "",
    note_fr: str = "",
    evidence_url: str = "",
    evidence_file=None,
    by: AbstractBaseUser | None,
) -> MilestoneUpdate:
    """Record a dated progress entry and make it the milestone's current state."""
    ensure_plan_open(milestone.commitment.plan)
    update = MilestoneUpdate(
        milestone=milestone,
        status=status,
        completed_on=completed_on,
        note_ar=note_ar.strip(),
        note_fr=note_fr.strip(),
        evidence_url=evidence_url,
        recorded_by=by,
    )
    if evidence_file is not None:
        update.evidence_file = evidence_file
    update.full_clean()
    update.save()
    apply_update(update)
    return update


def apply_update(update: MilestoneUpdate) -> None:
    """Carry an entry's state onto its milestone (status, completion date, evidence)."""
    milestone = update.milestone
    milestone.status = update.status
    milestone.completed_on = update.completed_on
    if update.evidence_url:
        milestone.evidence_url = update.evidence_url
    if update.note_ar or update.note_fr:
        milestone.evidence_ar = update.note_ar or milestone.evidence_ar
        milestone.evidence_fr = update.note_fr or milestone.evidence_fr
    milestone.full_clean()
    milestone.save()


@transaction.atomic
def indicator_record_value(
    *,
    indicator: Indicator,
    value,
    measured_on: datetime.date,
    source: str = "",
    by: AbstractBaseUser | None,
) -> IndicatorValue:
    """Record a measured value; the indicator's latest value follows the most recent date."""
    ensure_plan_open(indicator.commitment.plan)
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": gettext("The date cannot be in the future.")})
    entry = IndicatorValue(
        indicator=indicator, value=value, measured_on=measured_on, source=source, recorded_by=by
    )
    entry.full_clean()
    entry.save()
    apply_value(entry)
    return entry


def apply_value(entry: IndicatorValue) -> None:
    indicator = entry.indicator
    if indicator.latest_value_on is None or entry.measured_on >= indicator.latest_value_on:
        indicator.latest_value = entry.value
        indicator.latest_value_on = entry.measured_on
        if entry.source:
            indicator.source_ar = indicator.source_ar or entry.source
            indicator.source_fr = indicator.source_fr or entry.source
        indicator.full_clean()
        indicator.save()


# --- reminders ---------------------------------------------------------------------------------


def coordinators_remind(today: datetime.date | None = None) -> int:
    """E-mail each coordinator the milestones of their councils' running plans that are due
    within 30 days or overdue, each (milestone, state, due date) at most once. One e-mail per
    coordinator per run; returns how many went."""
    today = today or timezone.localdate()
    open_milestones = (
        Milestone.objects.open()
        .filter(commitment__plan__stage__in=FOLLOWED_STAGES)
        .filter(due_date__lte=today + datetime.timedelta(days=REMINDER_DAYS))
        .select_related("commitment__plan__council")
        .order_by("due_date", "id")
    )
    by_council = defaultdict(list)
    for milestone in open_milestones:
        state = "overdue" if milestone.due_date < today else "due_soon"
        by_council[milestone.commitment.plan.council_id].append((milestone, state))
    if not by_council:
        return 0
    coordinators = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=COORDINATOR)
        .exclude(email="")
        .select_related("profile")
        .prefetch_related("councils")
        .distinct()
    )
    sent = 0
    for user in coordinators:
        candidates = [
            item for council in user.councils.all() for item in by_council.get(council.pk, [])
        ]
        new = []
        for milestone, state in candidates:
            try:
                with transaction.atomic():
                    ReminderLog.objects.create(
                        user=user, milestone=milestone, state=state, due_date=milestone.due_date
                    )
            except IntegrityError:
                continue  # already reminded of this milestone in this state
            new.append((milestone, state))
        if not new:
            continue
        # In the coordinator's language (their staff profile), the site's default otherwise.
        with translation.override(language_of(user)):
            context = {
                "user": user,
                "overdue": [m for m, s in new if s == "overdue"],
                "due_soon": [m for m, s in new if s == "due_soon"],
                "days": REMINDER_DAYS,
                "count": len(new),
            }
            subject = render_to_string("commitments/email/reminder_subject.txt", context).strip()
            body = render_to_string("commitments/email/reminder_body.txt", context)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent


# --- the progress report -------------------------------------------------------------------


@dataclass
class ThemeProgress:
    theme: object
    commitments: list = field(default_factory=list)


def plan_progress_report(plan: ActionPlan, today: datetime.date | None = None) -> dict:
    """Commitments by theme with their completion level, the overdue milestones and the
    indicators against their targets (three queries)."""
    today = today or timezone.localdate()
    commitments = list(
        Commitment.objects.filter(plan=plan)
        .select_related("theme", "plan__council")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("id")),
        )
        .order_by("theme__position", "theme__slug", "position", "reference")
    )
    themes: list[ThemeProgress] = []
    levels = dict.fromkeys(CompletionLevel.values, 0)
    overdue = []
    indicators = []
    for commitment in commitments:
        if not themes or themes[-1].theme != commitment.theme:
            themes.append(ThemeProgress(commitment.theme))
        themes[-1].commitments.append(commitment)
        levels[commitment.completion()] += 1
        overdue += [m for m in commitment.milestones.all() if m.is_overdue(on=today)]
        for indicator in commitment.indicators.all():
            share = None
            if indicator.target is not None and indicator.baseline is not None:
                span = indicator.target - indicator.baseline
                if span and indicator.latest_value is not None:
                    share = round(100 * (indicator.latest_value - indicator.baseline) / span)
            indicators.append((commitment, indicator, share))
    return {
        "themes": themes,
        "levels": [(CompletionLevel(level).label, count) for level, count in levels.items()],
        "overdue": overdue,
        "indicators": indicators,
        "commitment_count": len(commitments),
    }
