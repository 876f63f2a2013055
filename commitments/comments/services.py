"""Citizens' comments on draft plans and on commitments being implemented: the writes (post,
confirm, report, moderate, reply) and the small pieces they need (cleaning text, signed
confirmation links, rate limits).

Nothing a citizen typed is lost because a service is down: a comment is saved before anything
else happens, its confirmation e-mail is queued once the transaction commits (confirmation.py,
whose periodic sweep queues again those whose e-mail never went), and the rate limiter lets
comments through when the cache cannot be reached."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from consultations.models import ActionPlan

from ..follows import events as follow_events, services as follows
from ..models import Comment, CommentReport, Commitment
from .confirmation import queue_confirmation

logger = logging.getLogger(__name__)

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


def keyed_hash(text: str) -> str:
    """A hash keyed with SECRET_KEY: enough to limit and dedupe, useless to identify."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{text}".encode()).hexdigest()


def client_fingerprint(ip: str) -> str:
    """The keyed hash of the client's address (opengov.clientaddress.client_address)."""
    return keyed_hash(ip)


# --- one key per mailbox -------------------------------------------------------------------------


def mailbox_refusal(email: str) -> str | None:
    """Why a valid-looking e-mail address is still refused for comments, or None. Django's
    EmailField accepts quoted local parts ("a b"@example.org) and domain literals
    (user@[192.0.2.1]); both are ways to write one mailbox many times, or to aim the council's
    mail at a bare server, and no citizen needs them."""
    local, _at, domain = email.strip().rpartition("@")
    if '"' in local or "\\" in local or domain.startswith("["):
        return gettext(
            "Enter an ordinary e-mail address, such as name@example.org: addresses in quotes "
            "or at a bare IP address are not accepted."
        )
    return None


def mailbox_key(email: str) -> str:
    """The one key of the mailbox an address reaches, whatever way it is written: Unicode
    compatibility forms folded, case folded, a quoted local part unquoted, the "+tag"
    subaddress dropped, the domain in its ASCII (punycode) form without a trailing dot.
    Never raises: an unencodable domain is kept as folded text."""
    local, _at, domain = unicodedata.normalize("NFKC", email.strip()).rpartition("@")
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        local = re.sub(r"\\(.)", r"\1", local[1:-1])
    base = local.split("+", 1)[0]
    local = (base or local).casefold()
    domain = domain.strip().rstrip(".").casefold()
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return f"{local}@{domain}"


# --- rate limits ---------------------------------------------------------------------------------
#
# Three budgets per window, each counted only once a submission was valid and saved (a robot
# caught by the honeypot, an invalid form or a refused post costs nobody anything):
# - per client address (`per_ip`; an IPv6 client by its /64);
# - per mailbox from one address (`per_email`): a stranger who names a citizen's address spends
#   their own budget, not the citizen's, who still comments from their own address;
# - per mailbox from all addresses (`mails_per_email`): how many confirmation e-mails one inbox
#   may receive in the window, so the portal cannot be used to flood it from many addresses.
# Reports have only the per-address budget.


def _counters():
    """The rate-limit counters live in the "counters" cache (the broker's Redis, which never
    evicts): a flood of page requests filling the page cache cannot reset anyone's count."""
    return caches["counters"]


def _budgets(scope: str, fingerprint: str, mailbox: str | None) -> list[tuple[str, int]]:
    limits = {**settings.COMMENT_RATE_LIMITS, **settings.RATE_LIMIT_OVERRIDES.get(scope, {})}
    budgets = [(f"{scope}:ip:{fingerprint}", limits["per_ip"])]
    if mailbox is not None:
        key = keyed_hash(f"mailbox:{mailbox}")
        budgets.append((f"{scope}:email:{key}:{fingerprint}", limits["per_email"]))
        budgets.append((f"{scope}:mails:{key}", limits["mails_per_email"]))
    return budgets


def within_rate_limits(
    *, fingerprint: str, mailbox: str | None = None, scope: str = "comments"
) -> bool:
    """Whether one more `scope` ("comments", "reports", "proposals", "supports") from this
    client (and, but for reports, to this mailbox_key) is within every budget. Counts nothing:
    count_submission does, once the submission is saved. When the cache cannot be reached,
    True."""
    budgets = _budgets(scope, fingerprint, mailbox)
    try:
        counts = _counters().get_many([key for key, _limit in budgets])
    except Exception:  # a cache outage must not cost a citizen their comment
        logger.warning("Rate limiter unavailable; accepted without limit", exc_info=True)
        return True
    return all(int(counts.get(key) or 0) < limit for key, limit in budgets)


def count_submission(*, fingerprint: str, mailbox: str | None = None, scope: str = "comments"):
    """Count one saved submission against the budgets within_rate_limits checks. Two
    concurrent posts may both pass the check before either is counted: a budget can be
    exceeded by the number of requests in flight at once, never more."""
    window = settings.COMMENT_RATE_LIMITS["window"]
    for key, _limit in _budgets(scope, fingerprint, mailbox):
        try:
            if not _counters().add(key, 1, timeout=window):
                _counters().incr(key)
        except ValueError:  # expired between add and incr
            _counters().set(key, 1, timeout=window)
        except Exception:
            logger.warning("Rate limiter unavailable; submission not counted", exc_info=True)
            return


# --- writes --------------------------------------------------------------------------------------


def _closed_message(plan: ActionPlan, commitment: Commitment | None) -> str:
    """Why this page takes no comment now, said so that the reader knows where to go."""
    if plan.stage == ActionPlan.Stage.CLOSED:
        return gettext("This plan is closed: its comments stay readable, but it takes no new one.")
    if commitment is None and plan.stage in Comment.DIALOGUE_STAGES:
        return gettext(
            "During implementation, questions and comments are posted on the page of each "
            "commitment."
        )
    return gettext("This plan is not open for comments.")


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
    """Save a citizen's comment as pending and queue its confirmation e-mail. Its phase is the
    conversation the page takes now (Comment.open_phase): the consultation, or on a commitment
    of an adopted or implemented plan the dialogue during implementation.

    Refused (ValidationError, nothing saved) when the page takes no comment (a closed plan,
    outside the consultation window, a plan's own page outside consultation), for a reply to a
    reply, to an unpublished comment or to a comment of the other conversation, and for invalid
    fields."""
    phase = Comment.open_phase(plan, commitment, on=timezone.localdate())
    if phase is None:
        raise ValidationError(_closed_message(plan, commitment))
    if parent is not None and parent.state != Comment.State.PUBLISHED:
        raise ValidationError(gettext("You can only reply to a published comment."))
    comment = Comment(
        plan=plan,
        commitment=commitment,
        parent=parent,
        phase=phase,
        author_name=clean_text(author_name),
        email=email.strip(),
        body=clean_text(body),
        language=language,
        consent_at=timezone.now(),
        client_hash=fingerprint,
    )
    comment.full_clean()
    comment.save()
    queue_confirmation(comment)
    return comment


def comment_confirm(*, comment: Comment) -> Comment:
    """Confirm a pending comment (single use): published at once, or waiting for a moderator,
    as the plan says, and its author follows its thread from now on (in the same transaction).
    A comment already confirmed is returned unchanged."""
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
        follows.follow_comment_thread(comment=comment)
        follow_events.comment_published(comment)
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
    follow_events.comment_published(comment)
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
    follow_events.comment_hidden(comment)
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
    follow_events.comment_answered(comment)
    return comment
