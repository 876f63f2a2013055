"""Writes of the co-creation cycle that span models: proposals into commitments, reasoned
answers, and a plan's moves from stage to stage. Every function is atomic and validates with
full_clean() before saving; on refusal it raises ValidationError and the database is unchanged."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from consultations.models import ActionPlan, PlanStageChange, Proposal, ensure_plan_open

from .follows import events as follow_events
from .models import Commitment
from .selectors import plan_readiness

Stage = ActionPlan.Stage

# The moves a plan may make; a closed plan is final and read-only.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.PREPARATION: (Stage.CONSULTATION,),
    Stage.CONSULTATION: (Stage.PREPARATION, Stage.ADOPTED),
    Stage.ADOPTED: (Stage.IMPLEMENTATION,),
    Stage.IMPLEMENTATION: (Stage.CLOSED,),
    Stage.CLOSED: (),
}

# Proposal statuses a coordinator gives by answering (retained and merged come from commitments).
ANSWER_STATUSES = (
    Proposal.Status.UNDER_REVIEW,
    Proposal.Status.RETAINED,
    Proposal.Status.MERGED,
    Proposal.Status.NOT_RETAINED,
)


def _check_proposals(plan: ActionPlan, proposals: list[Proposal]) -> None:
    if not proposals:
        raise ValidationError(gettext("Select at least one proposal."))
    foreign = [p for p in proposals if p.council_id != plan.council_id]
    if foreign:
        raise ValidationError(
            gettext("These proposals belong to another council: %(titles)s.")
            % {"titles": ", ".join(f"“{p}”" for p in foreign)}
        )


def _mark_sources(
    proposals: list[Proposal], status: str, by: AbstractBaseUser | None, commitment: Commitment
) -> None:
    """Each source's new status; its followers (its author, for one sent online) are told
    which commitment it fed, with the council's response."""
    now = timezone.now()
    for proposal in proposals:
        proposal.status = status
        proposal.responded_at = now
        proposal.responded_by = by
        proposal.full_clean()
        proposal.save(update_fields=["status", "responded_at", "responded_by", "updated_at"])
        follow_events.proposal_commitment(proposal, commitment)


@transaction.atomic
def commitment_create_from_proposals(
    *,
    plan: ActionPlan,
    proposals: Iterable[Proposal],
    by: AbstractBaseUser | None,
    **fields,
) -> Commitment:
    """Create a commitment in `plan` from `proposals` with the given field values (reference,
    title_ar, title_fr, theme, problem_ar …). A single source proposal becomes "retained",
    several become "merged"; every source keeps its link to the commitment."""
    proposals = list(proposals)
    ensure_plan_open(plan)
    _check_proposals(plan, proposals)
    commitment = Commitment(plan=plan, **fields)
    commitment.full_clean()
    commitment.save()
    commitment.source_proposals.add(*proposals)
    status = Proposal.Status.RETAINED if len(proposals) == 1 else Proposal.Status.MERGED
    _mark_sources(proposals, status, by, commitment)
    return commitment


@transaction.atomic
def proposals_attach_to_commitment(
    *, commitment: Commitment, proposals: Iterable[Proposal], by: AbstractBaseUser | None
) -> Commitment:
    """Link `proposals` to an existing commitment; each becomes "merged"."""
    proposals = list(proposals)
    ensure_plan_open(commitment.plan)
    _check_proposals(commitment.plan, proposals)
    commitment.source_proposals.add(*proposals)
    _mark_sources(proposals, Proposal.Status.MERGED, by, commitment)
    return commitment


@transaction.atomic
def proposal_answer(
    *,
    proposal: Proposal,
    status: str,
    response_ar: str = "",
    response_fr: str = "",
    by: AbstractBaseUser | None,
) -> Proposal:
    """Record the coordinator's reasoned response. "Not retained" needs a response in Arabic
    or in French: OGP's co-creation standard asks that every proposal gets an answer."""
    if proposal.plan_id:
        ensure_plan_open(proposal.plan)
    if status not in ANSWER_STATUSES:
        raise ValidationError({"status": gettext("Choose a valid answer.")})
    response_ar, response_fr = response_ar.strip(), response_fr.strip()
    if status == Proposal.Status.NOT_RETAINED and not (response_ar or response_fr):
        raise ValidationError(
            {
                "response_ar": gettext(
                    "Explain why the proposal is not retained, in Arabic or in French."
                )
            }
        )
    proposal.status = status
    proposal.response_ar = response_ar
    proposal.response_fr = response_fr
    proposal.responded_at = timezone.now()
    proposal.responded_by = by
    proposal.full_clean()
    proposal.save()
    follow_events.proposal_answered(proposal)
    return proposal


def plan_stage_problems(
    plan: ActionPlan, to_stage: str, *, today: datetime.date | None = None
) -> list[str]:
    """Everything that keeps `plan` from moving to `to_stage`, in plain words, in the active
    language; an empty list means the move is allowed."""
    today = today or timezone.localdate()
    if to_stage not in ALLOWED_TRANSITIONS.get(plan.stage, ()):
        return [
            gettext("A plan cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Stage(plan.stage).label, "to": Stage(to_stage).label}
        ]
    problems: list[str] = []
    if to_stage == Stage.CONSULTATION:
        if not plan.consultation_opens_on or not plan.consultation_closes_on:
            problems.append(gettext("Set the dates the consultation opens and closes."))
        elif plan.consultation_closes_on < today:
            problems.append(gettext("The consultation's closing date has already passed."))
        if not plan.commitments.exists():
            problems.append(gettext("The draft plan has no commitment to consult on."))
    elif to_stage == Stage.ADOPTED:
        if plan.consultation_closes_on and plan.consultation_closes_on >= today:
            problems.append(
                gettext("The consultation is open until %(date)s; it must be over first.")
                % {"date": plan.consultation_closes_on.isoformat()}
            )
        for item in plan_readiness(plan):
            problems.extend(item.problems)
    return problems


@transaction.atomic
def plan_change_stage(
    *,
    plan: ActionPlan,
    to_stage: str,
    by: AbstractBaseUser | None,
    today: datetime.date | None = None,
) -> PlanStageChange:
    """Move the plan to `to_stage` when every precondition holds, and record who moved it,
    when, from and to. Raises ValidationError listing what is missing otherwise."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    problems = plan_stage_problems(plan, to_stage, today=today)
    if problems:
        raise ValidationError(problems)
    change = PlanStageChange(plan=plan, from_stage=plan.stage, to_stage=to_stage, changed_by=by)
    change.full_clean()
    plan.stage = to_stage
    plan.full_clean()
    plan.save(update_fields=["stage", "updated_at"])
    change.save()
    follow_events.plan_stage_changed(change)
    return change
