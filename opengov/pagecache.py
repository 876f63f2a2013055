"""Whole answers cached in Redis until the public data changes, with conditional GET.

The key holds the data version (opengov.dataversion), the language and the full path. Pages
of one council (under /councils/<slug>/) are keyed by that council's version, so a change
elsewhere leaves them cached; every other page by the network version, which any public change
bumps. Answers carry an ETag and a Last-Modified date from the same version and
honour If-None-Match / If-Modified-Since, on successful answers only (RFC 9110).

Pages with a form keep working from the cache: the CSRF token written into the page is stored
as a placeholder and replaced by the reader's own token on every answer. Readers with a session
or a pending flash message (staff, someone who has just posted a comment) always get a freshly
rendered page. The cache is an optimisation only: when Redis is down, pages are rendered from
the database as if there were no cache."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from .dataversion import data_version

CSRF_PLACEHOLDER = "__infitah_csrf_token__"
_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # cache down: answer from the database
        return None


def _cache_set(key: str, value, seconds: int) -> None:
    with contextlib.suppress(Exception):  # a cache outage is not an error
        cache.set(key, value, seconds)


def not_modified(request: HttpRequest, etag: str, modified) -> bool:
    if etag in [tag.strip() for tag in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")]:
        return True
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return (
        since is not None
        and not request.META.get("HTTP_IF_NONE_MATCH")
        and int(modified.timestamp()) <= since
    )


def conditional(
    request: HttpRequest,
    namespace: str,
    produce: Callable[[], HttpResponse],
    *,
    vary: tuple[str, ...] = (),
    cache_control: str = "public, max-age=60",
    seconds: int | None = None,
    council: str | None = None,
) -> HttpResponse:
    """The cached answer for this request, or produce() and keep it when it is a 200. With a
    council's slug, the answer shows that council's data only and follows its version."""
    seconds = settings.PAGE_CACHE_SECONDS if seconds is None else seconds
    version, modified = data_version(council)
    # The date too: pages say which milestones are overdue today.
    key_parts = [str(version), str(timezone.localdate())]
    key_parts += [translation.get_language() or "", request.get_full_path()]
    key_parts += [request.META.get(f"HTTP_{name.upper().replace('-', '_')}", "") for name in vary]
    digest = _digest(*key_parts)
    etag = f'"{digest}"'
    key = f"{namespace}:{digest}"
    cached = _cache_get(key) if seconds else None
    if cached is not None:
        content, content_type, has_form = cached
        response = HttpResponse(content, content_type=content_type)
    else:
        response = produce()
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if response.status_code != 200 or response.streaming:
            return response
        content, has_form = _with_placeholder(response.content)
        if seconds:
            _cache_set(key, (content, response["Content-Type"], has_form), seconds)
    if has_form:
        # The reader's own token (and its cookie, set by the CSRF middleware).
        response.content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
        cache_control = "private, no-cache"
    patch_vary_headers(response, ("Accept-Language", "Cookie", *vary))
    if not_modified(request, etag, modified):
        answer = HttpResponseNotModified()
        answer["Vary"] = response["Vary"]
        response = answer
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified.timestamp())
    response["Cache-Control"] = cache_control
    return response


def _with_placeholder(content: bytes) -> tuple[bytes, bool]:
    tokens = set(_CSRF_FIELD.findall(content))
    for token in tokens:
        content = content.replace(token, CSRF_PLACEHOLDER.encode())
    return content, bool(tokens)


def _personal(request: HttpRequest) -> bool:
    """A reader whose page may differ from everyone else's: signed in, or with a message."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def cached_page(view=None, *, council: str | None = None):
    """Serve a public page from the cache for anonymous readers (see the module docstring).
    `council` names the URL argument holding the council's slug, for a page that shows that
    council's data only (@cached_page(council="slug"))."""
    if view is None:
        return functools.partial(cached_page, council=council)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _personal(request):
            return view(request, *args, **kwargs)
        scope = kwargs[council] if council else None
        return conditional(request, "page", lambda: view(request, *args, **kwargs), council=scope)

    return wrapper
