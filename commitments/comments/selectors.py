"""Reads of the comment pages."""

from django.core.paginator import Paginator
from django.db.models import Prefetch

from consultations.models import ActionPlan

from ..models import Comment

COMMENTS_PER_PAGE = 20


def published_comments(
    plan: ActionPlan, commitment=None, page=None, phase=Comment.Phase.CONSULTATION
):
    """One page of the published comments of one conversation (`phase`) of a plan page
    (commitment None) or a commitment page, oldest first, each with its published replies: three
    queries (count, comments, replies), however many comments the plan has."""
    replies = Comment.objects.published().order_by("created_at", "id")
    comments = (
        Comment.objects.published()
        .filter(plan=plan, commitment=commitment, phase=phase, parent__isnull=True)
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="published_replies"))
        .order_by("created_at", "id")
    )
    return Paginator(comments, COMMENTS_PER_PAGE).get_page(page)
