"""Reminders to coordinators: the milestones of their councils' running plans due within 30
days or overdue, e-mailed once per (milestone, state, due date) by a daily Celery task."""

from __future__ import annotations

import datetime
from collections import defaultdict

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from consultations.models import ActionPlan
from opengov.models import language_of
from opengov.roles import COORDINATOR

from ..models import Milestone, ReminderLog

REMINDER_DAYS = 30
# Plans whose implementation is under way (not the word "follow": citizens follow plans).
RUNNING_STAGES = (ActionPlan.Stage.ADOPTED, ActionPlan.Stage.IMPLEMENTATION)


def coordinators_remind(today: datetime.date | None = None) -> int:
    """E-mail each coordinator the milestones of their councils' running plans that are due
    within 30 days or overdue, each (milestone, state, due date) at most once. One e-mail per
    coordinator per run; returns how many went."""
    today = today or timezone.localdate()
    open_milestones = (
        Milestone.objects.open()
        .filter(commitment__plan__stage__in=RUNNING_STAGES)
        .filter(due_date__lte=today + datetime.timedelta(days=REMINDER_DAYS))
        .select_related("commitment__plan__council")
        .order_by("due_date", "id")
    )
    by_council = defaultdict(list)
    for milestone in open_milestones:
        state = "overdue" if milestone.is_overdue(today) else "due_soon"
        by_council[milestone.commitment.plan.council_id].append((milestone, state))
    if not by_council:
        return 0
    coordinators = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=COORDINATOR)
        .exclude(email="")
        .select_related("profile")
        .prefetch_related("councils")
        .distinct()
    )
    sent = 0
    for user in coordinators:
        candidates = [
            item for council in user.councils.all() for item in by_council.get(council.pk, [])
        ]
        new = []
        for milestone, state in candidates:
            try:
                with transaction.atomic():
                    ReminderLog.objects.create(
                        user=user, milestone=milestone, state=state, due_date=milestone.due_date
                    )
            except IntegrityError:
                continue  # already reminded of this milestone in this state
            new.append((milestone, state))
        if not new:
            continue
        # In the coordinator's language (their staff profile), the site's default otherwise.
        with translation.override(language_of(user)):
            context = {
                "user": user,
                "overdue": [m for m, s in new if s == "overdue"],
                "due_soon": [m for m, s in new if s == "due_soon"],
                "days": REMINDER_DAYS,
                "count": len(new),
            }
            subject = render_to_string("commitments/email/reminder_subject.txt", context).strip()
            body = render_to_string("commitments/email/reminder_body.txt", context)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent


@shared_task(name="commitments.remind_coordinators")
def remind_coordinators() -> int:
    return coordinators_remind()
