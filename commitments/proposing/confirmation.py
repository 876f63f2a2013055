"""The e-mails that confirm a proposal sent online and a support: their signed links, the Celery
tasks that send each once (queued when the row is saved) and the periodic sweep that queues
again those that never went (broker or mail server down)."""

from __future__ import annotations

import datetime
import hashlib

from celery import shared_task
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from consultations.models import Proposal, ProposalSupport
from opengov.mailing import retry_delay, send_once
from opengov.urls_absolute import absolute_url

PROPOSAL_SALT = "commitments.proposal-confirmation"
SUPPORT_SALT = "commitments.support-confirmation"
CONFIRMATION_MAX_AGE = 7 * 24 * 3600


def _email_key(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()[:16]


# --- signed links --------------------------------------------------------------------------------
# What is signed ties a link to the address it was sent to (a proposal) or to the mailbox (a
# support, whose address is erased once confirmed): a link works for nothing else.


def proposal_token(proposal: Proposal) -> str:
    data = {"p": proposal.pk, "e": _email_key(proposal.email)}
    return signing.dumps(data, salt=PROPOSAL_SALT, compress=True)


def proposal_from_token(token: str) -> Proposal | None:
    """The online proposal a valid, unexpired token names; None otherwise."""
    try:
        data = signing.loads(token, salt=PROPOSAL_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    proposal = (
        Proposal.objects.select_related("plan__council", "theme")
        .filter(pk=data.get("p"), workshop__isnull=True)
        .first()
    )
    if proposal is None or not proposal.email or _email_key(proposal.email) != data.get("e"):
        return None
    return proposal


def support_token(support: ProposalSupport) -> str:
    data = {"s": support.pk, "m": support.mailbox[:16]}
    return signing.dumps(data, salt=SUPPORT_SALT, compress=True)


def support_from_token(token: str) -> ProposalSupport | None:
    try:
        data = signing.loads(token, salt=SUPPORT_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    support = (
        ProposalSupport.objects.select_related("proposal__plan__council")
        .filter(pk=data.get("s"))
        .first()
    )
    if support is None or support.mailbox[:16] != data.get("m"):
        return None
    return support


# --- the e-mails ---------------------------------------------------------------------------------


def _message(template: str, context: dict, email: str, language: str) -> EmailMultiAlternatives:
    with translation.override(language):
        subject = render_to_string(f"commitments/email/{template}_subject.txt", context)
        body = render_to_string(f"commitments/email/{template}_body.txt", context)
    return EmailMultiAlternatives(" ".join(subject.split()), body, None, [email])


def proposal_message(proposal: Proposal) -> EmailMultiAlternatives:
    with translation.override(proposal.language):
        link = absolute_url(
            reverse("commitments:proposal_confirm", args=[proposal_token(proposal)])
        )
    context = {"proposal": proposal, "plan": proposal.plan, "link": link}
    return _message("proposal_confirmation", context, proposal.email, proposal.language)


def support_message(support: ProposalSupport) -> EmailMultiAlternatives:
    with translation.override(support.language):
        link = absolute_url(reverse("commitments:support_confirm", args=[support_token(support)]))
        page = absolute_url(support.proposal.get_absolute_url())
    context = {"proposal": support.proposal, "plan": support.proposal.plan, "link": link}
    context["page"] = page
    return _message("support_confirmation", context, support.email, support.language)


def queue_proposal_confirmation(proposal: Proposal) -> None:
    """Queue the e-mail once the transaction commits. robust: with the broker down the proposal
    is still saved, and the sweep queues its e-mail later."""
    pk = proposal.pk
    transaction.on_commit(lambda: send_proposal_confirmation.delay(pk), robust=True)


def queue_support_confirmation(support: ProposalSupport) -> None:
    pk = support.pk
    transaction.on_commit(lambda: send_support_confirmation.delay(pk), robust=True)


def proposal_confirmation_send(pk: int) -> bool:
    return send_once(
        Proposal.objects.select_related("plan__council"),
        pk,
        due=lambda proposal: (
            proposal.publication == Proposal.Publication.PENDING and bool(proposal.email)
        ),
        message=proposal_message,
    )


def support_confirmation_send(pk: int) -> bool:
    return send_once(
        ProposalSupport.objects.select_related("proposal__plan__council"),
        pk,
        due=lambda support: support.state == ProposalSupport.State.PENDING and bool(support.email),
        message=support_message,
    )


_MAIL_TASK = {"bind": True, "acks_late": True, "reject_on_worker_lost": True, "max_retries": 8}


@shared_task(name="commitments.send_proposal_confirmation", **_MAIL_TASK)
def send_proposal_confirmation(self, pk: int) -> bool:
    """Retried with backoff while the mail server or the database is down (the sweep covers a
    longer outage)."""
    try:
        return proposal_confirmation_send(pk)
    except (OSError, DatabaseError) as error:
        raise self.retry(exc=error, countdown=retry_delay(self.request.retries)) from error


@shared_task(name="commitments.send_support_confirmation", **_MAIL_TASK)
def send_support_confirmation(self, pk: int) -> bool:
    try:
        return support_confirmation_send(pk)
    except (OSError, DatabaseError) as error:
        raise self.retry(exc=error, countdown=retry_delay(self.request.retries)) from error


def proposing_requeue_confirmations(older_than_minutes: int = 5) -> int:
    """Queue again the confirmation e-mails that never went, for links not yet expired."""
    now = timezone.now()
    window = {
        "confirmation_sent_at__isnull": True,
        "created_at__lt": now - datetime.timedelta(minutes=older_than_minutes),
        "created_at__gt": now - datetime.timedelta(seconds=CONFIRMATION_MAX_AGE),
    }
    count = 0
    proposals = Proposal.objects.filter(publication=Proposal.Publication.PENDING, **window)
    for pk in proposals.values_list("pk", flat=True):
        send_proposal_confirmation.delay(pk)
        count += 1
    supports = ProposalSupport.objects.filter(state=ProposalSupport.State.PENDING, **window)
    for pk in supports.values_list("pk", flat=True):
        send_support_confirmation.delay(pk)
        count += 1
    return count


@shared_task(name="commitments.requeue_proposing_confirmations")
def requeue_proposing_confirmations() -> int:
    return proposing_requeue_confirmations()
