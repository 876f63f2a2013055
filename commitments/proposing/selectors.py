"""The reads of a proposal's public page."""

from __future__ import annotations

from django.urls import reverse

from consultations.models import Proposal

from ..comments.services import mailbox_key
from ..follows.links import manage_token
from ..models import Commitment, Subscriber


def proposal_public(pk: int) -> Proposal | None:
    """A published proposal of a public plan, with what its page shows (one query)."""
    return (
        Proposal.objects.public()
        .select_related(
            "council", "plan__council", "workshop", "working_group", "theme", "duplicate_of"
        )
        .filter(pk=pk)
        .first()
    )


def proposal_page(proposal: Proposal) -> dict:
    """What a proposal's page shows besides the proposal: the commitments it became, and the
    published proposals merged with it."""
    commitments = list(
        Commitment.objects.filter(source_proposals=proposal)
        .of_public_plans()
        .select_related("plan__council")
        .order_by("plan__start_year", "reference")
    )
    # plan and duplicate_of too: the model's post_init hooks read them (consultations.counters),
    # and a deferred field would cost one query per row.
    duplicates = list(
        proposal.duplicates.public()
        .order_by("id")
        .only("id", "plan", "duplicate_of", "title_ar", "title_fr")
    )
    return {
        "proposal": proposal,
        "plan": proposal.plan,
        "council": proposal.council,
        "commitments": commitments,
        "duplicates": duplicates,
    }


def manage_url(email: str) -> str | None:
    """The page where the mailbox of `email` manages what it follows, once it follows anything."""
    subscriber = Subscriber.objects.filter(mailbox=mailbox_key(email)).first()
    if subscriber is None:
        return None
    return reverse("commitments:follow_manage", args=[manage_token(subscriber)])
