"""The comments dataset: published comments of both conversations, the consultation on a draft
plan and the questions and comments on commitments during implementation (`phase`), with the
councils' official replies; never an e-mail address."""

from django.utils.translation import gettext_noop

from commitments.models import Comment

from .tables import Dataset

COMMENTS = Dataset(
    "comments",
    gettext_noop(
        "Published comments on draft plans (phase consultation), questions and comments on "
        "commitments during implementation (phase implementation), and the councils' official "
        "replies (no e-mail)."
    ),
    [
        "id",
        "plan_id",
        "commitment",
        "parent_id",
        "phase",
        "author_name",
        "body",
        "language",
        "published_at",
        "official_reply",
    ],
    lambda: (
        Comment.objects.published().of_public_plans().select_related("commitment").order_by("id")
    ),
    lambda c: [
        c.pk,
        c.plan_id,
        c.commitment.reference if c.commitment else "",
        c.parent_id or "",
        c.phase,
        c.author_name,
        c.body,
        c.language,
        c.published_at,
        c.official_reply,
    ],
)
