"""The moderators' digest: what waits for them (one e-mail per moderator per run, never twice
for the same comments or proposals), sent by a periodic Celery task. Questions and comments
during implementation are in it as the consultation's comments are, marked as such; proposals
sent online and confirmed by their authors, waiting for moderation, too."""

from __future__ import annotations

from collections import defaultdict

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from consultations.models import Proposal
from opengov.models import language_of
from opengov.roles import COORDINATOR, MODERATOR
from opengov.urls_absolute import absolute_url

from ..models import Comment, CommentReport


def moderators_notify() -> int:
    """E-mail each council's moderators (and coordinators) the comments waiting for them that no
    earlier digest mentioned. Returns the number of e-mails sent."""
    # New to a digest: comments waiting for moderation never mentioned, and comments reported
    # since the last digest that mentioned them (a report can come after publication).
    reported_since = CommentReport.objects.filter(comment=OuterRef("pk")).filter(
        Q(comment__moderators_notified_at__isnull=True)
        | Q(created_at__gt=OuterRef("moderators_notified_at"))
    )
    waiting = list(
        Comment.objects.exclude(state__in=[Comment.State.PENDING, Comment.State.HIDDEN])
        .filter(
            (
                (Q(state=Comment.State.CONFIRMED) | Q(report_count__gt=0))
                & Q(moderators_notified_at__isnull=True)
            )
            | Exists(reported_since)
        )
        .select_related("plan__council", "commitment")
    )
    proposals = list(
        Proposal.objects.awaiting_moderation()
        .filter(moderators_notified_at__isnull=True)
        .select_related("plan__council")
        .order_by("created_at", "pk")
    )
    if not waiting and not proposals:
        return 0
    by_council = defaultdict(list)
    for comment in waiting:
        by_council[comment.plan.council].append(comment)
    proposals_of = defaultdict(list)
    for proposal in proposals:
        proposals_of[proposal.plan.council].append(proposal)
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[MODERATOR, COORDINATOR])
        .exclude(email="")
        .select_related("profile")
        .prefetch_related("councils")
        .distinct()
    )
    sent = 0
    told: set[int] = set()
    told_proposals: set[int] = set()
    queue_url = absolute_url(reverse("admin:commitments_comment_changelist"))
    proposals_url = absolute_url(
        reverse("admin:consultations_proposal_changelist")
        + f"?moderation={Proposal.Publication.AWAITING}"
    )
    for user in users:
        councils = list(user.councils.all())
        mine = [c for council in councils for c in by_council.get(council, [])]
        their_proposals = [p for council in councils for p in proposals_of.get(council, [])]
        if not mine and not their_proposals:
            continue
        with translation.override(language_of(user)):
            context = {
                "user": user,
                "comments": mine,
                "waiting": sum(1 for c in mine if c.state == Comment.State.CONFIRMED),
                "reported": sum(1 for c in mine if c.report_count),
                "queue_url": queue_url,
                "proposals": their_proposals,
                "proposals_url": proposals_url,
            }
            subject = render_to_string(
                "commitments/email/moderators_digest_subject.txt", context
            ).strip()
            body = render_to_string("commitments/email/moderators_digest_body.txt", context)
        send_mail(subject, body, None, [user.email])
        sent += 1
        told.update(c.pk for c in mine)
        told_proposals.update(p.pk for p in their_proposals)
    # Only what someone was told about: a council without moderators yet keeps its comments
    # for the first moderator it gets. (An UPDATE: no history, no page version bump.)
    Comment.objects.filter(pk__in=told).update(moderators_notified_at=timezone.now())
    Proposal.objects.filter(pk__in=told_proposals).update(moderators_notified_at=timezone.now())
    return sent


@shared_task(name="commitments.notify_moderators")
def notify_moderators() -> int:
    return moderators_notify()
