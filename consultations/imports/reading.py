"""Reading the file: CSV in UTF-8, UTF-8 with BOM or Windows-1256, or XLSX (its archive checked
before the parser opens it), into rows of text."""

from __future__ import annotations

import csv
import io
import zipfile
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from opengov.archives import UnsafeArchive, check_archive

from .table import MAX_ROWS, FileProblem


def _decode(data: bytes) -> str:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff") or b"\x00" in data[:4096]:
        raise FileProblem(
            gettext(
                "The file is not in a supported text encoding. Save it as CSV UTF-8 or as an "
                "Excel workbook (.xlsx)."
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on an Arabic Windows saves "CSV" in Windows-1256.
        return data.decode("cp1256")
    except UnicodeDecodeError as error:
        raise FileProblem(
            gettext(
                "The file is neither UTF-8 nor Windows-1256 text. Save it as CSV UTF-8 or as an "
                "Excel workbook (.xlsx)."
            )
        ) from error


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        raise FileProblem(
            gettext("The CSV file is malformed: %(error)s") % {"error": error}
        ) from error


def check_workbook(file) -> None:
    """FileProblem unless the workbook is safe to give to openpyxl: every member checked for
    its declared and inflated sizes, and no XML DTD or entity (opengov.archives.check_archive)."""
    try:
        check_archive(file)
    except UnsafeArchive as problem:
        if problem.code in ("archive_damaged", "archive_encrypted"):
            raise FileProblem(
                gettext("The Excel file cannot be read; save it again as .xlsx.")
            ) from problem
        raise FileProblem(" ".join(problem.messages)) from problem


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    check_workbook(io.BytesIO(data))
    rows = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            rows.append(["" if v is None else str(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, ParseError) as error:
        raise FileProblem(
            gettext("The Excel file cannot be read; save it again as .xlsx.")
        ) from error
    return rows


def read_table(name: str, data: bytes) -> list[list[str]]:
    """The file's cells as text, row by row; FileProblem if it cannot be read."""
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise FileProblem(
            gettext("This file is %(size)s; the largest accepted is %(limit)s.")
            % {
                "size": filesizeformat(len(data)),
                "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
            }
        )
    lower = name.lower()
    if lower.endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if lower.endswith((".csv", ".txt")):
        return _read_csv(data)
    raise FileProblem(gettext("Send a .csv or .xlsx file."))
