"""From the preview to the database: the rows travel signed (opengov.imports.signing), are
checked again against the plan as it is then, and are saved in one transaction or not at all."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from consultations.models import ActionPlan
from opengov import imports as spreadsheet

from ..models import Commitment, Indicator, Milestone
from .checking import (
    build_commitment,
    build_indicator,
    build_milestone,
    check_sheets,
    closed_plan_error,
)
from .table import COMMITMENTS, INDICATORS, MILESTONES, SIGNING_SALT, PlanImport


def sign_rows(plan: ActionPlan, result: PlanImport) -> str:
    return spreadsheet.sign_rows(SIGNING_SALT, plan.pk, result.sheets)


def unsign_rows(plan: ActionPlan, token: str) -> PlanImport | None:
    """The rows of a signed preview, checked again against the plan as it is now; None if the
    token was altered, has expired or was made for another plan."""
    sheets = spreadsheet.unsign_rows(SIGNING_SALT, plan.pk, token)
    if sheets is None:
        return None
    return check_sheets(plan, sheets)


@dataclass(frozen=True)
class Imported:
    commitments: list[Commitment]
    milestones: list[Milestone]
    indicators: list[Indicator]


@transaction.atomic
def import_plan(*, plan: ActionPlan, result: PlanImport) -> Imported:
    """Create every commitment, milestone and indicator of `result` in `plan`, or none: the plan
    is locked, each object validated again by its model before it is saved, and any refusal
    (a closed plan, an error in any row, a reference taken meanwhile) raises ValidationError
    and rolls everything back."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    closed = closed_plan_error(plan)
    if closed is not None:
        raise closed
    if not result.ok:
        raise ValidationError(gettext("The file has errors; nothing was imported."))
    existing = {c.reference: c for c in Commitment.objects.filter(plan=plan)}
    position = max((c.position for c in existing.values()), default=0)
    commitments = []
    for row in result.rows(COMMITMENTS.key):
        position += 1
        commitment = build_commitment(plan, row, position)
        commitment.full_clean()
        commitment.save()
        existing[commitment.reference] = commitment
        commitments.append(commitment)
    created: dict[str, list] = {MILESTONES.key: [], INDICATORS.key: []}
    for sheet, build in ((MILESTONES, build_milestone), (INDICATORS, build_indicator)):
        for row in result.rows(sheet.key):
            obj = build(row, existing[row.commitment])
            obj.full_clean()
            obj.save()
            created[sheet.key].append(obj)
    return Imported(commitments, created[MILESTONES.key], created[INDICATORS.key])
