"""The proposals dataset, and the one reading of proposals the API shares with it: the published
proposals of public plans, from workshops and sent online alike (`online`), with their confirmed
supports and, for a merged duplicate, the public proposal it was merged with. Never the author's
e-mail, consent, client fingerprint or moderation data."""

from django.db.models import Case, Exists, F, IntegerField, OuterRef, QuerySet, When
from django.utils.translation import gettext_noop

from consultations.models import Proposal

from .tables import LANGS, Dataset, bilingual


def proposals_open_data() -> QuerySet:
    """Published proposals of public plans (Proposal.objects.public()), each annotated with
    `public_duplicate_of_id`: the proposal it was merged with when that one is public too, else
    None (a duplicate never names a hidden or unconfirmed proposal). The check runs only for
    duplicates, one index probe each."""
    kept_is_public = Exists(Proposal.objects.public().filter(pk=OuterRef("duplicate_of_id")))
    # CASE tests its branches in order: the subquery runs for duplicates only.
    return Proposal.objects.public().annotate(
        public_duplicate_of_id=Case(
            When(duplicate_of__isnull=True, then=None),
            When(kept_is_public, then=F("duplicate_of_id")),
            default=None,
            output_field=IntegerField(),
        )
    )


PROPOSALS = Dataset(
    "proposals",
    gettext_noop(
        "Published proposals, from workshops and sent online, with their status and the council's "
        "reasoned response. online: true when sent online (no workshop); submitted_by the "
        "organisation or person who made it, residence the municipality of residence its author "
        "gave (sent online); support_count the confirmed supports of citizens (a signal for the "
        "coordinator, not a vote); duplicate_of_id the proposal it was merged with, when staff "
        "merged it as a duplicate. Proposals waiting for confirmation or moderation, or hidden, are"
        " never included, nor any e-mail address."
    ),
    [
        "id",
        "council",
        "plan_id",
        "workshop_id",
        "working_group_id",
        "theme",
        "kind",
        *bilingual("title", "body", "response"),
        "submitted_by",
        "status",
        "responded_at",
        "online",
        "residence",
        "support_count",
        "duplicate_of_id",
    ],
    lambda: proposals_open_data().select_related("council", "theme").order_by("id"),
    lambda p: [
        p.pk,
        p.council.slug,
        p.plan_id or "",
        p.workshop_id or "",
        p.working_group_id or "",
        p.theme.slug if p.theme else "",
        p.kind,
        *[getattr(p, f"{n}_{code}") or "" for n in ("title", "body", "response") for code in LANGS],
        p.submitted_by,
        p.status,
        p.responded_at,
        p.is_online,
        p.residence,
        p.support_count,
        p.public_duplicate_of_id or "",
    ],
)
