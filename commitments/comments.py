"""Citizens' comments on draft plans: the writes (post, confirm, report, moderate, reply) and the
small pieces they need (cleaning text, signed confirmation links, rate limits).

Nothing a citizen typed is lost because a service is down: a comment is saved before anything
else happens, its confirmation e-mail is queued once the transaction commits (and a periodic sweep
queues again those whose e-mail never went), and the rate limiter lets comments through when the
cache cannot be reached."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from consultations.models import ActionPlan

from .models import Comment, CommentReport, Commitment

logger = logging.getLogger(__name__)

CONFIRMATION_SALT = "commitments.comment-confirmation"
CONFIRMATION_MAX_AGE = 7 * 24 * 3600

# Characters that can disguise text: direction overrides and isolates, zero-width characters.
# The zero-width non-joiner and joiner (U+200C, U+200D) are kept: they shape Arabic letters.
INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
SHAPING = "\u200c\u200d"


def clean_text(text: str) -> str:
    """User text as it will be stored: NFC, no control or invisible formatting characters (they
    could reorder or hide what is shown), line breaks kept, outer whitespace removed."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = INVISIBLE.sub("", text)
    text = "".join(
        ch
        for ch in text
        if ch in "\n\t" or ch in SHAPING or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def client_fingerprint(ip: str) -> str:
    """A keyed hash of the client's address: enough to limit and dedupe, useless to identify."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()


# --- rate limits ---------------------------------------------------------------------------------


def _hit(key: str, limit: int, window: int) -> bool:
    """Count one hit; True while within the limit. When the cache is down, let it through.
    Counted in the "counters" cache (the broker's Redis, which never evicts): a flood of page
    requests filling the page cache cannot reset anyone's count."""
    cache = caches["counters"]
    try:
        added = cache.add(key, 1, timeout=window)
        count = 1 if added else cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    except Exception:  # a cache outage must not cost a citizen their comment
        logger.warning("Rate limiter unavailable; comment accepted without limit", exc_info=True)
        return True
    return count <= limit


def within_rate_limits(*, fingerprint: str, email: str, scope: str = "comments") -> bool:
    """Count one action of `scope` ("comments" or "reports", limited separately) for this
    client and e-mail; False once either is over its limit for the window."""
    limits = settings.COMMENT_RATE_LIMITS
    window = limits["window"]
    ok_ip = _hit(f"{scope}:ip:{fingerprint}", limits["per_ip"], window)
    email_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    ok_email = _hit(f"{scope}:email:{email_key}", limits["per_email"], window)
    return ok_ip and ok_email


# --- confirmation links --------------------------------------------------------------------------


def confirmation_token(comment: Comment) -> str:
    # The e-mail is part of what is signed: a token works only for the address it was sent to.
    email_key = hashlib.sha256(comment.email.lower().encode()).hexdigest()[:16]
    return signing.dumps({"c": comment.pk, "e": email_key}, salt=CONFIRMATION_SALT, compress=True)


def comment_from_token(token: str) -> Comment | None:
    """The comment a valid, unexpired token names; None for a tampered or expired token."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    comment = Comment.objects.select_related("plan__council").filter(pk=data.get("c")).first()
    if comment is None:
        return None
    email_key = hashlib.sha256(comment.email.lower().encode()).hexdigest()[:16]
    return comment if email_key == data.get("e") else None


# --- writes --------------------------------------------------------------------------------------


def _enqueue_confirmation(comment: Comment) -> None:
    from .tasks import send_comment_confirmation

    transaction.on_commit(
        lambda: send_comment_confirmation.delay(comment.pk, comment.language), robust=True
    )


@transaction.atomic
def comment_post(
    *,
    plan: ActionPlan,
    commitment: Commitment | None,
    parent: Comment | None,
    author_name: str,
    email: str,
    body: str,
    language: str,
    fingerprint: str,
) -> Comment:
    """Save a citizen's comment as pending and queue its confirmation e-mail.

    Refused (ValidationError, nothing saved) outside the consultation window, for a reply to a
    reply or to an unpublished comment, and for invalid fields."""
    if not plan.is_open_for_comments(on=timezone.localdate()):
        raise ValidationError(gettext("This plan is not open for comments."))
    if parent is not None and parent.state != Comment.State.PUBLISHED:
        raise ValidationError(gettext("You can only reply to a published comment."))
    comment = Comment(
        plan=plan,
        commitment=commitment,
        parent=parent,
        author_name=clean_text(author_name),
        email=email.strip(),
        body=clean_text(body),
        language=language,
        consent_at=timezone.now(),
        client_hash=fingerprint,
    )
    comment.full_clean()
    comment.save()
    _enqueue_confirmation(comment)
    return comment


def comment_confirm(*, comment: Comment) -> Comment:
    """Confirm a pending comment (single use): published at once, or waiting for a moderator,
    as the plan says. A comment already confirmed is returned unchanged."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().select_related("plan").get(pk=comment.pk)
        if comment.state != Comment.State.PENDING:
            return comment
        now = timezone.now()
        comment.confirmed_at = now
        if comment.plan.comments_need_moderation:
            comment.state = Comment.State.CONFIRMED
        else:
            comment.state = Comment.State.PUBLISHED
            comment.published_at = now
        comment.save(update_fields=["state", "confirmed_at", "published_at", "updated_at"])
    return comment


def comment_report(*, comment: Comment, fingerprint: str) -> bool:
    """Record a reader's report; False when this reader had already reported the comment."""
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, client_hash=fingerprint)
            Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def comment_publish(*, comment: Comment, by: AbstractBaseUser) -> Comment:
    if comment.state == Comment.State.PENDING:
        raise ValidationError(gettext("Its author has not confirmed this comment yet."))
    comment.state = Comment.State.PUBLISHED
    comment.published_at = comment.published_at or timezone.now()
    comment.hidden_reason = ""
    comment.moderated_by = by
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, reason: str, by: AbstractBaseUser) -> Comment:
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"hidden_reason": gettext("Say why the comment is hidden.")})
    comment.state = Comment.State.HIDDEN
    comment.hidden_reason = reason
    comment.moderated_by = by
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def comment_reply(*, comment: Comment, text: str, by: AbstractBaseUser) -> Comment:
    """The council's official reply under a comment (replacing an earlier one)."""
    text = clean_text(text)
    if not text:
        raise ValidationError({"official_reply": gettext("Write the reply.")})
    comment.official_reply = text
    comment.replied_by = by
    comment.replied_at = timezone.now()
    comment.full_clean()
    comment.save()
    return comment


def comments_requeue_confirmations(older_than_minutes: int = 5) -> int:
    """Queue again the confirmation e-mails that never went (broker or mail server down)."""
    from .tasks import send_comment_confirmation

    limit = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    waiting = Comment.objects.filter(
        state=Comment.State.PENDING,
        confirmation_sent_at__isnull=True,
        created_at__lt=limit,
        created_at__gt=timezone.now() - datetime.timedelta(seconds=CONFIRMATION_MAX_AGE),
    ).values_list("pk", "language")
    count = 0
    for comment_id, language in waiting:
        send_comment_confirmation.delay(comment_id, language)
        count += 1
    return count
