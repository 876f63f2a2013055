"""The template files staff download for an import, as attachments."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpResponse

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def template_response(fmt: str, build: dict[str, Callable[[], bytes]], name: str) -> HttpResponse:
    """`build[fmt]()` as the attachment `name.fmt`; 404 for a format not in `build`."""
    if fmt not in build or fmt not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(build[fmt](), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
