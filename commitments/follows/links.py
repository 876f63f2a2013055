"""The signed links the portal mails a subscriber, and reading them back.

- The confirmation link of one follow (double opt-in): expires after CONFIRMATION_MAX_AGE.
- The manage link (every follow of the address) and the unsubscribe link (the follows one e-mail
  was about): they never expire, because an unsubscribe link must work for as long as the e-mail
  is kept (RFC 8058), but they carry the subscriber's `key`, which leaving everything replaces:
  every earlier link then stops working.

Every link is built from SITE_URL (opengov.urls_absolute), in the language given."""

from __future__ import annotations

import hashlib

from django.core import signing
from django.urls import reverse
from django.utils import translation

from opengov.urls_absolute import absolute_url

from ..models import Follow, Subscriber

CONFIRM_SALT = "commitments.follow-confirmation"
MANAGE_SALT = "commitments.follow-manage"
UNSUBSCRIBE_SALT = "commitments.follow-unsubscribe"
CONFIRMATION_MAX_AGE = 7 * 24 * 3600


def _mailbox_hash(subscriber: Subscriber) -> str:
    return hashlib.sha256(subscriber.mailbox.encode()).hexdigest()[:16]


def confirmation_token(follow: Follow) -> str:
    return signing.dumps(
        {"f": follow.pk, "m": _mailbox_hash(follow.subscriber)}, salt=CONFIRM_SALT, compress=True
    )


def follow_from_token(token: str) -> Follow | None:
    """The follow a valid, unexpired confirmation token names; None otherwise."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    follow = Follow.objects.select_related("subscriber").filter(pk=data.get("f")).first()
    if follow is None or _mailbox_hash(follow.subscriber) != data.get("m"):
        return None
    return follow


def manage_token(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.pk, "k": subscriber.key}, salt=MANAGE_SALT)


def subscriber_from_manage_token(token: str) -> Subscriber | None:
    try:
        data = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        return None
    subscriber = Subscriber.objects.filter(pk=data.get("s")).first()
    if subscriber is None or subscriber.key != data.get("k"):
        return None
    return subscriber


def unsubscribe_token(subscriber: Subscriber, follow_ids: list[int]) -> str:
    return signing.dumps(
        {"s": subscriber.pk, "k": subscriber.key, "f": sorted(set(follow_ids))},
        salt=UNSUBSCRIBE_SALT,
        compress=True,
    )


def unsubscribe_from_token(token: str) -> tuple[Subscriber, list[int]] | None:
    """The subscriber and the ids of the follows an unsubscribe token names; None otherwise."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    subscriber = Subscriber.objects.filter(pk=data.get("s")).first()
    if subscriber is None or subscriber.key != data.get("k"):
        return None
    return subscriber, [int(pk) for pk in data.get("f", [])]


def _in(language: str, name: str, token: str) -> str:
    with translation.override(language):
        return absolute_url(reverse(name, args=[token]))


def confirmation_url(follow: Follow, language: str) -> str:
    return _in(language, "commitments:follow_confirm", confirmation_token(follow))


def manage_url(subscriber: Subscriber, language: str) -> str:
    return _in(language, "commitments:follow_manage", manage_token(subscriber))


def unsubscribe_url(subscriber: Subscriber, follow_ids: list[int], language: str) -> str:
    """The page (GET shows, POST stops) and the RFC 8058 one-click target (POST with
    `List-Unsubscribe=One-Click`): one address for both."""
    return _in(
        language, "commitments:follow_unsubscribe", unsubscribe_token(subscriber, follow_ids)
    )
