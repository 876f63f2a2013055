"""Reads of implementation progress: a plan's progress report, and a commitment's progress
entries and measured values for its public page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from consultations.models import ActionPlan

from ..models import (
    Commitment,
    CompletionLevel,
    Indicator,
    IndicatorValue,
    Milestone,
)


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


def commitment_indicators(commitment: Commitment) -> list[Indicator]:
    """Indicators with their measured values, newest first (two queries)."""
    values = IndicatorValue.objects.order_by("-measured_on", "-id")
    return list(
        commitment.indicators.prefetch_related(Prefetch("values", queryset=values)).order_by("id")
    )
