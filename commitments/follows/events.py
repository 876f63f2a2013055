"""Recording what followers are told about, in the transaction of the change itself.

Each service that makes a change worth telling calls one function here. The event is a row
(FollowEvent) saved with the change, so a change rolled back tells nobody, and a change saved
is told even when the broker is down at that moment: the fan-out is queued once the transaction
commits (robust), and the sweep (delivery.py) queues any event still waiting a few minutes
later. `key` names the change: recording the same change twice keeps one event."""

from __future__ import annotations

import hashlib

from django.db import transaction

from consultations.models import ActionPlan, Council, PlanStageChange, Proposal

from ..models import (
    Comment,
    Commitment,
    CommitmentAssessment,
    FollowEvent,
    IndicatorValue,
    MilestoneUpdate,
    PlanPublication,
)

Kind = FollowEvent.Kind


def record_event(
    *,
    kind: str,
    key: str,
    council: Council,
    plan: ActionPlan | None = None,
    commitment: Commitment | None = None,
    proposal: Proposal | None = None,
    comment: Comment | None = None,
    object_id: int | None = None,
    data: dict | None = None,
) -> FollowEvent:
    """The event named `key`, created if new (its fan-out then queued on commit). Call it
    inside the transaction of the change. Idempotent: a second call with the same key returns
    the first event and queues nothing."""
    event, created = FollowEvent.objects.get_or_create(
        key=key[:120],
        defaults={
            "kind": kind,
            "council": council,
            "plan": plan,
            "commitment": commitment,
            "proposal": proposal,
            "comment": comment,
            "object_id": object_id,
            "data": data or {},
        },
    )
    if created:
        from .fanout import fan_out_event

        transaction.on_commit(lambda: fan_out_event.delay(event.pk), robust=True)
    return event


# --- one function per kind of change, called by the services -----------------------------------


def _comment_event(kind: str, comment: Comment, key: str, data: dict | None = None):
    plan = comment.plan
    return record_event(
        kind=kind,
        key=key,
        council=plan.council,
        plan=plan,
        commitment=comment.commitment,
        comment=comment,
        object_id=comment.pk,
        data=data,
    )


def comment_published(comment: Comment) -> FollowEvent | None:
    """A comment became public (confirmed without moderation, or published by a moderator):
    recorded once per publication date (a moderator publishing it again keeps that date, so it
    tells nobody twice). Nothing is recorded for a comment that is not published."""
    if comment.state != Comment.State.PUBLISHED or comment.published_at is None:
        return None
    stamp = comment.published_at.isoformat()
    return _comment_event(
        Kind.COMMENT_PUBLISHED, comment, f"comment_published:{comment.pk}:{stamp}"
    )


def comment_hidden(comment: Comment) -> FollowEvent:
    """A moderator hid a comment; only its author is told, with the reason (hiding it again
    for the same reason tells nothing new)."""
    reason_key = hashlib.sha256(comment.hidden_reason.encode()).hexdigest()[:16]
    return _comment_event(
        Kind.COMMENT_HIDDEN,
        comment,
        f"comment_hidden:{comment.pk}:{reason_key}",
        {"reason": comment.hidden_reason},
    )


def comment_answered(comment: Comment) -> FollowEvent:
    """The council's official reply under a comment (a new reply replacing an earlier one is a
    new event). The reply's text is kept with the event: the mail says what was answered then."""
    return _comment_event(
        Kind.COMMENT_ANSWERED,
        comment,
        f"comment_answered:{comment.pk}:{comment.replied_at.isoformat()}",
        {"reply": comment.official_reply},
    )


def plan_stage_changed(change: PlanStageChange) -> FollowEvent:
    plan = change.plan
    return record_event(
        kind=Kind.PLAN_STAGE,
        key=f"plan_stage:{change.pk}",
        council=plan.council,
        plan=plan,
        object_id=change.pk,
        data={"from": change.from_stage, "to": change.to_stage},
    )


def plan_document_published(publication: PlanPublication) -> FollowEvent:
    """A publication's PDFs became the plan's current documents."""
    plan = publication.plan
    documents = {d.language: d.pk for d in publication.documents.all()}
    return record_event(
        kind=Kind.PLAN_DOCUMENT,
        key=f"plan_document:{publication.pk}",
        council=plan.council,
        plan=plan,
        object_id=publication.pk,
        data={"version": publication.version, "documents": documents},
    )


def _commitment_event(kind: str, commitment: Commitment, key: str, object_id, data: dict):
    plan = commitment.plan
    return record_event(
        kind=kind,
        key=key,
        council=plan.council,
        plan=plan,
        commitment=commitment,
        object_id=object_id,
        data=data,
    )


def milestone_update_data(update: MilestoneUpdate) -> dict:
    return {
        "milestone": update.milestone_id,
        "status": update.status,
        "completed_on": update.completed_on.isoformat() if update.completed_on else None,
        "note_ar": update.note_ar or "",
        "note_fr": update.note_fr or "",
    }


def milestone_updated(update: MilestoneUpdate) -> FollowEvent:
    return _commitment_event(
        Kind.MILESTONE_UPDATE,
        update.milestone.commitment,
        f"milestone_update:{update.pk}",
        update.pk,
        milestone_update_data(update),
    )


def indicator_valued(entry: IndicatorValue) -> FollowEvent:
    return _commitment_event(
        Kind.INDICATOR_VALUE,
        entry.indicator.commitment,
        f"indicator_value:{entry.pk}",
        entry.pk,
        {
            "indicator": entry.indicator_id,
            "value": str(entry.value),
            "measured_on": entry.measured_on.isoformat(),
        },
    )


def completion_changed(commitment: Commitment, before: str, after: str, *, cause: str):
    """The commitment's completion level went from `before` to `after` because of `cause` (the
    row that changed it, e.g. "milestone_update:12"). Nothing is recorded when it did not
    change."""
    if before == after:
        return None
    return _commitment_event(
        Kind.COMPLETION_LEVEL,
        commitment,
        f"completion_level:{commitment.pk}:{cause}",
        commitment.pk,
        {"from": before, "to": after},
    )


def final_assessment_filed(assessment: CommitmentAssessment) -> FollowEvent:
    """The monitoring body filed the end-of-commitment assessment (told once, when first
    filed: later corrections are not news)."""
    return _commitment_event(
        Kind.FINAL_ASSESSMENT,
        assessment.commitment,
        f"final_assessment:{assessment.pk}",
        assessment.pk,
        {"completion": assessment.completion, "opened_government": assessment.opened_government},
    )


def proposal_answered(proposal: Proposal) -> FollowEvent:
    return record_event(
        kind=Kind.PROPOSAL_ANSWERED,
        key=f"proposal_answered:{proposal.pk}:{proposal.responded_at.isoformat()}",
        council=proposal.council,
        plan=proposal.plan,
        proposal=proposal,
        object_id=proposal.pk,
        data={
            "status": proposal.status,
            "response_ar": proposal.response_ar,
            "response_fr": proposal.response_fr,
        },
    )


def _proposal_event(kind: str, proposal: Proposal, key: str, data: dict | None = None):
    return record_event(
        kind=kind,
        key=key,
        council=proposal.council,
        plan=proposal.plan,
        proposal=proposal,
        object_id=proposal.pk,
        data=data,
    )


def proposal_published(proposal: Proposal) -> FollowEvent | None:
    """A proposal sent online became public: told once (publishing it again after hiding it is
    not news). Nothing is recorded for a proposal that is not published."""
    if proposal.publication != Proposal.Publication.PUBLISHED:
        return None
    return _proposal_event(Kind.PROPOSAL_PUBLISHED, proposal, f"proposal_published:{proposal.pk}")


def proposal_hidden(proposal: Proposal) -> FollowEvent:
    """A moderator hid a proposal; only its author is told, with the reason (hiding it again
    for the same reason tells nothing new)."""
    reason_key = hashlib.sha256(proposal.hidden_reason.encode()).hexdigest()[:16]
    return _proposal_event(
        Kind.PROPOSAL_HIDDEN,
        proposal,
        f"proposal_hidden:{proposal.pk}:{reason_key}",
        {"reason": proposal.hidden_reason},
    )


def proposal_duplicate(duplicate: Proposal) -> FollowEvent:
    """A proposal was merged with the one kept (`duplicate.duplicate_of`): its followers are
    told which, by its title in both languages (the mail links its page)."""
    kept = duplicate.duplicate_of
    return _proposal_event(
        Kind.PROPOSAL_DUPLICATE,
        duplicate,
        f"proposal_duplicate:{duplicate.pk}:{kept.pk}",
        {
            "kept": kept.pk,
            "kept_title_ar": kept.title_ar or "",
            "kept_title_fr": kept.title_fr or "",
        },
    )


def proposal_commitment(proposal: Proposal, commitment: Commitment) -> FollowEvent:
    """A proposal fed a commitment (a new one, or one it was attached to): its followers are told
    which, with the council's reasoned response as it stands."""
    return _proposal_event(
        Kind.PROPOSAL_COMMITMENT,
        proposal,
        f"proposal_commitment:{proposal.pk}:{commitment.pk}",
        {
            "commitment": commitment.pk,
            "reference": commitment.reference,
            "commitment_title_ar": commitment.title_ar or "",
            "commitment_title_fr": commitment.title_fr or "",
            "status": proposal.status,
            "response_ar": proposal.response_ar or "",
            "response_fr": proposal.response_fr or "",
        },
    )
