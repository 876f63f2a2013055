"""Spreadsheet exports of comments (CSV and XLSX, opengov.spreadsheets): a cell that a
spreadsheet would read as a formula is neutralised there, so a comment cannot run anything on the
computer of whoever opens the export."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from opengov.spreadsheets import csv_bytes, xlsx_bytes


def _rows(comments):
    yield [
        gettext("Id"),
        gettext("Plan"),
        gettext("Commitment"),
        gettext("In reply to"),
        gettext("Phase"),
        gettext("Name"),
        gettext("Date"),
        gettext("State"),
        gettext("Comment"),
        gettext("Official reply"),
        gettext("Reports"),
    ]
    for c in comments.select_related("plan", "commitment").order_by("plan", "created_at", "id"):
        yield [
            c.pk,
            str(c.plan),
            c.commitment.reference if c.commitment else "",
            c.parent_id or "",
            c.get_phase_display(),
            c.author_name,
            c.created_at,
            c.get_state_display(),
            c.body,
            c.official_reply,
            c.report_count,
        ]


def comments_export_response(comments, fmt: str) -> HttpResponse:
    """The comments as a download; e-mail addresses are never exported."""
    rows = list(_rows(comments))
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(rows, "comments"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="comments-{stamp}.{fmt}"'
    return response
