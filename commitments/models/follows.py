"""Citizens following a council, a plan, a commitment, a proposal or a comment thread by e-mail,
and what they are told.

A mailbox is a `Subscriber` (one row per mailbox, whatever way the address is written); each thing
it follows is a `Follow`, pending until the e-mailed link confirms it. What happens on a followed
thing is a `FollowEvent`, recorded in the same transaction as the change; the fan-out turns it
into one `Notification` per subscriber (never two: a unique constraint), which the delivery sends
at once (several batched in one e-mail) or in the weekly digest."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consultations.models import ActionPlan, Council, Proposal
from opengov.models import TimeStampedModel

from .comments import Comment
from .commitments import Commitment

FOLLOW_TARGETS = ("council", "plan", "commitment", "proposal", "comment")


def new_subscriber_key() -> str:
    return secrets.token_hex(16)


class Subscriber(TimeStampedModel):
    """One mailbox. `key` is part of every link the portal mails it (manage, unsubscribe): a new
    key makes every earlier link useless, which is what leaving everything does."""

    email = models.EmailField(_("e-mail"))
    mailbox = models.CharField(_("mailbox"), max_length=320, unique=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    key = models.CharField(_("link key"), max_length=32, default=new_subscriber_key)
    confirmed_at = models.DateTimeField(_("first confirmed at"), null=True, blank=True)
    last_digest_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{_('subscriber')} {self.pk}"


class FollowQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state=Follow.State.ACTIVE)


class Follow(TimeStampedModel):
    """One mailbox following one thing (exactly one of the five targets is set)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for e-mail confirmation")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Stopped")

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        WEEKLY = "weekly", _("Weekly digest")

    class Source(models.TextChoices):
        FORM = "form", _("Follow form")
        COMMENT = "comment", _("Own comment")
        PROPOSAL = "proposal", _("Own proposal")

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="follows"
    )
    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment thread"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.FORM
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("confirmation e-mail sent at"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    client_hash = models.CharField(_("client fingerprint"), max_length=64, blank=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(council__isnull=False, plan__isnull=True, commitment__isnull=True)
                    & Q(proposal__isnull=True, comment__isnull=True)
                )
                | (
                    Q(council__isnull=True, plan__isnull=False, commitment__isnull=True)
                    & Q(proposal__isnull=True, comment__isnull=True)
                )
                | (
                    Q(council__isnull=True, plan__isnull=True, commitment__isnull=False)
                    & Q(proposal__isnull=True, comment__isnull=True)
                )
                | (
                    Q(council__isnull=True, plan__isnull=True, commitment__isnull=True)
                    & Q(proposal__isnull=False, comment__isnull=True)
                )
                | (
                    Q(council__isnull=True, plan__isnull=True, commitment__isnull=True)
                    & Q(proposal__isnull=True, comment__isnull=False)
                ),
                name="follow_exactly_one_target",
                violation_error_message=_("A follow is of exactly one thing."),
            ),
            *(
                models.UniqueConstraint(
                    fields=["subscriber", target],
                    condition=Q(**{f"{target}__isnull": False}),
                    name=f"follow_once_per_{target}",
                )
                for target in FOLLOW_TARGETS
            ),
        ]
        indexes = [
            models.Index(fields=[target, "state"], name=f"follow_{target}_state_idx")
            for target in FOLLOW_TARGETS
        ]

    def __str__(self) -> str:
        return f"{self.target_kind} {self.target_id} · {self.get_state_display()}"

    @property
    def target_kind(self) -> str:
        return next(t for t in FOLLOW_TARGETS if getattr(self, f"{t}_id") is not None)

    @property
    def target_id(self) -> int:
        return getattr(self, f"{self.target_kind}_id")

    @property
    def target(self) -> models.Model:
        return getattr(self, self.target_kind)


class FollowEvent(models.Model):
    """Something followers are told about, recorded with the change itself. `key` names the
    change (kind and the row it is about, and for a change of state the new state): recording
    the same change twice keeps one event, so nobody is told twice."""

    class Kind(models.TextChoices):
        COMMENT_PUBLISHED = "comment_published", _("Comment published")
        COMMENT_HIDDEN = "comment_hidden", _("Comment hidden")
        COMMENT_ANSWERED = "comment_answered", _("Comment answered by the council")
        PLAN_STAGE = "plan_stage", _("Plan changed stage")
        PLAN_DOCUMENT = "plan_document", _("New PDF version published")
        MILESTONE_UPDATE = "milestone_update", _("Milestone update")
        INDICATOR_VALUE = "indicator_value", _("Indicator value")
        COMPLETION_LEVEL = "completion_level", _("Change of completion level")
        FINAL_ASSESSMENT = "final_assessment", _("End-of-commitment assessment")
        PROPOSAL_ANSWERED = "proposal_answered", _("Proposal answered")
        PROPOSAL_PUBLISHED = "proposal_published", _("Proposal published")
        PROPOSAL_HIDDEN = "proposal_hidden", _("Proposal hidden")
        PROPOSAL_DUPLICATE = "proposal_duplicate", _("Proposal merged with another")
        PROPOSAL_COMMITMENT = "proposal_commitment", _("Proposal turned into a commitment")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=120, unique=True)
    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="+"
    )
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.BigIntegerField(_("row"), null=True, blank=True)
    data = models.JSONField(_("facts"), default=dict, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    fanned_out_at = models.DateTimeField(_("fanned out at"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("follow event")
        verbose_name_plural = _("follow events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(fanned_out_at__isnull=True),
                name="followevent_waiting_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """One subscriber told of one event, through the most specific thing it follows."""

    event = models.ForeignKey(
        FollowEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="notifications"
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    follow = models.ForeignKey(
        Follow, verbose_name=_("follow"), on_delete=models.CASCADE, related_name="notifications"
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Follow.Frequency.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber"], name="notification_once_per_subscriber"
            )
        ]
        indexes = [
            models.Index(
                fields=["subscriber", "created_at"],
                condition=Q(sent_at__isnull=True),
                name="notification_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscriber_id}"
