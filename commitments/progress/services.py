"""Recording implementation progress: dated entries on milestones and measured values of
indicators. Entries are kept forever; the milestone and the indicator carry their latest state
for the pages that only need that."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from consultations.models import ensure_plan_open

from ..follows import events as follow_events
from ..models import Indicator, IndicatorValue, Milestone, MilestoneUpdate


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
    """Record a dated progress entry and make it the milestone's current state; its followers
    are told (on commit), and of the commitment's new completion level when it changed."""
    ensure_plan_open(milestone.commitment.plan)
    completion_before = milestone.commitment.completion()
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
    follow_events.milestone_updated(update)
    follow_events.completion_changed(
        milestone.commitment,
        completion_before,
        milestone.commitment.completion(),
        cause=f"milestone_update:{update.pk}",
    )
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
    follow_events.indicator_valued(entry)
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
