"""The log that keeps the "no update for four months" reminder about a plan's repository from
going twice to the same person for the same silence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consultations.models import ActionPlan


class PlanReminderLog(models.Model):
    """A reminder sent to a member of a council's staff that a plan's repository has had no
    update since `last_update`: the unique constraint is what makes it never go twice (a new
    update, then a new silence, gives a new date and a new reminder)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="+")
    last_update = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("repository reminder sent")
        verbose_name_plural = _("repository reminders sent")
        ordering = ["plan", "-last_update"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "plan", "last_update"], name="planreminderlog_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.plan_id} · {self.last_update}"
