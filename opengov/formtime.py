"""When a public form was shown: a signed time stamp in a hidden field, so that a post coming
back sooner than a person could fill the form in (a robot) is refused, without any third-party
CAPTCHA or script. A page answered from the cache gets a fresh stamp on every answer
(opengov.pagecache replaces it as it does the CSRF token), so a cached page gives no robot an
old stamp to reuse."""

from __future__ import annotations

import re
import time

from django.core import signing
from django.utils.html import format_html

SALT = "opengov.formtime"
FIELD = "form_started"
PLACEHOLDER = "__infitah_form_time__"
# A stamp older than this is refused as well: the form is shown again with what was typed.
MAX_AGE = 24 * 3600
STAMP_IN_PAGE = re.compile(rb'name="' + FIELD.encode() + rb'" value="([^"]+)"')


def stamp(at: float | None = None) -> str:
    """The signed stamp of a form shown now (or at `at`, seconds since the epoch)."""
    return signing.dumps(int(at if at is not None else time.time()), salt=SALT)


def seconds_since(value: str | None) -> float | None:
    """Seconds since the form was shown, from its stamp; None for a missing, tampered or
    expired stamp."""
    if not value:
        return None
    try:
        shown = signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(shown, int) or isinstance(shown, bool):
        return None
    elapsed = max(0.0, time.time() - shown)
    return elapsed if elapsed <= MAX_AGE else None


def hidden_field() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, stamp())


def with_placeholder(content: bytes) -> tuple[bytes, bool]:
    """The page with its stamps replaced by the placeholder (before caching it)."""
    stamps = set(STAMP_IN_PAGE.findall(content))
    for value in stamps:
        content = content.replace(value, PLACEHOLDER.encode())
    return content, bool(stamps)


def fill(content: bytes) -> bytes:
    """A cached page with a fresh stamp in place of the placeholder."""
    return content.replace(PLACEHOLDER.encode(), stamp().encode())
