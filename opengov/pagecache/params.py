"""The query parameters a cached view reads, each with its normaliser, and the query the cache
keys an answer by (see the package docstring: one key per meaning, anything else uncached)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from django.http import HttpRequest, QueryDict

from ..params import ascii_int


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

# What social networks and campaign tools add to a shared link (Facebook adds fbclid to every
# link followed from it): where the reader came from, never what the page is. A page ignores
# them, so a link shared on Facebook or WhatsApp is answered from the page's one entry rather
# than rendered for every reader (and never stored under a new key per click).
TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "gbraid",
        "wbraid",
        "dclid",
        "msclkid",
        "igshid",
        "twclid",
        "ttclid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "_ga",
    }
)
TRACKING_PREFIXES = ("utm_",)


def without_tracking(query: QueryDict) -> QueryDict:
    """The query without the tracking parameters (TRACKING) a shared link picks up."""
    if not any(name in TRACKING or name.startswith(TRACKING_PREFIXES) for name in query):
        return query
    kept = query.copy()
    for name in list(kept):
        if name in TRACKING or name.startswith(TRACKING_PREFIXES):
            del kept[name]
    kept._mutable = False
    return kept


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
