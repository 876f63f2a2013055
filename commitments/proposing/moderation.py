"""The moderators' writes on proposals sent online: publish, hide with a reason, merge a
duplicate into the proposal kept, attach to a working group's theme. Every function is atomic,
locks the proposals it changes, validates with full_clean() and raises ValidationError (in the
active language) with the database unchanged; each records the event its followers are told of
in the same transaction (commitments.follows.events)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from consultations.counters import refresh_support_counts
from consultations.models import (
    Proposal,
    ProposalSupport,
    Theme,
    WorkingGroup,
    ensure_plan_open,
)
from opengov import dataversion

from ..comments.services import clean_text
from ..follows import events as follow_events
from ..models import Follow

Publication = Proposal.Publication


def _locked(proposal: Proposal) -> Proposal:
    """The proposal as stored, its row locked until the transaction ends."""
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("plan__council", "council")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def proposal_publish(*, proposal: Proposal, by: AbstractBaseUser | None) -> Proposal:
    """Publish a proposal waiting for moderation (or hidden earlier). Idempotent: publishing a
    published proposal keeps its first publication date, and its followers are told once."""
    proposal = _locked(proposal)
    ensure_plan_open(proposal.plan)
    if proposal.publication == Publication.PENDING:
        raise ValidationError(gettext("Its author has not confirmed this proposal yet."))
    proposal.publication = Publication.PUBLISHED
    proposal.published_at = proposal.published_at or timezone.now()
    proposal.hidden_reason = ""
    proposal.moderated_by = by
    proposal.full_clean()
    proposal.save()
    follow_events.proposal_published(proposal)
    return proposal


@transaction.atomic
def proposal_hide(*, proposal: Proposal, reason: str, by: AbstractBaseUser | None) -> Proposal:
    """Hide a proposal with the moderator's reason, told to its author only."""
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"hidden_reason": gettext("Say why the proposal is hidden.")})
    proposal = _locked(proposal)
    ensure_plan_open(proposal.plan)
    proposal.publication = Publication.HIDDEN
    proposal.hidden_reason = reason
    proposal.moderated_by = by
    proposal.full_clean()
    proposal.save()
    follow_events.proposal_hidden(proposal)
    return proposal


def _merge_problems(duplicate: Proposal, kept: Proposal) -> list[str]:
    if duplicate.pk == kept.pk:
        return [gettext("A proposal cannot be merged with itself.")]
    problems = []
    if duplicate.plan_id is None or duplicate.plan_id != kept.plan_id:
        problems.append(gettext("Duplicates are merged within one plan."))
    if kept.duplicate_of_id:
        problems.append(
            gettext(
                "The proposal kept was itself merged with another: keep the one it was merged with."
            )
        )
    if duplicate.duplicate_of_id and duplicate.duplicate_of_id != kept.pk:
        problems.append(gettext("This proposal was already merged with another one."))
    if kept.publication != Publication.PUBLISHED:
        problems.append(
            gettext("Publish the proposal kept first: its page is where the duplicate leads.")
        )
    return problems


@transaction.atomic
def proposal_merge(*, duplicate: Proposal, kept: Proposal, by: AbstractBaseUser | None) -> Proposal:
    """Merge `duplicate` into `kept` (same plan; kept published and no duplicate itself).

    The duplicate then points to the kept one (publicly); its supports move there, except
    those of mailboxes that already support the kept one (one support per mailbox), and both
    counts are recounted from the rows; the duplicate's active followers follow the kept
    proposal too (those already following it, or who stopped, are left as they are); the
    proposals merged earlier into the duplicate now point to the kept one. Its followers are
    told, with the kept proposal's title. Idempotent: merging again changes nothing."""
    first, second = sorted([duplicate, kept], key=lambda p: p.pk)
    locked = {first.pk: _locked(first)}
    locked[second.pk] = locked.get(second.pk) or _locked(second)
    duplicate, kept = locked[duplicate.pk], locked[kept.pk]
    problems = _merge_problems(duplicate, kept)
    if problems:
        raise ValidationError(problems)
    ensure_plan_open(kept.plan)

    duplicate.duplicate_of = kept
    duplicate.moderated_by = by
    duplicate.full_clean()
    duplicate.save()
    Proposal.objects.filter(duplicate_of=duplicate).update(duplicate_of=kept)

    # Pending supports move too: their confirmation then counts for the proposal kept.
    taken = ProposalSupport.objects.filter(proposal=kept).values("mailbox")
    ProposalSupport.objects.filter(proposal=duplicate).exclude(mailbox__in=taken).update(
        proposal=kept
    )
    # Both counts from the rows (the caller's bump below refreshes the pages that show them).
    refresh_support_counts([duplicate.pk, kept.pk])
    duplicate.refresh_from_db(fields=["support_count"])
    kept.refresh_from_db(fields=["support_count"])

    following_kept = Follow.objects.filter(proposal=kept).values("subscriber")
    now = timezone.now()
    Follow.objects.bulk_create(
        [
            Follow(
                subscriber_id=follow.subscriber_id,
                proposal=kept,
                state=Follow.State.ACTIVE,
                frequency=follow.frequency,
                language=follow.language,
                source=follow.source,
                consent_at=follow.consent_at,
                confirmed_at=follow.confirmed_at or now,
            )
            for follow in Follow.objects.active()
            .filter(proposal=duplicate)
            .exclude(subscriber__in=following_kept)
        ],
        ignore_conflicts=True,
    )
    follow_events.proposal_duplicate(duplicate)
    slug = kept.plan.council.slug
    dataversion.bump_now_and_on_commit([slug])
    return duplicate


def _plan_themes(proposal: Proposal):
    return Theme.objects.filter(
        pk__in=WorkingGroup.objects.filter(
            workshop__plan_id=proposal.plan_id, theme__isnull=False
        ).values("theme")
    )


def proposal_themes(proposal: Proposal):
    """The themes an online proposal may be attached to: those of its plan's working groups."""
    return _plan_themes(proposal).order_by("pk")


@transaction.atomic
def proposal_set_theme(
    *, proposal: Proposal, theme: Theme, by: AbstractBaseUser | None
) -> Proposal:
    """Attach a proposal sent online to the theme of one of its plan's working groups, so it
    is read with the proposals of that group. It stays a proposal sent online."""
    proposal = _locked(proposal)
    ensure_plan_open(proposal.plan)
    if not proposal.is_online:
        raise ValidationError(
            gettext("Only a proposal sent online is attached to a working group's theme.")
        )
    if not _plan_themes(proposal).filter(pk=theme.pk).exists():
        raise ValidationError(
            {"theme": gettext("Choose the theme of one of this plan's working groups.")}
        )
    proposal.theme = theme
    proposal.full_clean()
    proposal.save()
    return proposal
