"""Import of a whole existing plan from a spreadsheet: its commitments, their milestones and
indicators, as a council enters a plan adopted before the portal (before its final stage is
recorded, see commitments.plan_record).

The file: an Excel workbook with three sheets (commitments, milestones, indicators; titled in
Arabic, French or English), or one CSV file per sheet. Each has a header row in Arabic, French
or English; a text kept in both languages has a column per language, and one is enough.
Milestones and indicators name their commitment by its reference: one of the file, or one
already in the plan. Dates are months (2023-01, 01/2023) or days (2023-01-15, 15/01/2023).

Parsing never writes: it returns every row with its errors by sheet, row and column, each row
validated by its model's own full_clean(). The rows travel from the preview to the confirmation
signed, are checked again, and `import_plan` saves all of them in one transaction or nothing.

table (sheets, columns, templates), values (cells into model values), checking (the rows
against the plan), saving (the signed preview, one transaction); the floor they stand on is
opengov.imports, shared with the proposals import."""

from .checking import check_sheets, parse_files, read_files
from .saving import Imported, import_plan, sign_rows, unsign_rows
from .table import (
    COMMITMENTS,
    INDICATORS,
    MILESTONES,
    SHEETS,
    PlanImport,
    PlanRow,
    example_rows,
    template_csv,
    template_xlsx,
)

__all__ = [
    "COMMITMENTS",
    "INDICATORS",
    "MILESTONES",
    "SHEETS",
    "Imported",
    "PlanImport",
    "PlanRow",
    "check_sheets",
    "example_rows",
    "import_plan",
    "parse_files",
    "read_files",
    "sign_rows",
    "template_csv",
    "template_xlsx",
    "unsign_rows",
]
