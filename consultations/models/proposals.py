"""What was proposed during co-creation, and the council's answer."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from opengov.models import BilingualModel, TimeStampedModel, in_one_language_constraint

from .councils import Council, Theme
from .plans import ActionPlan, PlanOwned, PlanRowsQuerySet
from .workshops import WorkingGroup, Workshop

# The searched texts by weight letter: titles (A) above texts (B) above the council's answers
# (C). The trigger of migration 0018 weighs these columns into search_document; the search on
# SQLite reads them directly (opengov.search.query.matching).
PROPOSAL_SEARCH_WEIGHTS = {
    "A": ("title_ar", "title_fr"),
    "B": ("body_ar", "body_fr"),
    "C": ("response_ar", "response_fr"),
}


def answered_condition() -> Q:
    """Proposals whose fate is settled: retained or merged, or not retained with a reason, and
    duplicates merged with another proposal (the kept one carries the answer)."""
    has_response = (Q(response_ar__isnull=False) & Q(response_ar__strip__gt="")) | (
        Q(response_fr__isnull=False) & Q(response_fr__strip__gt="")
    )
    return (
        Q(status__in=[Proposal.Status.RETAINED, Proposal.Status.MERGED])
        | (Q(status=Proposal.Status.NOT_RETAINED) & has_response)
        | Q(duplicate_of__isnull=False)
    )


class ProposalQuerySet(PlanRowsQuerySet):
    def answered(self):
        return self.filter(answered_condition())

    def unanswered(self):
        return self.exclude(pk__in=self.answered().values("pk"))

    def public(self):
        """Proposals citizens may read: those of a public plan that are published (a proposal
        sent online waits for its author's confirmation, and perhaps for a moderator)."""
        return self.of_public_plans().published()

    def published(self):
        """Entered by staff, or sent online, confirmed and approved: those a plan answers."""
        return self.filter(publication=Proposal.Publication.PUBLISHED)

    def awaiting_moderation(self):
        return self.filter(publication=Proposal.Publication.AWAITING)


class Proposal(PlanOwned, BilingualModel, TimeStampedModel):
    """A problem, solution, proposal or recommendation from a working group or sent online."""

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Problem")
        SOLUTION = "solution", _("Solution")
        PROPOSAL = "proposal", _("Proposal")
        RECOMMENDATION = "recommendation", _("Recommendation")

    class Publication(models.TextChoices):
        # Staff-entered proposals are published when saved; those sent online go through the
        # first two states, as comments do.
        PENDING = "pending", _("Waiting for e-mail confirmation")
        AWAITING = "awaiting", _("Waiting for moderation")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_REVIEW = "under_review", _("Under review")
        RETAINED = "retained", _("Retained")
        MERGED = "merged", _("Merged into a commitment")
        NOT_RETAINED = "not_retained", _("Not retained")

    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text=_("Taken from the working group's workshop when there is one."),
    )
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("workshop"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("Filled from the working group when there is one."),
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("working group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("Leave empty for a proposal sent online."),
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROPOSAL)
    title = models.CharField(_("title"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    submitted_by = models.CharField(
        _("submitted by"),
        max_length=255,
        blank=True,
        help_text=_("Organisation or person who made the proposal."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    response = models.TextField(
        _("reasoned response"),
        blank=True,
        help_text=_("Why the proposal was retained, merged or not retained."),
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Sent online (no workshop): who wrote it (never shown but the municipality), how it was
    # confirmed and moderated. A duplicate points publicly to the proposal it was merged with.
    residence = models.CharField(_("municipality of residence"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    publication = models.CharField(
        _("publication"),
        max_length=12,
        choices=Publication.choices,
        default=Publication.PUBLISHED,
    )
    confirmation_sent_at = models.DateTimeField(
        _("confirmation e-mail sent at"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    moderators_notified_at = models.DateTimeField(
        _("moderators notified at"), null=True, blank=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    client_hash = models.CharField(_("client fingerprint"), max_length=64, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("merged with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        help_text=_("The proposal this one duplicates; its supports and followers went there."),
    )
    # Confirmed supports, kept by the support services (F() + 1), read by lists and exports.
    support_count = models.PositiveIntegerField(_("supports"), default=0, editable=False)
    # Written by a PostgreSQL trigger from PROPOSAL_SEARCH_WEIGHTS on every insert and update
    # (whatever writes: the admin, imports, bulk COPY); stays empty on SQLite, whose search
    # reads the text columns instead. Stored so that a search does not parse every row's text.
    search_document = SearchVectorField(null=True, editable=False)

    objects = ProposalQuerySet.as_manager()

    required_in_one_language = ("title",)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["id"]
        permissions = [
            ("answer_proposal", _("Can answer proposals and turn them into commitments")),
            (
                "moderate_proposal",
                _("Can publish, hide and merge proposals sent online, and attach them to a theme"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(workshop__isnull=False) | Q(plan__isnull=False),
                name="proposal_has_workshop_or_plan",
            ),
            in_one_language_constraint("proposal", "title"),
            models.CheckConstraint(
                condition=~Q(publication="hidden") | Q(hidden_reason__strip__gt=""),
                name="proposal_hidden_has_reason",
                violation_error_message=_("Say why the proposal is hidden."),
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=F("pk")),
                name="proposal_not_its_own_duplicate",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "status"], name="proposal_plan_status_idx"),
            models.Index(fields=["council", "status"], name="proposal_council_status_idx"),
            models.Index(fields=["theme", "kind"], name="proposal_theme_kind_idx"),
            # The public list's order (newest first), read backwards.
            models.Index(fields=["created_at", "id"], name="proposal_recent_idx"),
            # Sort by support within a plan; the moderators' queue, oldest first.
            models.Index(fields=["plan", "support_count", "id"], name="proposal_plan_support_idx"),
            # Sort by support across the network (the list without a plan): read backwards, a
            # page is a short index scan instead of a sort of 500,000 rows (0.9 s).
            models.Index(fields=["support_count", "id"], name="proposal_support_idx"),
            models.Index(
                fields=["publication", "created_at"],
                name="proposal_moderation_idx",
                condition=~Q(publication="published"),
            ),
            # PostgreSQL only (see migration 0008): the stored search document.
            GinIndex(fields=["search_document"], name="proposal_search_document_gin"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # A proposal's page takes supports and follows: it is served by the commitments app.
        return reverse("commitments:proposal", args=[self.pk])

    @property
    def merged_into(self) -> "Proposal | None":
        """The proposal this duplicate was merged with, when that one is published (same plan,
        so as public as this one): a page or a PDF never names a hidden or unconfirmed
        proposal. Reads duplicate_of: select it with the proposal."""
        kept = self.duplicate_of if self.duplicate_of_id else None
        if kept is None or kept.publication != self.Publication.PUBLISHED:
            return None
        return kept

    @property
    def is_online(self) -> bool:
        return self.workshop_id is None

    def sync_links(self) -> None:
        """Derive workshop, council, plan and theme from the working group (or the workshop,
        or for a proposal sent online the plan), so the denormalised links always match."""
        if self.working_group_id:
            self.workshop_id = self.working_group.workshop_id
            if not self.theme_id and self.working_group.theme_id:
                self.theme_id = self.working_group.theme_id
        if self.workshop_id:
            workshop = self.workshop
            self.council_id = workshop.council_id
            if workshop.plan_id:
                self.plan_id = workshop.plan_id
        elif self.plan_id:
            self.council_id = self.plan.council_id

    def clean(self) -> None:
        errors = {}
        if (
            self.working_group_id
            and self.workshop_id
            and self.working_group.workshop_id != self.workshop_id
        ):
            errors["working_group"] = gettext("This working group belongs to another workshop.")
        else:
            self.sync_links()
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
        if not self.workshop_id and not self.plan_id:
            errors["plan"] = gettext(
                "Choose the workshop the proposal came from, or the action plan it was sent to "
                "online."
            )
        if self.publication == self.Publication.HIDDEN and not self.hidden_reason.strip():
            errors["hidden_reason"] = gettext("Say why the proposal is hidden.")
        if self.duplicate_of_id:
            kept = self.duplicate_of
            if self.pk and kept.pk == self.pk:
                errors["duplicate_of"] = gettext("A proposal cannot duplicate itself.")
            elif kept.duplicate_of_id:
                errors["duplicate_of"] = gettext(
                    "That proposal was itself merged with another: choose the one it was merged "
                    "with."
                )
            elif kept.plan_id != self.plan_id:
                errors["duplicate_of"] = gettext("Duplicates are merged within one plan.")
        if self.plan_id and self.council_id and self.plan.council_id != self.council_id:
            errors["plan"] = gettext("The action plan must be one of this council's plans.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        self.sync_links()
        super().save(*args, **kwargs)
