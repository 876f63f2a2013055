"""Whole answers cached in Redis until the public data changes, with conditional GET.

The key holds the data version (opengov.dataversion), the language, the path and the query
parameters the view reads, normalised and sorted (never the host, never a raw header). Pages
of one council (under /councils/<slug>/) are keyed by that council's version, so a change
elsewhere leaves them cached; every other page by the network version, which any public change
bumps. Answers carry an ETag and a Last-Modified date from the same version and
honour If-None-Match / If-Modified-Since, on successful answers only (RFC 9110).

Pages with a form keep working from the cache: the CSRF token written into the page is stored
as a placeholder and replaced by the reader's own token on every answer (and a form's time stamp,
opengov.formtime, by a fresh one). Readers with a session
or a pending flash message (staff, someone who has just posted a comment) always get a freshly
rendered page. The cache is an optimisation only: when Redis is down, pages are rendered from
the database as if there were no cache.

Every cached view declares the query parameters it reads, each with its normaliser (Params). A
request whose query holds only those is answered under one key per meaning: `?b=2&a=1`,
`?a=1&b=2&b=2` and `?a=01&b=2&c=` are one entry, and the view is given that normalised query
(request.GET and the path the page writes into its links), so what is stored depends on the key
alone. A request with any other parameter, or a value its normaliser refuses (`?page=abc`), is
answered without the cache, neither read nor stored: otherwise every random `?x=...` a client
sends would become a new entry in the cache's memory (the API refuses such a request instead,
opendata.api.views). Nothing else of the request enters the key; the API adds the media type it
chose from a closed set, never the Accept header as sent. The cache runs in its own Redis with an
eviction policy (docker-compose.yml), so a flood of valid keys evicts old pages, never the Celery
queues or the rate-limit counters, which live in the broker's Redis (the "counters" cache)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
from collections.abc import Callable, Mapping

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from . import formtime
from .dataversion import data_version
from .params import ascii_int

CSRF_PLACEHOLDER = "__infitah_csrf_token__"
_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- query parameters ----------------------------------------------------------------------------


class Refused(ValueError):
    """A value no answer may be cached for (the view still gets it and reports it)."""


def integer(value: str) -> str:
    """An id or a page number, in ASCII digits: "007" and " 7" are "7"."""
    number = ascii_int(value.strip())
    if number is None:
        raise Refused(value)
    return str(number)


def text(value: str) -> str:
    """Free text (a search): runs of whitespace are one space, outer whitespace goes."""
    return " ".join(value.split())


_WORD = re.compile(r"[-\w]{1,100}", re.ASCII)


def word(value: str) -> str:
    """A choice or a slug (kind, status, region): ASCII letters, digits, "-" and "_"."""
    value = value.strip()
    if not _WORD.fullmatch(value):
        raise Refused(value)
    return value


def one_of(*values: str) -> Callable[[str], str]:
    """A normaliser taking only `values` (a closed choice: an order, an origin)."""

    def normalise(value: str) -> str:
        value = value.strip()
        if value not in values:
            raise Refused(value)
        return value

    return normalise


_OPAQUE = re.compile(r"[A-Za-z0-9+/=_-]{1,200}")


def opaque(value: str) -> str:
    """A token the application wrote itself (the API's cursor): base64 characters only."""
    value = value.strip()
    if not _OPAQUE.fullmatch(value):
        raise Refused(value)
    return value


Params = Mapping[str, Callable[[str], str]]


def known_query(query: QueryDict, params: Params) -> QueryDict | None:
    """The query as the cache sees it: the declared parameters, each one value (the last, which
    is what QueryDict.get and form fields read), normalised, empty ones left out, sorted by name.
    None when the query holds anything else or a value is refused: that answer is not cached."""
    if not query:
        return query  # most requests: nothing to normalise
    if not set(query).issubset(params):
        return None
    known = QueryDict(mutable=True)
    try:
        for name in sorted(query):
            value = query.getlist(name)[-1]
            if value.strip():
                known[name] = params[name](value)
    except Refused:
        return None
    known._mutable = False
    return known


def use_query(request: HttpRequest, query: QueryDict) -> None:
    """Hand the view `query` as the request's: request.GET, get_full_path() (the links a page
    writes, such as the language switch) and the page's canonical link all follow it."""
    encoded = query.urlencode()
    request.GET = query
    request.META["QUERY_STRING"] = encoded
    request.page_cache_query = encoded


# --- the cache ------------------------------------------------------------------------------------


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
    With a council's slug, the answer shows that council's data only and follows its version."""
    seconds = settings.PAGE_CACHE_SECONDS if seconds is None else seconds
    version, modified = data_version(council)
    # The date too: pages say which milestones are overdue today.
    key_parts = [str(version), str(timezone.localdate())]
    key_parts += [translation.get_language() or "", request.path, query.urlencode(), variant]
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
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
        response.content = formtime.fill(content)
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
    content, stamped = formtime.with_placeholder(content)
    return content, bool(tokens) or stamped


def _personal(request: HttpRequest) -> bool:
    """A reader whose page may differ from everyone else's: signed in, or with a message."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def cached_page(view=None, *, params: Params | None = None, council: str | None = None):
    """Serve a public page from the cache for anonymous readers (see the module docstring).
    `params` declares the query parameters the view reads, each with its normaliser
    ({"page": integer, "q": text}); none by default. `council` names the URL argument holding
    the council's slug, for a page that shows that council's data only
    (@cached_page(council="slug"))."""
    if view is None:
        return functools.partial(cached_page, params=params, council=council)
    declared: Params = params or {}

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _personal(request):
            return view(request, *args, **kwargs)
        query = known_query(request.GET, declared)
        if query is None:  # an unknown parameter or a refused value: rendered, never stored
            return view(request, *args, **kwargs)
        use_query(request, query)
        scope = kwargs[council] if council else None
        return conditional(
            request, "page", lambda: view(request, *args, **kwargs), query=query, council=scope
        )

    return wrapper
