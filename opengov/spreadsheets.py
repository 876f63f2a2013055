"""Spreadsheets as the portal writes them (CSV and XLSX), and the one rule that keeps a cell
from being run as a formula by whoever opens the file.

CSV: UTF-8 with a byte order mark (so Excel opens Arabic correctly) and every field quoted;
every moment (created, recorded, published, answered…) in ISO 8601 with its offset from UTC
(2024-03-15T10:30:00+01:00), every day as 2024-03-15.

The rule (docs/security.md, "Spreadsheets opened by French Excel"). A CSV written with commas may
be opened by a French Excel that splits on semicolons (or the other way round), so a cell is read
as several fields: the rule is applied at the start of the cell and after every `;`, `,`, tab or
line break inside it. At each such place, after spaces and double quotes, the text is a formula
when it starts with:

- `=`;
- `+`, `-` or `@` (one or more, spaces allowed) followed by what Excel would compute: a digit,
  `.`, `(`, `$`, `"`, `'`, `=`, `{`, `#`, `[` or `!`; a cell reference (`A1`, `$B$2`, `R1C1`);
  or text holding a function call (`SUM(`), a DDE link (`cmd|`) or a sheet reference (`x!A1`).

An apostrophe is put just before that character (`'=1+1`, `x;'=2+5`): spreadsheets show the
text and compute nothing. A cell that starts with a tab or a carriage return gets one in front.
Bullet text stays as written (`- Améliorer l'accès`, `- bien-être`, `@mention`); see the table of
examples both ways in tests/security/test_spreadsheet_cells.py. Numbers are written as
numbers (-5 is data, not a formula); texts are never evaluated in XLSX either (string cells)."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

# Where a reader may start a field inside a cell: the cell's start and after each of these.
SEPARATORS = ";,\t\r\n"
_SIGNS = "+-@\uff0b\uff0d\uff20"  # and their full-width forms
_EQUALS = "=\uff1d"
# Places where a field may start (after spaces and double quotes) with a sign or equals: the
# only places worth a closer look, at the start of the cell and after a separator (two patterns:
# one that begins with a character set is scanned much faster than an alternation with ^).
_LEAD = r"[ \t\r\n\"]*(?=[" + re.escape(_SIGNS + _EQUALS) + "])"
_CANDIDATE_FIRST = re.compile(_LEAD)
_CANDIDATE_INSIDE = re.compile(f"[{re.escape(SEPARATORS)}]{_LEAD}")
_AFTER_SIGN_START = tuple("0123456789.($\"'={#[!") + tuple(_EQUALS)
_CELL_REFERENCE = re.compile(r"(?:\$?[A-Za-z]{1,3}\$?[0-9]+|[Rr][0-9]+[Cc][0-9]+)(?![\w.(])")
# Anywhere after the sign: a function call, a DDE link, a sheet reference.
_COMPUTED = re.compile(r"(?<![\w.])[A-Za-z_][A-Za-z0-9_.]*\(|\||[\w'\]]![$A-Za-z]")


def _last_computed(text: str) -> int:
    """Where the text's last function call, DDE link or sheet reference starts (-1: none)."""
    return max((m.start() for m in _COMPUTED.finditer(text)), default=-1)


def _is_formula_at(text: str, start: int, last_computed: list[int]) -> bool:
    """Whether a spreadsheet would compute the field that begins at text[start]
    (`last_computed`: _last_computed(text), worked out on first need and kept in the list)."""
    first = text[start : start + 1]
    if not first or first == "'":
        return False
    if first in _EQUALS:
        return True
    if first not in _SIGNS:
        return False
    end = len(text)
    after = start
    while after < end and (text[after] in _SIGNS or text[after] == " "):
        after += 1
    if after == end:
        return False
    if text[after] in _AFTER_SIGN_START or text[after].isdigit():
        return True
    if _CELL_REFERENCE.match(text, after):
        return True
    if not last_computed:
        last_computed.append(_last_computed(text))
    return last_computed[0] >= after


def neutralise(value):
    """The text with an apostrophe before each place a spreadsheet would start a formula (the
    rule above); anything else unchanged. Idempotent: a neutralised text is left as it is.
    Linear in the length of the text, however many separators it holds."""
    if not isinstance(value, str) or not value:
        return value
    first = _CANDIDATE_FIRST.match(value)
    if first is None and value[0] not in "\t\r" and not _CANDIDATE_INSIDE.search(value):
        return value  # most texts: no sign or equals where a field could start
    candidates = {m.end() for m in _CANDIDATE_INSIDE.finditer(value)}
    if first is not None:
        candidates.add(first.end())  # a tab or line break at the start is found by both
    last_computed: list[int] = []
    places = [p for p in sorted(candidates) if _is_formula_at(value, p, last_computed)]
    if value[0] in "\t\r" and 0 not in places:
        places.insert(0, 0)
    bounds = zip([0, *places], [*places, len(value)], strict=True)
    return "'".join(value[begin:end] for begin, end in bounds)


def is_formula(value) -> bool:
    """Whether a spreadsheet would compute something from this cell as it stands."""
    return isinstance(value, str) and neutralise(value) != value


def timestamp_text(value: datetime.datetime) -> str:
    """A moment as ISO 8601 with its offset from UTC, in the portal's time zone, to the second:
    2024-03-15T10:30:00+01:00 (a naive one, which the portal never stores, without offset)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat(timespec="seconds")


def cell_text(value) -> str:
    """A cell as text: empty for None, true/false, numbers as written (a number is never a
    formula, whatever its sign), moments as ISO 8601 with their offset (timestamp_text), days
    as 2024-03-15, everything else as str() and neutralised."""
    if type(value) is str:  # most cells: checked first
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return timestamp_text(value)
    return neutralise(str(value))


def csv_bytes(rows: Iterable[list], delimiter: str = ",") -> bytes:
    """Every field quoted and every cell through cell_text()."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    writer.writerows([cell_text(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Iterable[list], title: str, right_to_left: bool = False) -> bytes:
    """One sheet; numbers as numbers, everything else a string cell (never a formula, even
    for a text openpyxl would take for one), neutralised like the CSV so both read the same."""
    return xlsx_workbook_bytes([(title, rows)], right_to_left=right_to_left)


def xlsx_workbook_bytes(
    sheets: Iterable[tuple[str, Iterable[list]]],
    *,
    right_to_left: bool = False,
    bold_header: bool = False,
    column_width: int | None = None,
) -> bytes:
    """One sheet per (title, rows), its cells written as xlsx_bytes() writes them;
    `bold_header`: the first row in bold; `column_width`: every used column that wide (the
    templates staff fill in)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.sheet_view.rightToLeft = right_to_left
        for row_number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
                cell = sheet.cell(row=row_number, column=column)
                if number:
                    cell.value = value
                else:
                    cell.value = cell_text(value)
                    cell.data_type = "s"
                if bold_header and row_number == 1:
                    cell.font = Font(bold=True)
        if column_width:
            for column in range(1, sheet.max_column + 1):
                sheet.column_dimensions[get_column_letter(column)].width = column_width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
