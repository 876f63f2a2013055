"""Recording a plan adopted outside the portal: a council that brings an existing plan enters
the real past dates of its consultation, adoption, implementation and closure, and the plan is
moved through its stages with each move kept in the stage history as *recorded* (not live):
the real date it happened, who recorded it and when.

The live moves (services.plan_change_stage) stay as they are. A recorded move skips the rules
of the live window (a consultation with dates to come, a consultation over before adoption) and
keeps what OGP asks of an adopted plan: the checklist's "commitments" item (at least one
commitment; each saying what will be done, with a lead agency, dates, milestones within the
plan's period, OGP values). It skips the workshops and proposals items (the co-creation happened
outside the portal and is rarely entered); the languages item never blocks anything (a text in
one language waits for its translation: opengov.translations).

A recording may stop at any stage after the current one: a plan recorded up to implementation
gets its records entered (a closed plan takes none, see consultations.models.PlanOwned), then
its closure is recorded as a later step."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from consultations.models import ActionPlan, PlanStageChange, ensure_plan_open

from .selectors import plan_readiness

Stage = ActionPlan.Stage

# The stages a recording walks through, in order.
CHAIN = (Stage.PREPARATION, Stage.CONSULTATION, Stage.ADOPTED, Stage.IMPLEMENTATION, Stage.CLOSED)
# The stages a recording may stop at.
TARGETS = (Stage.ADOPTED, Stage.IMPLEMENTATION, Stage.CLOSED)
# The date of the move into each stage after the consultation, by its form field.
STAGE_DATES = {
    Stage.ADOPTED: "adopted_on",
    Stage.IMPLEMENTATION: "implementation_started_on",
    Stage.CLOSED: "closed_on",
}
# The readiness items a recorded adoption must pass (see the module docstring).
RECORDED_ADOPTION_CHECKS = ("commitments",)


def _missing_date_message(stage: str) -> str:
    return {
        Stage.ADOPTED: gettext("Give the date the plan was adopted."),
        Stage.IMPLEMENTATION: gettext("Give the date the implementation started."),
        Stage.CLOSED: gettext("Give the date the plan was closed."),
    }[stage]


def recorded_adoption_problems(plan: ActionPlan) -> list[str]:
    """What keeps `plan` from a recorded adoption (RECORDED_ADOPTION_CHECKS), in the active
    language; empty when it may be recorded as adopted."""
    return [
        problem
        for item in plan_readiness(plan)
        if item.key in RECORDED_ADOPTION_CHECKS
        for problem in item.problems
    ]


def _last_date(plan: ActionPlan) -> datetime.date | None:
    last = plan.stage_changes.order_by("-changed_at", "-id").first()
    return last.effective_date if last else None


def _plan_steps(plan, to_stage, dates, errors) -> list[tuple[str, str, datetime.date | None]]:
    """The moves from the plan's stage to `to_stage`: (from, to, date, field). Adds to
    `errors` a missing date, and a date given for a stage the recording does not reach."""
    steps = []
    current = plan.stage
    opens, closes = dates["consultation_opens_on"], dates["consultation_closes_on"]
    if opens or closes:
        if current != Stage.PREPARATION:
            errors["consultation_opens_on"] = gettext(
                "The plan is past its preparation: change its consultation dates on the plan's "
                "page."
            )
        elif not (opens and closes):
            errors["consultation_closes_on"] = gettext(
                "Give both dates of the consultation, or neither if it was not held online."
            )
        else:
            steps.append((current, Stage.CONSULTATION, opens, "consultation_opens_on"))
            current = Stage.CONSULTATION
    target = CHAIN.index(to_stage)
    for stage, field in STAGE_DATES.items():
        index = CHAIN.index(stage)
        if CHAIN.index(current) < index <= target:
            if dates[field] is None:
                errors[field] = _missing_date_message(stage)
            steps.append((current, stage, dates[field], field))
            current = stage
        elif dates[field] is not None:
            errors[field] = gettext(
                "Leave this date empty: the recording does not go through that stage."
            )
    return steps


def _check_dates(plan, steps, dates, today, errors) -> None:
    """Dates not in the future, in order, after the plan's last stage change; a closure not
    before the plan's last year."""
    previous = _last_date(plan)
    closes = dates["consultation_closes_on"]
    for _from, stage, date, field in steps:
        if date is None or field in errors:
            continue
        if date > today:
            errors[field] = gettext("A recorded date cannot be in the future.")
            continue
        if previous is not None and date < previous:
            errors[field] = gettext(
                "This date is before the previous step of the plan (%(date)s)."
            ) % {"date": date_format(previous, "SHORT_DATE_FORMAT")}
            continue
        if stage == Stage.CONSULTATION and closes is not None:
            if closes < date:
                errors["consultation_closes_on"] = gettext(
                    "The consultation cannot close before it opens."
                )
            elif closes > today:
                errors["consultation_closes_on"] = gettext(
                    "A recorded date cannot be in the future."
                )
            else:
                date = closes  # the next step comes after the consultation's end
        if stage == Stage.CLOSED and date.year < plan.end_year:
            errors[field] = gettext("A plan cannot be closed before its last year (%(year)s).") % {
                "year": plan.end_year
            }
        previous = date


@transaction.atomic
def plan_record_stages(
    *,
    plan: ActionPlan,
    to_stage: str,
    by: AbstractBaseUser | None,
    consultation_opens_on: datetime.date | None = None,
    consultation_closes_on: datetime.date | None = None,
    adopted_on: datetime.date | None = None,
    implementation_started_on: datetime.date | None = None,
    closed_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> list[PlanStageChange]:
    """Move `plan` from its stage to `to_stage` through every stage between, writing each move
    as a recorded PlanStageChange (happened_on: its real date; changed_by / changed_at: who
    recorded it, and when). The consultation dates, when given, are stored on the plan.

    Atomic, the plan locked: on any refusal it raises ValidationError (a dict by form field,
    NON_FIELD_ERRORS for the readiness of an adoption), in the active language, and nothing is
    stored."""
    today = today or timezone.localdate()
    plan = ActionPlan.objects.select_for_update().select_related("council").get(pk=plan.pk)
    ensure_plan_open(plan)
    if to_stage not in TARGETS or CHAIN.index(to_stage) <= CHAIN.index(plan.stage):
        raise ValidationError(
            {
                "to_stage": gettext("The plan is already at “%(stage)s” or beyond.")
                % {"stage": Stage(plan.stage).label}
                if to_stage in TARGETS
                else gettext("Choose the stage the plan has reached.")
            }
        )
    dates = {
        "consultation_opens_on": consultation_opens_on,
        "consultation_closes_on": consultation_closes_on,
        "adopted_on": adopted_on,
        "implementation_started_on": implementation_started_on,
        "closed_on": closed_on,
    }
    errors: dict[str, str | list[str]] = {}
    steps = _plan_steps(plan, to_stage, dates, errors)
    _check_dates(plan, steps, dates, today, errors)
    if any(stage == Stage.ADOPTED for _from, stage, _date, _field in steps):
        problems = recorded_adoption_problems(plan)
        if problems:
            errors[NON_FIELD_ERRORS] = problems
    if errors:
        raise ValidationError(errors)

    changes = [
        PlanStageChange(
            plan=plan,
            from_stage=from_stage,
            to_stage=stage,
            changed_by=by,
            recorded=True,
            happened_on=date,
        )
        for from_stage, stage, date, _field in steps
    ]
    # Validated while the plan is still open: a closed plan takes no new row (PlanOwned).
    for change in changes:
        change.full_clean()
    update_fields = ["stage", "updated_at"]
    if steps[0][1] == Stage.CONSULTATION:
        plan.consultation_opens_on = consultation_opens_on
        plan.consultation_closes_on = consultation_closes_on
        update_fields += ["consultation_opens_on", "consultation_closes_on"]
    plan.stage = to_stage
    plan.full_clean()
    plan.save(update_fields=update_fields)
    for change in changes:
        change.save()
    return changes
