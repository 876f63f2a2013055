"""What every spreadsheet import of the portal shares (the proposals of a workshop, the
commitments of an existing plan): reading an upload into rows of text (reading), the columns
and their Arabic, French and English headers, rows numbered as the spreadsheet numbers them and
errors by sheet, row and column (table), the upload field with its size and archive checks
(forms), and the signed preview its confirmation saves (signing).

Each import keeps its own columns, its checks against the database and its one transaction;
the preview and its confirmation follow one flow: parse and check without writing, show every
row with its errors, sign the rows when there is none, and on confirmation check the signed
rows again and save all of them or nothing."""

from .reading import (
    MAX_ROWS,
    FileProblem,
    check_workbook,
    read_table,
    read_tables,
)
from .signing import sign_rows, unsign_rows
from .table import (
    CellError,
    Column,
    ParsedRow,
    ReadSheet,
    Sheet,
    choice_lookup,
    normal_text,
    preview_rows,
)

__all__ = [
    "MAX_ROWS",
    "CellError",
    "Column",
    "FileProblem",
    "ParsedRow",
    "ReadSheet",
    "Sheet",
    "check_workbook",
    "choice_lookup",
    "normal_text",
    "preview_rows",
    "read_table",
    "read_tables",
    "sign_rows",
    "unsign_rows",
]
