"""Reads of following: what a follow is about (its public title and page) and the follows an
address manages."""

from __future__ import annotations

from django.db.models import QuerySet

from opengov.sections import Section

from ..models import Follow, Subscriber

# What followed_title and followed_path read, fetched with the follow.
TARGET_RELATIONS = (
    "council",
    "plan__council",
    "commitment__plan__council",
    "proposal",
    "comment__plan__council",
    "comment__commitment__plan__council",
)


def followed_title(follow: Follow) -> str:
    """The public title of what `follow` is about, in the current language (the other
    language's when it has none): never text a citizen typed."""
    target = follow.target
    if follow.target_kind == "council":
        return str(target.name)
    if follow.target_kind == "commitment":
        return f"{target.reference} {target.title}"
    if follow.target_kind == "comment":  # a thread: its commitment's or plan's title
        return followed_title(_thread_page_follow(target))
    return str(target.title)


def _thread_page_follow(comment) -> Follow:
    if comment.commitment_id:
        return Follow(commitment=comment.commitment)
    return Follow(plan=comment.plan)


def followed_path(follow: Follow) -> str | None:
    """The path of the followed thing's public page in the current language (a thread's: its
    comment on the plan's or commitment's page), or None when it has no page."""
    target = follow.target
    if follow.target_kind == "comment":
        return f"{followed_path(_thread_page_follow(target))}#comment-{target.pk}"
    get_url = getattr(target, "get_absolute_url", None)
    return get_url() if get_url else None


def subscriber_follows(subscriber: Subscriber) -> QuerySet[Follow]:
    """The follows an address has not stopped, oldest first, with what they are about (one
    query)."""
    return (
        Follow.objects.filter(subscriber=subscriber)
        .exclude(state=Follow.State.ENDED)
        .select_related(*TARGET_RELATIONS)
        .order_by("created_at", "id")
    )


def council_follow_section(*, council, **_page) -> Section:
    """The Follow form of a council's page (opengov.sections): it reads no row, so the page's
    queries do not grow with its followers."""
    return Section("commitments/follow_section.html", {"council": council})
