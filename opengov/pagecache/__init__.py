"""Whole answers cached in Redis until the public data changes, with conditional GET, rebuilt by
one request at a time and, for network pages, served stale for a bounded time while rebuilt.

Each page (its date, language, path, the query parameters the view reads, normalised and sorted,
never the host or a raw header) has one entry: its last good answer, with the data version
(opengov.dataversion) it was rendered under and when. Pages of one council (under
/councils/<slug>/) follow that council's version, so a change elsewhere leaves them cached;
every other page follows the network version, which any public change bumps. An entry of the
current version is a hit. Answers carry an ETag and a Last-Modified date from the version of the
content actually sent and honour If-None-Match / If-Modified-Since, on successful answers only
(RFC 9110).

When the version moved on, at most one request renders the page (single flight): the one that
takes the page's lock, a Redis key set only if absent, with an expiry (PAGE_RENDER_LOCK_SECONDS),
released once the answer is stored; a renderer that dies leaves it until it expires. Readers
that find it held either get the previous answer (below) or, with nothing to serve, wait for the
renderer (polling the lock, PAGE_RENDER_WAIT_SECONDS at most), then render themselves: never
fail, never hang. Network pages may be served stale (stale-while-revalidate) for at most
NETWORK_STALE_SECONDS after the first change their entry does not show (the bump that replaced
its version, recorded by dataversion.bump), marked with an Age header and max-age=0; their
rebuild waits until the entry is half that old, so a burst of changes causes one rebuild per
half window, not one per change. Council pages are never served stale: a change in a council is
on its pages at the next read (their shared version also carries changes whose council cannot
be told, so no bump of theirs is harmless). No stale answer crosses midnight (the date is part
of the page: overdue milestones change then). Each answer says how it was made in X-Cache: hit,
stale, miss (rendered here), wait (given another request's render), wait-miss (waited, then
rendered here), pass (never cached).

Pages with a form keep working from the cache: the CSRF token written into the page is stored
as a placeholder and replaced by the reader's own token on every answer (and a form's time stamp,
opengov.formtime, by a fresh one). Readers with a session
or a pending flash message (staff, someone who has just posted a comment) always get a freshly
rendered page. The cache is an optimisation only: when Redis is down, pages are rendered from
the database as if there were no cache, by every reader (no lock can be taken).

Every cached view declares the query parameters it reads, each with its normaliser (Params). A
request whose query holds only those is answered under one key per meaning: `?b=2&a=1`,
`?a=1&b=2&b=2` and `?a=01&b=2&c=` are one entry, and the view is given that normalised query
(request.GET and the path the page writes into its links), so what is stored depends on the key
alone. A request with any other parameter, or a value its normaliser refuses (`?page=abc`), is
answered without the cache, neither read nor stored: otherwise every random `?x=...` a client
sends would become a new entry in the cache's memory (the API refuses such a request instead,
opendata.api.views). Pages drop the tracking parameters a shared link picks up first (utm_*,
fbclid: params.TRACKING), so a link followed from Facebook is a hit like any other. Nothing
else of the request enters the key; the API adds the media type it
chose from a closed set, never the Accept header as sent. The cache runs in its own Redis with an
eviction policy (docker-compose.yml), so a flood of valid keys evicts old pages, never the Celery
queues or the rate-limit counters, which live in the broker's Redis (the "counters" cache)."""

from .answer import (
    BYPASS,
    CSRF_PLACEHOLDER,
    HIT,
    MISS,
    STALE,
    WAIT,
    WAIT_MISS,
    cached_page,
    conditional,
    not_modified,
)
from .params import (
    Params,
    Refused,
    integer,
    known_query,
    one_of,
    opaque,
    text,
    use_query,
    word,
)

__all__ = [
    "BYPASS",
    "CSRF_PLACEHOLDER",
    "HIT",
    "MISS",
    "STALE",
    "WAIT",
    "WAIT_MISS",
    "Params",
    "Refused",
    "cached_page",
    "conditional",
    "integer",
    "known_query",
    "not_modified",
    "one_of",
    "opaque",
    "text",
    "use_query",
    "word",
]
