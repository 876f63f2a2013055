"""The index of the commitments app's Celery tasks (the module Celery's autodiscovery imports).
Each task is defined next to the service it runs; their names ("commitments.<task>") are what
the beat schedule and queued messages use, so they never change."""

from .comments.confirmation import requeue_comment_confirmations, send_comment_confirmation
from .comments.digest import notify_moderators
from .counters import refresh_overdue_counts_task
from .follows.confirmation import requeue_follow_confirmations, send_follow_confirmation
from .follows.delivery import deliver_notifications, requeue_notifications, send_weekly_digests
from .follows.fanout import fan_out_event
from .follows.services import purge_follows
from .monitoring.reminders import remind_monitoring_body
from .progress.reminders import remind_coordinators
from .proposing.confirmation import (
    requeue_proposing_confirmations,
    send_proposal_confirmation,
    send_support_confirmation,
)
from .proposing.services import purge_proposing
from .publishing.services import render_plan_publication, requeue_publications
from .repository.reminders import remind_stale_plans

__all__ = [
    "deliver_notifications",
    "fan_out_event",
    "notify_moderators",
    "purge_follows",
    "purge_proposing",
    "refresh_overdue_counts_task",
    "remind_coordinators",
    "remind_monitoring_body",
    "remind_stale_plans",
    "render_plan_publication",
    "requeue_comment_confirmations",
    "requeue_follow_confirmations",
    "requeue_notifications",
    "requeue_proposing_confirmations",
    "requeue_publications",
    "send_comment_confirmation",
    "send_follow_confirmation",
    "send_proposal_confirmation",
    "send_support_confirmation",
    "send_weekly_digests",
]
