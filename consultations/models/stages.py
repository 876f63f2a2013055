"""The log of a plan's stage changes."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .plans import ActionPlan, PlanOwned


class PlanStageChange(PlanOwned, models.Model):
    """A plan's move from one stage to another: who, when, from, to. Never edited.

    A live change happened when it was made (changed_at). A recorded one (`recorded`) tells of
    a move made outside the portal, before the plan was entered: `happened_on` is the real
    date, and changed_by / changed_at say who recorded it and when."""

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="stage_changes",
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=ActionPlan.Stage.choices)
    to_stage = models.CharField(_("to"), max_length=20, choices=ActionPlan.Stage.choices)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded = models.BooleanField(
        _("recorded afterwards"),
        default=False,
        help_text=_("The move happened outside the portal and was recorded later."),
    )
    happened_on = models.DateField(_("happened on"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["plan", "changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_stage=F("to_stage")),
                name="planstagechange_changes_stage",
                violation_error_message=_("A stage change must go to another stage."),
            ),
            models.CheckConstraint(
                condition=Q(recorded=False) | Q(happened_on__isnull=False),
                name="planstagechange_recorded_has_date",
                violation_error_message=_("A recorded stage change needs the date it happened."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"

    @property
    def effective_date(self) -> datetime.date:
        """The day the move happened: the recorded date, or the day it was made live."""
        if self.happened_on is not None:
            return self.happened_on
        return timezone.localdate(self.changed_at)
