"""A version number of the public data, bumped whenever a portal model is saved or deleted.

The open-data API and downloads build their ETag, Last-Modified and cache keys from it, so a
change anywhere invalidates every cached answer at once (the data is small enough that finer
invalidation would buy little). Kept in the cache (Redis in production, shared by all workers)."""

import contextlib
import datetime
import time

from django.core.cache import cache
from django.utils import timezone

KEY = "opengov:data-version"


def data_version() -> tuple[int, datetime.datetime]:
    try:
        value = cache.get(KEY)
    except Exception:  # cache down: behave as if just changed (no stale answers)
        return 0, timezone.now()
    if value is None:
        value = bump()
    return value


def bump(**_signal_kwargs) -> tuple[int, datetime.datetime]:
    # The version is unique per change (nanoseconds); Last-Modified has second precision, as HTTP.
    now = timezone.now()
    value = (time.time_ns(), now.replace(microsecond=0))
    # If the cache is down, the next read treats the data as changed anyway.
    with contextlib.suppress(Exception):
        cache.set(KEY, value, timeout=None)
    return value


def bump_on_change(**_signal_kwargs) -> None:
    """Bump now (this process's next reads see the change) and again once the transaction
    commits: an answer cached by another reader between the two, from the not yet committed
    state, is then invalidated."""
    from django.db import transaction

    bump()
    transaction.on_commit(bump)


def bump_unless_private(instance, created=False, **signal_kwargs) -> None:
    """Saving a comment that waits for its e-mail confirmation or for a moderator (it has never
    been public: no path leads back to those states), or a new report, changes nothing the
    public sees: every cached page stays valid. Citizens' posts, their confirmation e-mails and
    confirmations would otherwise empty the cache of the whole site."""
    from commitments.models import Comment

    state = getattr(instance, "state", None)
    if state in (Comment.State.PENDING, Comment.State.CONFIRMED) or (state is None and created):
        return
    bump_on_change(**signal_kwargs)


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from commitments.models import Comment, CommentReport

    private_when_new = {Comment, CommentReport}
    for app_label in ("consultations", "commitments"):
        for model in apps.get_app_config(app_label).get_models():
            post_save.connect(
                bump_unless_private if model in private_when_new else bump_on_change,
                sender=model,
                dispatch_uid=f"dataversion-save-{model._meta.label}",
            )
            post_delete.connect(
                bump_on_change,
                sender=model,
                dispatch_uid=f"dataversion-delete-{model._meta.label}",
            )
    from commitments.models import Commitment

    m2m_changed.connect(
        bump_on_change,
        sender=Commitment.source_proposals.through,
        dispatch_uid="dataversion-sources",
    )
