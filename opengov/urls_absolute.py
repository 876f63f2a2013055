"""Absolute addresses of the portal, always built from settings.SITE_URL.

The Host header is the client's choice. Django checks it against ALLOWED_HOSTS but not its port
(`Host: portal.example:9999` passes), so a link built from it (request.build_absolute_uri) and
kept in the shared page cache sends every later reader to that address: one request poisons the
page for everyone until the data changes. Every absolute link the portal writes (hreflang
alternates and canonical links, API `url`/`next`/`previous` fields, Atom feeds, e-mails, PDFs,
open data) is therefore SITE_URL followed by a path, and never depends on the request."""

from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.http import HttpRequest


def absolute_url(path: str) -> str:
    """SITE_URL followed by `path` (a path on this site, with or without a query string). A path
    that a browser would read as another host ("//evil.example/x", "/\\evil.example") stays a
    path on this site."""
    return settings.SITE_URL.rstrip("/") + "/" + str(path).lstrip("/\\")


def site_links(request: HttpRequest) -> HttpRequest:
    """`request`, with build_absolute_uri() answering under SITE_URL: for code outside the portal
    that builds links from the request (Django REST framework's pagination and reverse()). The
    request's host is still what Django checked; it only no longer leaks into links."""

    def build_absolute_uri(location: str | None = None) -> str:
        location = request.get_full_path() if location is None else urljoin(request.path, location)
        return location if urlsplit(location).scheme else absolute_url(location)

    request.build_absolute_uri = build_absolute_uri
    return request
