"""Citizens' supports of proposals: one per mailbox and proposal, confirmed by e-mail. A signal
for the coordinator, not a vote."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .proposals import Proposal


class ProposalSupport(models.Model):
    """A support asked for with an e-mail address and confirmed through the mailed link.

    `mailbox` is a keyed hash of the normalised mailbox (see the services), so that one inbox
    supports a proposal once however the address is written; the address itself is kept only
    until the support is confirmed (to send the link), then erased."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for e-mail confirmation")
        CONFIRMED = "confirmed", _("Confirmed")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="supports"
    )
    mailbox = models.CharField(_("mailbox fingerprint"), max_length=64)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    client_hash = models.CharField(_("client fingerprint"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(
        _("confirmation e-mail sent at"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        ordering = ["proposal", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "mailbox"], name="proposalsupport_once_per_mailbox"
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(email=""),
                name="proposalsupport_confirmed_forgets_email",
            ),
        ]
        indexes = [
            # The sweep of unsent confirmations and the purge of unconfirmed supports.
            models.Index(
                fields=["created_at"],
                name="proposalsupport_pending_idx",
                condition=Q(state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.get_state_display()}"
