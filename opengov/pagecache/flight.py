"""One entry per page and one renderer at a time: the page cache's storage (see the package
docstring). A page's entry holds its last good answer with the version it was rendered under and
when; a page's lock is a short Redis key (SET NX with an expiry) held by the one request that
renders it. Every operation treats a cache error as "nothing there" or "state unknown": the
caller then renders, as if there were no cache."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import secrets
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache

from .. import dataversion


class Entry(NamedTuple):
    """The last good answer of a page: a 200's body (with the CSRF and form-time placeholders),
    its content type, whether it holds a form, the data version it was rendered under, that
    version's date (its Last-Modified) and when its rendering started (seconds since the epoch:
    its Age is counted from there)."""

    version: int | str
    modified: datetime.datetime
    rendered_at: float
    content: bytes
    content_type: str
    has_form: bool


def _now() -> float:
    return time.time()


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


class Page:
    """A page as the cache knows it, from the parts of its key (the date, the language, the
    path, the normalised query, the variant; never the data version, which is in its entry):
    where its entry and its render lock live, and the ETag of an answer of a given version."""

    def __init__(self, namespace: str, parts: list[str]):
        self.parts = parts
        digest = _digest(*parts)
        self.key = f"{namespace}:page:{digest}"
        self.lock = f"{namespace}:render:{digest}"

    def etag(self, version: int | str) -> str:
        return f'"{_digest(str(version), *self.parts)}"'

    def get(self) -> Entry | None:
        try:
            entry = cache.get(self.key)
        except Exception:  # cache down: answer from the database
            return None
        return entry if isinstance(entry, Entry) else None

    def put(self, entry: Entry, seconds: int) -> None:
        with contextlib.suppress(Exception):  # a cache outage is not an error
            cache.set(self.key, entry, seconds)

    def take(self) -> str | bool | None:
        """The lock's token when this request may render the page, False while another request
        holds it, None when the cache cannot tell (down: render, as without a cache). The lock
        expires after PAGE_RENDER_LOCK_SECONDS, so a renderer that died leaves it for at most
        that long."""
        token = secrets.token_hex(8)
        try:
            taken = cache.add(self.lock, token, settings.PAGE_RENDER_LOCK_SECONDS)
        except Exception:
            return None
        return token if taken else False

    def release(self, token: str) -> None:
        """Give the lock back, unless it expired and another request took it since."""
        with contextlib.suppress(Exception):
            if cache.get(self.lock) == token:
                cache.delete(self.lock)

    def wait(self) -> bool:
        """Wait for the request holding the lock: True once it let go (its answer is stored, or
        it had none to store), False after PAGE_RENDER_WAIT_SECONDS or if the cache fails. Polls
        the small lock key, never the page, with a growing pause (20 to 100 ms)."""
        deadline = time.monotonic() + settings.PAGE_RENDER_WAIT_SECONDS
        pause = 0.02
        while True:
            try:
                if cache.get(self.lock) is None:
                    return True
            except Exception:
                return False
            if time.monotonic() >= deadline:
                return False
            _pause(pause)
            pause = min(pause * 1.5, 0.1)


def stale_allowed(entry: Entry, stale_seconds: int) -> bool:
    """Whether `entry` may still be served although its network version was replaced: only
    while fewer than `stale_seconds` have passed since the first change after it (the bump
    that replaced its version, dataversion.superseded_at). Unknown (no record, cache down): no."""
    if stale_seconds <= 0 or not isinstance(entry.version, int):
        return False
    superseded = dataversion.superseded_at(entry.version)
    return superseded is not None and _now() - superseded < stale_seconds


def rebuild_due(entry: Entry, stale_seconds: int) -> bool:
    """Whether a stale entry is old enough to be rebuilt now: half the staleness bound after it
    was rendered. A burst of changes then causes one rebuild per half window, and a change is
    shown within the bound (half a window, plus one render)."""
    return _now() - entry.rendered_at >= stale_seconds / 2


def age(entry: Entry) -> int:
    """Seconds since the entry's rendering started (the Age header of a stale answer)."""
    return max(0, int(_now() - entry.rendered_at))
