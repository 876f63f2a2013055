"""Proposals sent online and supports: the citizens' writes (post, confirm, support, confirm a
support) and the purge of what was never confirmed.

As with comments, nothing a citizen typed is lost because a service is down: the row is saved
first, its confirmation e-mail queued once the transaction commits (confirmation.py, whose sweep
queues again those that never went), and the rate limits let posts through without the cache."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from consultations.models import ActionPlan, Proposal, ProposalSupport, Theme
from opengov import dataversion

from ..comments.services import clean_text, keyed_hash, mailbox_key
from ..follows import services as follows
from .confirmation import (
    CONFIRMATION_MAX_AGE,
    queue_proposal_confirmation,
    queue_support_confirmation,
)

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 5000
ORGANISATION_MAX_LENGTH = 120
RESIDENCE_MAX_LENGTH = 120


def closed_message(plan: ActionPlan) -> str:
    """Why this plan takes no proposal now."""
    if plan.proposals_opens_on and timezone.localdate() < plan.proposals_opens_on:
        return gettext("This plan takes proposals online from %(date)s.") % {
            "date": plan.proposals_opens_on.isoformat()
        }
    return gettext("This plan does not take proposals online now.")


@transaction.atomic
def proposal_post(
    *,
    plan: ActionPlan,
    kind: str,
    theme: Theme | None,
    title: str,
    body: str,
    organisation: str = "",
    residence: str = "",
    email: str,
    language: str,
    fingerprint: str,
) -> Proposal:
    """Save a citizen's proposal, sent online to `plan`, as pending (in the language it was
    written in; the other stays empty) and queue its confirmation e-mail. Refused
    (ValidationError, nothing saved) outside the plan's proposals window and for invalid fields."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)  # a window closing meanwhile
    if not plan.is_open_for_proposals():
        raise ValidationError(closed_message(plan))
    if kind not in Proposal.Kind.values:
        raise ValidationError({"kind": gettext("Choose what you are sending.")})
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(gettext("Write your proposal in Arabic or in French."))
    title, body = clean_text(title), clean_text(body)
    if not title or not body:
        raise ValidationError(gettext("Give your proposal a title and write it."))
    proposal = Proposal(
        plan=plan,
        council_id=plan.council_id,
        kind=kind,
        theme=theme,
        submitted_by=clean_text(organisation)[:ORGANISATION_MAX_LENGTH],
        residence=clean_text(residence)[:RESIDENCE_MAX_LENGTH],
        email=email.strip(),
        language=language,
        consent_at=timezone.now(),
        publication=Proposal.Publication.PENDING,
        client_hash=fingerprint,
    )
    setattr(proposal, f"title_{language}", title)
    setattr(proposal, f"body_{language}", body)
    proposal.full_clean()
    proposal.save()
    queue_proposal_confirmation(proposal)
    return proposal


def proposal_confirm(*, proposal: Proposal) -> Proposal:
    """Confirm a pending online proposal (the e-mailed link, single use): published at once or
    waiting for a moderator, as the plan says; its author follows it from now on, so is told
    when it is answered, merged or turned into a commitment. One already confirmed is returned
    unchanged."""
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("plan__council")
            .get(pk=proposal.pk)
        )
        if proposal.publication != Proposal.Publication.PENDING:
            return proposal
        now = timezone.now()
        proposal.confirmed_at = now
        if proposal.plan.proposals_need_moderation:
            proposal.publication = Proposal.Publication.AWAITING
        else:
            proposal.publication = Proposal.Publication.PUBLISHED
            proposal.published_at = now
        proposal.save(update_fields=["publication", "confirmed_at", "published_at", "updated_at"])
        follows.follow_own(
            target=proposal,
            email=proposal.email,
            language=proposal.language or "ar",
            consent_at=proposal.consent_at or now,
        )
    return proposal


# --- supports ------------------------------------------------------------------------------------


def support_refusal(proposal: Proposal) -> str | None:
    """Why `proposal` takes no support now, or None: a published proposal that was not merged
    into another, of a plan whose proposals window is open."""
    if proposal.publication != Proposal.Publication.PUBLISHED or not proposal.plan_id:
        return gettext("This proposal cannot be supported.")
    if proposal.duplicate_of_id:
        return gettext("This proposal was merged with another one: support that one instead.")
    if not proposal.plan.is_open_for_proposals():
        return gettext("Supports are taken while the plan's proposals window is open.")
    return None


def mailbox_fingerprint(email: str) -> str:
    """What a support keeps of the address: a keyed hash of the mailbox (mailbox_key), the same
    however the address is written, useless to find the address."""
    return keyed_hash(f"support:{mailbox_key(email)}")


def support_request(
    *, proposal: Proposal, email: str, language: str, fingerprint: str
) -> tuple[ProposalSupport, bool]:
    """Ask to support `proposal` for the mailbox `email` reaches, and queue the confirmation
    e-mail. Returns (support, created): a mailbox that already supports it (or was asked to)
    gets no second row; a pending one whose e-mail never went gets its e-mail queued again.
    Refused (ValidationError, nothing saved) when the proposal takes no support."""
    refusal = support_refusal(proposal)
    if refusal:
        raise ValidationError(refusal)
    mailbox = mailbox_fingerprint(email)
    try:
        with transaction.atomic():
            support = ProposalSupport.objects.create(
                proposal=proposal,
                mailbox=mailbox,
                email=email.strip(),
                language=language,
                client_hash=fingerprint,
            )
            queue_support_confirmation(support)
    except IntegrityError:  # this mailbox already asked (one support per mailbox)
        support = ProposalSupport.objects.get(proposal=proposal, mailbox=mailbox)
        return support, False
    return support, True


def support_confirm(*, support: ProposalSupport) -> ProposalSupport:
    """Confirm a pending support (single use): counted on its proposal, and the address erased.
    One already confirmed is returned unchanged; a proposal that no longer takes supports
    (merged, hidden, window closed) refuses it (ValidationError)."""
    with transaction.atomic():
        support = (
            ProposalSupport.objects.select_for_update(of=("self",))
            .select_related("proposal__plan__council")
            .get(pk=support.pk)
        )
        if support.state != ProposalSupport.State.PENDING:
            return support
        refusal = support_refusal(support.proposal)
        if refusal:
            raise ValidationError(refusal)
        support.state = ProposalSupport.State.CONFIRMED
        support.confirmed_at = timezone.now()
        support.email = ""
        support.save(update_fields=["state", "confirmed_at", "email"])
        # The count is written with an UPDATE (no history, no signal); the pages that show it
        # (the council's, the lists) are refreshed here.
        Proposal.objects.filter(pk=support.proposal_id).update(support_count=F("support_count") + 1)
        slug = support.proposal.plan.council.slug
        transaction.on_commit(lambda: dataversion.bump([slug]))
    return support


def proposing_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete what the law 09-08 notice says is not kept: proposals and supports never confirmed
    once their link has expired."""
    now = now or timezone.now()
    expired = now - datetime.timedelta(seconds=CONFIRMATION_MAX_AGE)
    supports, _ = ProposalSupport.objects.filter(
        state=ProposalSupport.State.PENDING, created_at__lt=expired
    ).delete()
    proposals = 0
    for proposal in Proposal.objects.filter(
        publication=Proposal.Publication.PENDING, workshop__isnull=True, created_at__lt=expired
    ):
        proposal.delete()  # one by one: the plan's counters and history follow the delete
        proposals += 1
    return {"proposals": proposals, "supports": supports}


@shared_task(name="commitments.purge_proposing")
def purge_proposing() -> dict[str, int]:
    return proposing_purge()
