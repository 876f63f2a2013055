"""Citizens' comments on plans under consultation and on commitments during implementation, and
readers' reports of them."""

import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Upper
from django.utils.translation import gettext, gettext_lazy as _

from consultations.models import ActionPlan, PlanOwned, PlanRowsQuerySet
from opengov.models import TimeStampedModel

from .base import merge_errors
from .commitments import Commitment

COMMENT_MAX_LENGTH = 3000


def moderation_urgency() -> Case:
    """0 for a comment waiting for a moderator, 1 for a reported one, 2 for the
    rest: the first key of the moderation queue's order. The same expression is indexed
    (comment_queue_idx), so the queue's first page is read from the index, not by sorting every
    comment; the index matches only while both are this one expression."""
    return Case(
        When(state="confirmed", then=Value(0)),
        When(report_count__gt=0, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


class CommentQuerySet(PlanRowsQuerySet):
    def by_urgency(self):
        """Waiting comments first, then reported ones, then the rest; newest first in each."""
        return self.annotate(_urgency=moderation_urgency()).order_by("_urgency", "-created_at")

    def published(self):
        return self.filter(state=Comment.State.PUBLISHED)

    def awaiting_moderation(self):
        return self.filter(state=Comment.State.CONFIRMED)


class Comment(PlanOwned, TimeStampedModel):
    """A citizen's comment on a plan under consultation (or on one of its commitments), or a
    question or comment on a commitment while the plan is adopted or implemented.

    Saved at once as pending; the e-mailed link confirms it; the plan's setting decides whether a
    confirmed comment is published at once or waits for a moderator. The e-mail is never shown.
    A closed plan takes no new comment, but its comments can still be moderated and answered.

    `phase` is fixed when the comment is posted (open_phase): the consultation on the draft and
    the dialogue during implementation (OGP Participation and Co-Creation Standard, requirement
    5) are two conversations, shown apart, and a reply stays in its comment's conversation.
    There is no separate "question" kind: citizens would have to classify what they write and
    moderators to correct it, while any message may get the council's official reply and the
    admin's "without an official reply" filter already lists what is still to answer.
    """

    CHANGES_AFTER_CLOSURE = True

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for e-mail confirmation")
        CONFIRMED = "confirmed", _("Waiting for moderation")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")

    class Phase(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        IMPLEMENTATION = "implementation", _("Implementation")

    # The stages in which citizens talk with the council about the commitments being implemented.
    DIALOGUE_STAGES = (ActionPlan.Stage.ADOPTED, ActionPlan.Stage.IMPLEMENTATION)

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="comments"
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    author_name = models.CharField(_("name"), max_length=80)
    email = models.EmailField(_("e-mail"))
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    phase = models.CharField(
        _("phase"), max_length=16, choices=Phase.choices, default=Phase.CONSULTATION
    )
    consent_at = models.DateTimeField(_("consent given at"))
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING, db_index=True
    )
    confirmation_sent_at = models.DateTimeField(
        _("confirmation e-mail sent at"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    moderators_notified_at = models.DateTimeField(
        _("moderators notified at"), null=True, blank=True
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    official_reply = models.TextField(_("official reply of the council"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    client_hash = models.CharField(_("client fingerprint"), max_length=64, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["plan", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(body__strip__gt=""),
                name="comment_body_not_empty",
                violation_error_message=_("Write your comment."),
            ),
            models.CheckConstraint(
                condition=~Q(state="hidden") | Q(hidden_reason__strip__gt=""),
                name="comment_hidden_has_reason",
                violation_error_message=_("Say why the comment is hidden."),
            ),
            models.CheckConstraint(
                condition=~Q(phase="implementation") | Q(commitment__isnull=False),
                name="comment_implementation_on_commitment",
                violation_error_message=_(
                    "During implementation, questions and comments are about a commitment."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "state", "created_at"], name="comment_plan_state_idx"),
            models.Index(fields=["commitment", "state"], name="comment_commitment_state_idx"),
            models.Index(
                moderation_urgency(),
                F("created_at").desc(),
                F("id").desc(),
                name="comment_queue_idx",
            ),
            # The admin's search (icontains: UPPER(column) LIKE '%...%') through trigrams.
            GinIndex(OpClass(Upper("body"), name="gin_trgm_ops"), name="comment_body_trgm_idx"),
            GinIndex(
                OpClass(Upper("author_name"), name="gin_trgm_ops"), name="comment_author_trgm_idx"
            ),
        ]

    def __str__(self) -> str:
        text = " ".join(self.body.split())
        return f"{self.author_name}: {text[:60]}{'…' if len(text) > 60 else ''}"

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            merge_errors(errors, error)
        if self.commitment_id and self.plan_id and self.commitment.plan_id != self.plan_id:
            errors["commitment"] = gettext("This commitment belongs to another plan.")
        if self.parent_id:
            parent = self.parent
            if parent.parent_id:
                errors["parent"] = gettext("Replies go to a comment, not to another reply.")
            elif parent.plan_id != self.plan_id or parent.commitment_id != self.commitment_id:
                errors["parent"] = gettext("The reply must be on the same page as the comment.")
            elif parent.phase != self.phase:
                errors["parent"] = gettext(
                    "This conversation is closed: write a new comment instead of a reply."
                )
        if self.phase == self.Phase.IMPLEMENTATION and not self.commitment_id:
            errors["commitment"] = gettext(
                "During implementation, questions and comments are about a commitment."
            )
        if self.state == self.State.HIDDEN and not self.hidden_reason.strip():
            errors["hidden_reason"] = gettext("Say why the comment is hidden.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def open_phase(
        cls, plan: ActionPlan, commitment: Commitment | None = None, on: datetime.date | None = None
    ) -> "Comment.Phase | None":
        """The conversation a new comment on this page (the plan's, or one of its commitments')
        joins, or None when the page takes none: the consultation while its window is open; on
        a commitment, the dialogue while the plan is adopted or implemented. Closed: None."""
        if plan.is_open_for_comments(on=on):
            return cls.Phase.CONSULTATION
        if commitment is not None and plan.stage in cls.DIALOGUE_STAGES:
            return cls.Phase.IMPLEMENTATION
        return None


class CommentReport(models.Model):
    """A reader's report of a comment; one per comment and reader fingerprint."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="reports"
    )
    client_hash = models.CharField(_("client fingerprint"), max_length=64)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["comment", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "client_hash"], name="commentreport_once_per_reader"
            )
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} · {self.created_at:%Y-%m-%d}"
