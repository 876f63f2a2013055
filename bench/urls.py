"""The project's URLs plus /bench/floor/: the cheapest page Django can serve through the same
middleware (sessions, locale, CSRF, security headers), the floor the other pages are compared to."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from opengov.urls import handler404, handler500, urlpatterns as project_urlpatterns

FLOOR_HTML = (
    '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
    "<title>floor</title></head><body><p>انفتاح</p></body></html>"
)


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FLOOR_HTML)


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *project_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
