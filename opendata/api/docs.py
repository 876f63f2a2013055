"""The API's documentation page (Redoc, from drf-spectacular-sidecar) served without anything
from another site.

The sidecar's Redoc bundle draws Redocly's logo from Redocly's CDN in its menu ("API docs by
Redocly"). The portal's Content-Security-Policy blocks that request, but the page still tries it
and every visit logs a violation: the bundle is served here with that address emptied (the
image then fails at once and Redoc leaves it out, as it does when the CDN is unreachable). A
new sidecar that loads something else from another site is caught by the tests
(tests/opendata/test_api_docs.py), not silently loaded."""

import hashlib
from functools import cache

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
THIRD_PARTY = ('src:"https://cdn.redoc.ly/redoc/logo-mini.svg"', 'src:""')


@cache
def redoc_bundle() -> tuple[bytes, str]:
    """The bundle without its third-party image, and its ETag (read once per process)."""
    path = finders.find(BUNDLE)
    if not path:
        raise ImproperlyConfigured(f"{BUNDLE} not found: is drf-spectacular-sidecar installed?")
    with open(path, encoding="utf-8") as bundle:
        text = bundle.read()
    text = text.replace(*THIRD_PARTY)
    body = text.encode("utf-8")
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@require_safe
def redoc_script(request: HttpRequest) -> HttpResponse:
    body, etag = redoc_bundle()
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=86400"
    return response
