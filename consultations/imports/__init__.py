"""Import a workshop's proposals from the spreadsheet staff keep during the workshop.

The file (CSV in UTF-8, UTF-8 with BOM or Windows-1256, or XLSX) has one proposal per row; the
header names its columns in Arabic, French or English (the template has both languages). Parsing
never writes: it returns the rows and every error with its row and column, and `import_rows`
saves all of them in one transaction or nothing. Rows travel from the preview to the confirmation
signed (django.core.signing), so what is saved is exactly what was previewed, checked again.

One module per step: table (the columns, results and template), reading (the file into rows of
text), checking (the rows against the workshop), saving (signed preview, one transaction)."""

from .checking import parse_file, parse_rows
from .reading import check_workbook, read_table
from .saving import import_rows, sign_rows, unsign_rows
from .table import (
    COLUMNS,
    MAX_ROWS,
    CellError,
    Column,
    FileProblem,
    ParsedRow,
    ParseResult,
    template_csv,
    template_xlsx,
)

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "CellError",
    "Column",
    "FileProblem",
    "ParseResult",
    "ParsedRow",
    "check_workbook",
    "import_rows",
    "parse_file",
    "parse_rows",
    "read_table",
    "sign_rows",
    "template_csv",
    "template_xlsx",
    "unsign_rows",
]
