"""Spreadsheet exports (CSV in UTF-8 with BOM so Excel opens Arabic, and XLSX). A cell that a
spreadsheet would read as a formula (= + - @, tab, carriage return) is escaped with a leading
apostrophe: a comment cannot run anything on the computer of whoever opens the export."""

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from opengov.spreadsheets import csv_bytes

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _rows(comments):
    yield [
        gettext("Id"),
        gettext("Plan"),
        gettext("Commitment"),
        gettext("In reply to"),
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
            c.author_name,
            timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
            c.get_state_display(),
            c.body,
            c.official_reply,
            c.report_count,
        ]


def comments_export_response(comments, fmt: str) -> HttpResponse:
    """The comments as a download; e-mail addresses are never exported."""
    rows = [[neutralise(v) for v in row] for row in _rows(comments)]
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "comments"
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="comments-{stamp}.{fmt}"'
    return response
