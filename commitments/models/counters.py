"""What each plan's commitments and milestones add up to, kept by commitments/counters.py so
that the network's totals (the home page) are a sum over the plans, not a count over every
milestone."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from consultations.models import ActionPlan


class PlanCounters(models.Model):
    """A plan's commitments, its milestones (cancelled ones left out, as MilestoneCounts), those
    done and those overdue on `counted_on`. Derived: never edited, only recounted from the rows
    (commitments.counters); a plan with no row has none of them yet."""

    plan = models.OneToOneField(
        ActionPlan,
        verbose_name=_("action plan"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="commitment_counters",
    )
    commitments = models.PositiveIntegerField(_("commitments"), default=0)
    milestones = models.PositiveIntegerField(_("milestones"), default=0)
    milestones_done = models.PositiveIntegerField(_("milestones completed"), default=0)
    milestones_overdue = models.PositiveIntegerField(_("milestones overdue"), default=0)
    counted_on = models.DateField(_("overdue counted on"), null=True)

    class Meta:
        verbose_name = _("plan counters")
        verbose_name_plural = _("plan counters")
        ordering = ["plan"]
        constraints = [
            models.CheckConstraint(
                condition=Q(milestones_done__lte=F("milestones"))
                & Q(milestones_overdue__lte=F("milestones") - F("milestones_done")),
                name="plancounters_within_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.commitments} / {self.milestones}"
