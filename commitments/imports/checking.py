"""Checking a plan's sheets without writing anything: each cell turned into a model value
(values.py), each row validated by its model's own full_clean(), and the rules across rows:
references unique in the file and new to the plan, an OGP identifier once in the file,
milestones and indicators referring to a commitment of the file or already in the plan."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext

from consultations.models import ActionPlan, ensure_plan_open
from opengov.imports import CellError, FileProblem, ParsedRow, Sheet, read_table, read_tables

from ..models import Commitment, Indicator, Milestone
from .table import COMMITMENTS, INDICATORS, MILESTONES, SHEETS, PlanImport, PlanRow
from .values import CONVERTERS, CellProblem, Lookups


def closed_plan_error(plan: ActionPlan) -> ValidationError | None:
    """The refusal to add commitments to a closed plan, or None."""
    try:
        ensure_plan_open(plan, what=Commitment._meta.verbose_name_plural)
    except ValidationError as error:
        return error
    return None


# --- reading the files into sheets ------------------------------------------------------------


def read_files(
    workbook: tuple[str, bytes] | None, csvs: dict[str, tuple[str, bytes]]
) -> tuple[dict[str, list[ParsedRow]], list[CellError]]:
    """The rows of each sheet, from a workbook (its sheets found by their titles) or from one
    file per sheet (`csvs`, by sheet key; a workbook there gives its first sheet), with the
    errors that concern a file or a table as a whole."""
    tables: dict[str, list[list[str]]] = {}
    errors: list[CellError] = []
    if workbook is not None:
        name, data = workbook
        try:
            found = read_tables(name, data)
        except FileProblem as problem:
            return {}, [CellError(0, "", str(problem))]
        for title, table in found:
            sheet = next((s for s in SHEETS if s.matches(title)), None)
            if sheet is None:
                if any(cell.strip() for row in table for cell in row):
                    errors.append(CellError(0, "", _unknown_sheet(title)))
                continue
            if sheet.key in tables:
                errors.append(
                    CellError(
                        0,
                        "",
                        gettext("Two sheets hold the %(sheet)s; keep one.")
                        % {"sheet": sheet.label},
                    )
                )
            tables[sheet.key] = table
    for key, (name, data) in csvs.items():
        sheet = _sheet(key)
        try:
            tables[key] = read_table(name, data)
        except FileProblem as problem:
            errors.append(sheet.error(0, "", str(problem)))
    sheets: dict[str, list[ParsedRow]] = {}
    for key, table in tables.items():
        read = _sheet(key).read(table)
        errors.extend(read.errors)
        sheets[key] = read.rows
    if not errors and not any(sheets.values()):
        errors.append(
            CellError(0, "", gettext("The file has no commitment, milestone or indicator rows."))
        )
    return sheets, errors


def _sheet(key: str) -> Sheet:
    return next(s for s in SHEETS if s.key == key)


def _unknown_sheet(title: str) -> str:
    return gettext(
        "The sheet “%(title)s” is not one of commitments, milestones or indicators (in Arabic, "
        "French or English); rename it or remove it."
    ) % {"title": title}


def parse_files(
    plan: ActionPlan, workbook: tuple[str, bytes] | None, csvs: dict[str, tuple[str, bytes]]
) -> PlanImport:
    closed = closed_plan_error(plan)
    if closed is not None:
        return PlanImport(file_errors=[CellError(0, "", closed.messages[0])])
    sheets, errors = read_files(workbook, csvs)
    if errors:
        return PlanImport(file_errors=errors)
    return check_sheets(plan, sheets)


# --- checking the rows -------------------------------------------------------------------------


def check_sheets(plan: ActionPlan, sheets: dict[str, list[ParsedRow]]) -> PlanImport:
    """The rows (as read, or as signed in a preview) checked against the plan as it is now."""
    result = PlanImport()
    closed = closed_plan_error(plan)
    if closed is not None:
        result.file_errors.append(CellError(0, "", closed.messages[0]))
        return result
    lookups = Lookups()
    existing = {c.reference: c for c in Commitment.objects.filter(plan=plan)}
    position = max((c.position for c in existing.values()), default=0)
    new: dict[str, Commitment] = {}
    seen: dict[str, int] = {}
    ogp_ids: dict[str, int] = {}
    for parsed in sheets.get(COMMITMENTS.key, []):
        row = _convert(COMMITMENTS, parsed, lookups)
        reference = row.values.get("reference", "")
        if reference in seen:
            row.errors.append(_used_on(COMMITMENTS, row, "reference", seen[reference]))
        elif reference in existing:
            message = gettext("The plan already has a commitment with this reference.")
            row.errors.append(COMMITMENTS.error(row.row, "reference", message))
        ogp_id = row.values.get("ogp_id", "")
        if ogp_id and ogp_id in ogp_ids:
            row.errors.append(_used_on(COMMITMENTS, row, "ogp_id", ogp_ids[ogp_id]))
        position += 1
        commitment = build_commitment(plan, row, position)
        if reference and reference not in seen:
            seen[reference] = row.row
            new[reference] = commitment
        if ogp_id:
            ogp_ids.setdefault(ogp_id, row.row)
        if not row.errors:
            _full_clean(COMMITMENTS, row, commitment, exclude=())
        result.sheets.setdefault(COMMITMENTS.key, []).append(row)
    for sheet, build in ((MILESTONES, build_milestone), (INDICATORS, build_indicator)):
        for parsed in sheets.get(sheet.key, []):
            row = _convert(sheet, parsed, lookups)
            row.commitment = row.values.get("commitment", "")
            commitment = new.get(row.commitment) or existing.get(row.commitment)
            if not row.commitment:
                message = gettext("Give the reference of the commitment this row belongs to.")
                row.errors.append(sheet.error(row.row, "commitment", message))
            elif commitment is None:
                message = gettext("No commitment “%(reference)s” in the file or in the plan.") % {
                    "reference": row.commitment
                }
                row.errors.append(sheet.error(row.row, "commitment", message))
            if not row.errors:
                unsaved = commitment.pk is None
                obj = build(row, commitment)
                _full_clean(sheet, row, obj, exclude=("commitment",) if unsaved else ())
            result.sheets.setdefault(sheet.key, []).append(row)
    return result


def _used_on(sheet: Sheet, row: PlanRow, column: str, first: int) -> CellError:
    message = gettext("Already given on row %(row)d of this sheet.") % {"row": first}
    return sheet.error(row.row, column, message)


def _convert(sheet: Sheet, parsed: ParsedRow, lookups: Lookups) -> PlanRow:
    """The row's cells as model fields: text as typed, the others through their converter."""
    row = PlanRow(row=parsed.row, values=parsed.values)
    row.errors.extend(sheet.length_errors(row))
    converters = CONVERTERS[sheet.key]
    for key, text in row.values.items():
        if key == "commitment":
            continue  # not a field: the row's commitment, resolved by check_sheets
        if key not in converters:
            row.fields[key] = text
            continue
        if not text:
            continue
        try:
            row.fields.update(converters[key](text, lookups))
        except CellProblem as problem:
            row.errors.append(sheet.error(row.row, key, str(problem)))
    return row


def _full_clean(sheet: Sheet, row: PlanRow, obj, *, exclude) -> None:
    """The model's own validation, its messages put on the columns they are about."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as problem:
        for name, messages in problem.message_dict.items():
            column = _column_of(sheet, row, name)
            for message in messages:
                row.errors.append(sheet.error(row.row, column, message))


def _column_of(sheet: Sheet, row: PlanRow, name: str) -> str:
    if name == NON_FIELD_ERRORS:
        return ""
    name = name.removesuffix("_precision").removesuffix("_id")
    if sheet.column(name):
        return name
    # A translated field's own name: the language the row fills (Arabic first).
    for code in ("ar", "fr"):
        if row.values.get(f"{name}_{code}"):
            return f"{name}_{code}"
    return f"{name}_ar" if sheet.column(f"{name}_ar") else ""


# --- the rows as unsaved objects ----------------------------------------------------------------


def build_commitment(plan: ActionPlan, row: PlanRow, position: int) -> Commitment:
    return Commitment(plan=plan, position=position, **row.fields)


def build_milestone(row: PlanRow, commitment: Commitment) -> Milestone:
    return Milestone(commitment=commitment, **row.fields)


def build_indicator(row: PlanRow, commitment: Commitment) -> Indicator:
    return Indicator(commitment=commitment, **row.fields)
