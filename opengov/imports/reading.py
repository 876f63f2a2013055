"""Reading an uploaded spreadsheet into rows of text: CSV in UTF-8, UTF-8 with BOM or
Windows-1256 (one table per file), or XLSX (every sheet, its archive checked by
opengov.archives before openpyxl opens it)."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from opengov.archives import ZIP_MAGIC, UnsafeArchive, check_archive

MAX_ROWS = 2000

CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx",)


class FileProblem(Exception):
    """A file that cannot be read at all; its message is translated, for the user."""


def size_problem(size: int) -> FileProblem | None:
    if size <= settings.MAX_UPLOAD_BYTES:
        return None
    return FileProblem(
        gettext("This file is %(size)s; the largest accepted is %(limit)s.")
        % {"size": filesizeformat(size), "limit": filesizeformat(settings.MAX_UPLOAD_BYTES)}
    )


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


def read_csv(data: bytes) -> list[list[str]]:
    """The rows of a CSV file, its separator (comma, semicolon or tab) sniffed."""
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


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def cell_text(value, number_format: str | None = "") -> str:
    """A workbook cell as the text a clerk typed: a date as 2023-01-15, or 2023-01 when the
    cell shows no day (Excel turns a typed "2023-01" into a date formatted as a month); a whole
    number without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        shown = _QUOTED.sub("", (number_format or "").lower())
        if "d" not in shown and "general" not in shown and shown:
            return value.strftime("%Y-%m")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_workbook(data: bytes, max_rows: int = MAX_ROWS) -> list[tuple[str, list[list[str]]]]:
    """Every sheet of a workbook as (title, rows of text), at most max_rows + 1 rows each
    (enough to tell that a sheet is too long). The archive is checked first."""
    from openpyxl import load_workbook

    check_workbook(io.BytesIO(data))
    sheets = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for sheet in workbook.worksheets:
            rows: list[list[str]] = []
            for cells in sheet.iter_rows():
                rows.append(
                    [
                        cell_text(getattr(c, "value", None), getattr(c, "number_format", ""))
                        for c in cells
                    ]
                )
                if len(rows) > max_rows + 1:
                    break
            sheets.append((sheet.title, rows))
        workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, ParseError) as error:
        raise FileProblem(
            gettext("The Excel file cannot be read; save it again as .xlsx.")
        ) from error
    return sheets


def is_workbook(name: str, data: bytes) -> bool:
    return name.lower().endswith(XLSX_EXTENSIONS) or data.startswith(ZIP_MAGIC)


def read_tables(name: str, data: bytes, max_rows: int = MAX_ROWS) -> list[tuple[str, list]]:
    """The file's tables as (sheet title, rows of text): every sheet of a workbook, or the one
    table of a CSV (title ""). FileProblem if it cannot be read."""
    problem = size_problem(len(data))
    if problem is not None:
        raise problem
    if is_workbook(name, data):
        return read_workbook(data, max_rows)
    if name.lower().endswith(CSV_EXTENSIONS):
        return [("", read_csv(data))]
    raise FileProblem(gettext("Send a .csv or .xlsx file."))


def read_table(name: str, data: bytes, max_rows: int = MAX_ROWS) -> list[list[str]]:
    """The file's first table (a workbook's first sheet) as rows of text."""
    tables = read_tables(name, data, max_rows)
    return tables[0][1] if tables else []
