"""The answer to one request: from the page's entry (a hit, or a stale answer within its bound),
after waiting for the request that renders it, or rendered here; then the reader's own CSRF
token, the validators of the content actually sent, the 304 and the X-Cache state."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from .. import formtime
from ..dataversion import data_version
from . import flight
from .params import Params, known_query, use_query, without_tracking

logger = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "__infitah_csrf_token__"
_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')

# The X-Cache header: how this answer was made (docs/performance.md, "Single-flight rebuilds").
HIT = "hit"  # the page's entry, of the current version
STALE = "stale"  # the previous answer, within the bound, while one request rebuilds it after
# sending it (the rebuilding reader is served stale too)
MISS = "miss"  # rendered by this request (the one holding the lock, or no cache)
WAIT = "wait"  # waited for the request rendering it, then given its answer
WAIT_MISS = "wait-miss"  # waited, got nothing in time, rendered by this request too
BYPASS = "pass"  # never cached: a personal reader, an unknown query parameter


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
    query: QueryDict,
    variant: str = "",
    vary: tuple[str, ...] = (),
    cache_control: str = "public, max-age=60",
    seconds: int | None = None,
    council: str | None = None,
) -> HttpResponse:
    """The cached answer for this request, or produce() and keep it when it is a 200. `query`
    is the request's query as known_query() normalised it (the view must read that one, see
    use_query()); `variant` what else the answer depends on, from a closed set (the API's media
    type); `vary` only names the request headers the answer varies on, for the Vary header.
    With a council's slug, the answer shows that council's data only, follows its version and
    is never served stale. At most one request renders a page at a time (single flight); never
    fails for the cache's sake and never waits longer than PAGE_RENDER_WAIT_SECONDS."""
    seconds = settings.PAGE_CACHE_SECONDS if seconds is None else seconds
    version, modified = data_version(council)
    # The date too: pages say which milestones are overdue today (and no stale answer of
    # yesterday's is served today: the previous answer is per page and date).
    parts = [str(timezone.localdate()), translation.get_language() or "", request.path]
    page = flight.Page(namespace, [*parts, query.urlencode(), variant])
    finish = functools.partial(_finish, request, page, vary=vary, cache_control=cache_control)
    if not seconds or version == 0:  # no cache, or its version unknown (down): as if changed
        return _render(produce, page, version, modified, 0, finish, MISS)
    entry = page.get()
    if entry is not None and entry.version == version:
        return finish(entry, HIT)
    stale_seconds = settings.NETWORK_STALE_SECONDS if council is None else 0
    if entry is None or not flight.stale_allowed(entry, stale_seconds):
        entry = None
    elif not flight.rebuild_due(entry, stale_seconds):  # changes coalesce for half a window
        return finish(entry, STALE)
    token = page.take() if settings.PAGE_SINGLE_FLIGHT else None
    if entry is not None and token:
        # Due for a rebuild, which this request now owns: its reader gets the previous answer
        # at once too, and the page is rebuilt once that answer has been sent (the server
        # closes the response after its last byte; Django runs the closers then, before
        # request_finished closes the connection to the database).
        response = finish(entry, STALE)
        response._resource_closers.append(
            functools.partial(_rebuild, produce, page, version, modified, seconds, token)
        )
        return response
    state = MISS
    if token is False:  # another request renders this page
        if entry is not None:
            return finish(entry, STALE)
        if page.wait():
            current, _modified = data_version(council)
            entry = page.get()
            if entry is not None and entry.version in (version, current):
                return finish(entry, WAIT)
        state = WAIT_MISS  # not in time (or its render was no 200): render, never hang
    try:
        return _render(produce, page, version, modified, seconds, finish, state)
    finally:
        if token:
            page.release(token)


def _render(produce, page, version, modified, seconds, finish, state) -> HttpResponse:
    """produce() the answer; keep a 200 as the page's entry for `seconds` (0: not kept)."""
    started = flight._now()
    response = produce()
    if hasattr(response, "render") and callable(response.render):
        response.render()
    response["X-Cache"] = state
    if response.status_code != 200 or response.streaming:
        return response
    content, has_form = _with_placeholder(response.content)
    entry = flight.Entry(version, modified, started, content, response["Content-Type"], has_form)
    if seconds:
        page.put(entry, seconds)
    return finish(entry, state, response=response)


def _rebuild(produce, page, version, modified, seconds, token) -> None:
    """Render the page again after a stale answer was sent, keep it, free the page. A failure
    is logged, never raised: the reader has had their answer, and the next one rebuilds."""
    try:
        _render(produce, page, version, modified, seconds, _kept_only, MISS)
    except Exception:
        logger.exception("Rebuilding a page after its stale answer failed")
    finally:
        page.release(token)


def _kept_only(entry, state, *, response=None):
    return response


def _finish(
    request: HttpRequest,
    page: flight.Page,
    entry: flight.Entry,
    state: str,
    *,
    vary: tuple[str, ...],
    cache_control: str,
    response: HttpResponse | None = None,
) -> HttpResponse:
    """The answer of `entry` (into the rendered `response` when there is one), with validators
    describing that content, whatever the current version is."""
    if response is None:
        response = HttpResponse(entry.content, content_type=entry.content_type)
    if state == STALE:
        # Not to be kept as fresh by a browser or proxy: it is already out of date.
        cache_control = "public, max-age=0"
        response["Age"] = str(flight.age(entry))
    if entry.has_form:
        # The reader's own token (and its cookie, set by the CSRF middleware).
        content = entry.content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
        response.content = formtime.fill(content)
        cache_control = "private, no-cache"
    patch_vary_headers(response, ("Accept-Language", "Cookie", *vary))
    etag = page.etag(entry.version)
    if not_modified(request, etag, entry.modified):
        answer = HttpResponseNotModified()
        answer["Vary"] = response["Vary"]
        if "Age" in response:
            answer["Age"] = response["Age"]
        response = answer
    response["ETag"] = etag
    response["Last-Modified"] = http_date(entry.modified.timestamp())
    response["Cache-Control"] = cache_control
    response["X-Cache"] = state
    return response


def _with_placeholder(content: bytes) -> tuple[bytes, bool]:
    tokens = set(_CSRF_FIELD.findall(content))
    for token in tokens:
        content = content.replace(token, CSRF_PLACEHOLDER.encode())
    content, stamped = formtime.with_placeholder(content)
    return content, bool(tokens) or stamped


def _personal(request: HttpRequest) -> bool:
    """A reader whose page may differ from everyone else's: signed in, or with a message."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def cached_page(view=None, *, params: Params | None = None, council: str | None = None):
    """Serve a public page from the cache for anonymous readers (see the package docstring).
    `params` declares the query parameters the view reads, each with its normaliser
    ({"page": integer, "q": text}); none by default. Tracking parameters (utm_source, fbclid:
    params.TRACKING) are dropped, as if the link had none. `council` names the URL argument holding
    the council's slug, for a page that shows that council's data only
    (@cached_page(council="slug"))."""
    if view is None:
        return functools.partial(cached_page, params=params, council=council)
    declared: Params = params or {}

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        query = None
        if request.method in ("GET", "HEAD") and not _personal(request):
            query = known_query(without_tracking(request.GET), declared)
        if query is None:  # personal, or an unknown parameter or refused value: never stored
            response = view(request, *args, **kwargs)
            response["X-Cache"] = BYPASS
            return response
        use_query(request, query)
        scope = kwargs[council] if council else None
        return conditional(
            request, "page", lambda: view(request, *args, **kwargs), query=query, council=scope
        )

    return wrapper
