"""Reminders to the monitoring body: the inception assessments (two months after a plan's
submission to OGP) and end-of-commitment assessments (one month after a commitment's
completion) of their councils that are due within 14 days or overdue and not filed, e-mailed
once per (assessment, state, due date) by a daily Celery task."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from consultations.models import ActionPlan
from opengov.models import language_of
from opengov.roles import MONITORING_BODY

from ..models import (
    AssessmentReminderLog,
    Commitment,
    CompletionLevel,
    InceptionAssessment,
    Milestone,
    end_of_commitment_due_on,
    inception_due_on,
)

REMINDER_DAYS = 14
Kind = AssessmentReminderLog.Kind


@dataclass(frozen=True)
class Due:
    """One assessment the monitoring body owes: a plan's inception assessment (commitment None)
    or a commitment's end-of-commitment assessment."""

    kind: str
    plan: ActionPlan
    commitment: Commitment | None
    due_on: datetime.date
    state: str  # "due_soon" or "overdue"


def assessments_due(today: datetime.date) -> dict[int, list[Due]]:
    """The assessments not filed that are due within REMINDER_DAYS or overdue, by council id."""
    horizon = today + datetime.timedelta(days=REMINDER_DAYS)
    by_council: dict[int, list[Due]] = defaultdict(list)

    def add(kind, plan, commitment, due_on):
        if due_on is not None and due_on <= horizon:
            state = "overdue" if due_on < today else "due_soon"
            by_council[plan.council_id].append(Due(kind, plan, commitment, due_on, state))

    published = InceptionAssessment.objects.filter(status=InceptionAssessment.Status.PUBLISHED)
    plans = (
        ActionPlan.objects.public()
        .filter(submitted_on__isnull=False)
        .exclude(pk__in=published.values("plan_id"))
        .select_related("council")
        .order_by("submitted_on", "id")
    )
    for plan in plans:
        add(Kind.INCEPTION, plan, None, inception_due_on(plan))
    # Completed commitments without an assessment: set complete by hand, or with no milestone
    # still open (the exact rule, with the date, is commitment_completed_on's).
    open_statuses = (Milestone.Status.NOT_STARTED, Milestone.Status.IN_PROGRESS)
    commitments = (
        Commitment.objects.of_public_plans()
        .filter(assessment__isnull=True)
        .filter(
            Q(completion_override=CompletionLevel.COMPLETE)
            | (Q(completion_override="") & ~Q(milestones__status__in=open_statuses))
        )
        .distinct()
        .select_related("plan__council")
        .prefetch_related("milestones")
        .order_by("plan_id", "position", "reference")
    )
    for commitment in commitments:
        add(
            Kind.END_OF_COMMITMENT,
            commitment.plan,
            commitment,
            end_of_commitment_due_on(commitment),
        )
    return by_council


def monitoring_body_remind(today: datetime.date | None = None) -> int:
    """E-mail each monitoring-body user the assessments of their councils that are due within
    14 days or overdue and not filed, each (assessment, state, due date) at most once, in the
    user's language. One e-mail per user per run; returns how many went. Safe to run twice."""
    today = today or timezone.localdate()
    by_council = assessments_due(today)
    if not by_council:
        return 0
    monitors = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=MONITORING_BODY)
        .exclude(email="")
        .select_related("profile")
        .prefetch_related("councils")
        .distinct()
    )
    sent = 0
    for user in monitors:
        new = []
        for council in user.councils.all():
            for due in by_council.get(council.pk, []):
                try:
                    with transaction.atomic():
                        AssessmentReminderLog.objects.create(
                            user=user,
                            kind=due.kind,
                            plan=due.plan,
                            commitment=due.commitment,
                            state=due.state,
                            due_on=due.due_on,
                        )
                except IntegrityError:
                    continue  # already reminded of this assessment in this state
                new.append(due)
        if not new:
            continue
        with translation.override(language_of(user)):
            context = {
                "user": user,
                "overdue": [d for d in new if d.state == "overdue"],
                "due_soon": [d for d in new if d.state == "due_soon"],
                "days": REMINDER_DAYS,
                "count": len(new),
            }
            subject = render_to_string(
                "commitments/email/assessment_reminder_subject.txt", context
            ).strip()
            body = render_to_string("commitments/email/assessment_reminder_body.txt", context)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent


@shared_task(name="commitments.remind_monitoring_body")
def remind_monitoring_body() -> int:
    return monitoring_body_remind()
