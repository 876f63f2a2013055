"""The reminder that a plan's repository has gone four months without an update: e-mailed by a
daily Celery task to the council's staff (council staff and coordinators), once per person and
per silence (PlanReminderLog)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from consultations.models import ActionPlan
from opengov.models import language_of
from opengov.roles import COORDINATOR, COUNCIL_STAFF

from ..models import PlanReminderLog
from .evidence import RUNNING_STAGES, STALE_AFTER_MONTHS, plan_repository


def stale_plans_remind(today: datetime.date | None = None) -> int:
    """E-mail the staff of each council whose running plan has had no update for four months,
    once per (person, plan, date of the last update): safe to run twice, and a new update
    followed by a new silence gives a new reminder. Each e-mail in its reader's language;
    returns how many went."""
    today = today or timezone.localdate()
    sent = 0
    staff = (
        get_user_model()
        .objects.filter(
            is_active=True, is_staff=True, groups__name__in=[COUNCIL_STAFF, COORDINATOR]
        )
        .exclude(email="")
        .select_related("profile")
        .distinct()
    )
    plans = ActionPlan.objects.filter(stage__in=RUNNING_STAGES).select_related("council")
    for plan in plans:
        repository = plan_repository(plan, today)
        if not repository.stale:
            continue
        # A plan with nothing in its repository counts its silence from its own creation.
        since = repository.last_update or timezone.localdate(plan.created_at)
        for user in staff.filter(councils=plan.council_id):
            try:
                with transaction.atomic():
                    PlanReminderLog.objects.create(user=user, plan=plan, last_update=since)
            except IntegrityError:
                continue  # already reminded of this silence
            with translation.override(language_of(user)):
                context = {
                    "user": user,
                    "plan": plan,
                    "last_update": repository.last_update,
                    "months": STALE_AFTER_MONTHS,
                    "missing": [e for e in repository.evidence if not e.held],
                }
                subject = render_to_string(
                    "commitments/email/stale_plan_subject.txt", context
                ).strip()
                body = render_to_string("commitments/email/stale_plan_body.txt", context)
            send_mail(subject, body, None, [user.email])
            sent += 1
    return sent


@shared_task(name="commitments.remind_stale_plans")
def remind_stale_plans() -> int:
    return stale_plans_remind()
