"""Import a workshop's proposals from the spreadsheet staff keep during the workshop.

The file (CSV in UTF-8, UTF-8 with BOM or Windows-1256, or XLSX) has one proposal per row; the
header names its columns in Arabic, French or English (the template has both languages). Parsing
never writes: it returns the rows and every error with its row and column, and `import_rows`
saves all of them in one transaction or nothing. Rows travel from the preview to the confirmation
signed, so what is saved is exactly what was previewed, checked again.

What every import shares (reading, headers, errors, signing, the upload field) is in
opengov.imports; here: table (the columns, results and template), checking (the rows against
the workshop), saving (signed preview, one transaction)."""

from opengov.imports import MAX_ROWS, CellError, Column, FileProblem, check_workbook, read_table

from .checking import parse_file, parse_rows
from .saving import import_rows, sign_rows, unsign_rows
from .table import COLUMNS, SHEET, ParseResult, ProposalRow, template_csv, template_xlsx

ParsedRow = ProposalRow

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "SHEET",
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
