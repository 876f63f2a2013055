"""Import a workshop's proposals from the spreadsheet staff keep during the workshop.

The file (CSV in UTF-8, UTF-8 with BOM or Windows-1256, or XLSX) has one proposal per row; the
header names its columns in Arabic, French or English (the template has both languages). Parsing
never writes: it returns the rows and every error with its row and column, and `import_rows`
saves all of them in one transaction or nothing. Rows travel from the preview to the confirmation
signed (django.core.signing), so what is saved is exactly what was previewed, checked again."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy as _

from opengov.spreadsheets import csv_bytes
from opengov.uploads import UnsafeArchive, check_archive

from .models import Proposal, Theme, WorkingGroup, Workshop, ensure_plan_open

MAX_ROWS = 2000
SIGNING_SALT = "consultations.import-proposals"


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy, in the reader's language
    header_ar: str
    header_fr: str
    required: bool = False
    max_length: int | None = None

    @property
    def template_header(self) -> str:
        return f"{self.header_ar} | {self.header_fr}"


COLUMNS = (
    Column("working_group", _("working group"), "مجموعة العمل", "Groupe de travail"),
    Column("theme", _("theme"), "المحور", "Thème"),
    Column("kind", _("kind"), "النوع", "Type"),
    Column("title_ar", _("title (Arabic)"), "العنوان بالعربية", "Titre en arabe", max_length=255),
    Column(
        "title_fr", _("title (French)"), "العنوان بالفرنسية", "Titre en français", max_length=255
    ),
    Column("body_ar", _("text (Arabic)"), "النص بالعربية", "Texte en arabe"),
    Column("body_fr", _("text (French)"), "النص بالفرنسية", "Texte en français"),
    Column("submitted_by", _("submitted by"), "مقدم المقترح", "Proposé par", max_length=255),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


def _normal(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a header or a value for matching."""
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("_", " ").split())


HEADER_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _alias in (_column.key, _column.header_ar, _column.header_fr, _column.template_header):
        HEADER_ALIASES[_normal(_alias)] = _column.key
HEADER_ALIASES.update(
    {
        _normal("working group"): "working_group",
        _normal("groupe"): "working_group",
        _normal("title ar"): "title_ar",
        _normal("title fr"): "title_fr",
        _normal("body ar"): "body_ar",
        _normal("body fr"): "body_fr",
    }
)


@dataclass
class CellError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # column key, "" for the whole row or file
    message: str

    def column_label(self) -> str:
        column = COLUMN_BY_KEY.get(self.column)
        return str(column.label) if column else ""


@dataclass
class ParsedRow:
    row: int
    values: dict[str, str]
    working_group_id: int | None = None
    theme_id: int | None = None
    kind: str = Proposal.Kind.PROPOSAL
    errors: list[CellError] = field(default_factory=list)


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    file_errors: list[CellError] = field(default_factory=list)

    @property
    def errors(self) -> list[CellError]:
        return self.file_errors + [e for r in self.rows for e in r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


class FileProblem(Exception):
    pass


# --- reading the file ------------------------------------------------------------------------


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
    its declared and inflated sizes, and no XML DTD or entity (opengov.uploads.check_archive)."""
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


# --- checking the rows -----------------------------------------------------------------------


# Words staff use in their sheets besides the labels of Proposal.Kind.
KIND_ALIASES = {
    "problem": ("مشكل", "مشكلة", "مشاكل", "إشكاليات", "problème", "problèmes", "problems"),
    "solution": ("حلول", "solutions"),
    "proposal": ("اقتراح", "مقترحات", "proposition", "propositions", "proposals"),
    "recommendation": ("توصيات", "recommandation", "recommandations", "recommendations"),
}


def _kind_lookup() -> dict[str, str]:
    lookup = {_normal(alias): kind for kind, aliases in KIND_ALIASES.items() for alias in aliases}
    for value, label in Proposal.Kind.choices:
        lookup[_normal(value)] = value
        for language in ("ar", "fr", "en"):
            with translation.override(language):
                lookup[_normal(str(label))] = value
    return lookup


def _theme_lookup() -> dict[str, int]:
    lookup = {}
    for theme in Theme.objects.all():
        for key in (theme.slug, theme.name_ar, theme.name_fr):
            if key:
                lookup[_normal(key)] = theme.pk
    return lookup


def _group_lookup(workshop: Workshop) -> tuple[dict[str, WorkingGroup], list[WorkingGroup]]:
    groups = list(workshop.groups.order_by("position", "pk"))
    lookup = {}
    for group in groups:
        for key in (group.title_ar, group.title_fr, str(group.position)):
            if key:
                lookup.setdefault(_normal(key), group)
    return lookup, groups


def _closed_plan_error(workshop: Workshop) -> ValidationError | None:
    """The refusal to add proposals to the workshop of a closed plan, or None."""
    try:
        ensure_plan_open(workshop.plan, what=Proposal._meta.verbose_name_plural)
    except ValidationError as error:
        return error
    return None


def parse_rows(workshop: Workshop, table: list[list[str]]) -> ParseResult:
    result = ParseResult()
    closed = _closed_plan_error(workshop)
    if closed is not None:
        result.file_errors.append(CellError(0, "", closed.messages[0]))
        return result
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        result.file_errors.append(CellError(1, "", gettext("The file is empty.")))
        return result
    header, body = table[0], table[1:]
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = HEADER_ALIASES.get(_normal(cell))
        if key is None:
            if cell.strip():
                result.file_errors.append(
                    CellError(
                        1,
                        "",
                        gettext("Column %(number)d: unknown header “%(header)s”.")
                        % {"number": index + 1, "header": cell.strip()},
                    )
                )
            continue
        if key in positions:
            result.file_errors.append(
                CellError(
                    1,
                    key,
                    gettext("The column “%(column)s” appears twice.")
                    % {"column": COLUMN_BY_KEY[key].label},
                )
            )
        positions[key] = index
    if "title_ar" not in positions and "title_fr" not in positions:
        result.file_errors.append(
            CellError(1, "", gettext("The file needs a title column, in Arabic or in French."))
        )
    if not body:
        result.file_errors.append(CellError(2, "", gettext("The file has no proposal rows.")))
    if len(body) > MAX_ROWS:
        result.file_errors.append(
            CellError(
                MAX_ROWS + 2,
                "",
                gettext("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS},
            )
        )
        body = body[:MAX_ROWS]
    if result.file_errors:
        return result

    kinds, themes = _kind_lookup(), _theme_lookup()
    groups_by_key, groups = _group_lookup(workshop)
    group_names = ", ".join(str(g) for g in groups) or gettext("none yet")
    for offset, cells in enumerate(body):
        number = offset + 2
        values = {
            key: (cells[index].strip() if index < len(cells) else "")
            for key, index in positions.items()
        }
        row = ParsedRow(row=number, values=values)
        _check_row(row, workshop, kinds, themes, groups_by_key, group_names, bool(groups))
        result.rows.append(row)
    return result


def _check_row(row, workshop, kinds, themes, groups_by_key, group_names, has_groups) -> None:
    values = row.values

    def error(column: str, message: str) -> None:
        row.errors.append(CellError(row.row, column, message))

    group_name = values.get("working_group", "")
    if group_name:
        group = groups_by_key.get(_normal(group_name))
        if group is None:
            error(
                "working_group",
                gettext("No working group “%(name)s” in this workshop (groups: %(groups)s).")
                % {"name": group_name, "groups": group_names},
            )
        else:
            row.working_group_id = group.pk
            row.theme_id = group.theme_id
    elif has_groups:
        error("working_group", gettext("Name the working group."))
    theme_name = values.get("theme", "")
    if theme_name:
        theme_id = themes.get(_normal(theme_name))
        if theme_id is None:
            error("theme", gettext("Unknown theme “%(name)s”.") % {"name": theme_name})
        else:
            row.theme_id = theme_id
    kind_name = values.get("kind", "")
    if kind_name:
        kind = kinds.get(_normal(kind_name))
        if kind is None:
            error(
                "kind",
                gettext(
                    "Unknown kind “%(name)s”: use problem, solution, proposal or recommendation."
                )
                % {"name": kind_name},
            )
        else:
            row.kind = kind
    if not (values.get("title_ar") or values.get("title_fr")):
        error("title_ar", gettext("The title is empty: fill it in Arabic or in French."))
    for key, value in values.items():
        limit = COLUMN_BY_KEY[key].max_length
        if limit and len(value) > limit:
            error(
                key,
                gettext("%(count)d characters; at most %(max)d are accepted.")
                % {"count": len(value), "max": limit},
            )
    if row.errors:
        return
    try:
        _build(row, workshop).full_clean(exclude=["council", "plan", "workshop"])
    except ValidationError as problem:
        for name, messages in problem.message_dict.items():
            column = name if name in COLUMN_BY_KEY else ""
            for message in messages:
                error(column, message)


def _build(row: ParsedRow, workshop: Workshop) -> Proposal:
    values = row.values
    return Proposal(
        council_id=workshop.council_id,
        plan_id=workshop.plan_id,
        workshop=workshop,
        working_group_id=row.working_group_id,
        theme_id=row.theme_id,
        kind=row.kind,
        title_ar=values.get("title_ar", ""),
        title_fr=values.get("title_fr", ""),
        body_ar=values.get("body_ar", ""),
        body_fr=values.get("body_fr", ""),
        submitted_by=values.get("submitted_by", ""),
    )


def parse_file(workshop: Workshop, name: str, data: bytes) -> ParseResult:
    try:
        table = read_table(name, data)
    except FileProblem as problem:
        return ParseResult(file_errors=[CellError(0, "", str(problem))])
    return parse_rows(workshop, table)


# --- from the preview to the database ----------------------------------------------------------


def sign_rows(workshop: Workshop, result: ParseResult) -> str:
    payload = {"workshop": workshop.pk, "rows": [asdict(r)["values"] for r in result.rows]}
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def unsign_rows(workshop: Workshop, token: str) -> ParseResult | None:
    """The rows of a signed preview, checked again against today's data; None if tampered with
    or made for another workshop."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=3600)
    except signing.BadSignature:
        return None
    if payload.get("workshop") != workshop.pk:
        return None
    rows = payload.get("rows") or []
    keys = [c.key for c in COLUMNS]
    table = [keys] + [[str(row.get(k, "")) for k in keys] for row in rows]
    return parse_rows(workshop, table)


@transaction.atomic
def import_rows(workshop: Workshop, result: ParseResult) -> list[Proposal]:
    """Save every row, or none: any error raises before the transaction commits (a closed
    plan, whose workshops take no new proposal, included)."""
    closed = _closed_plan_error(workshop)
    if closed is not None:
        raise closed
    if not result.ok:
        raise ValidationError(gettext("The file has errors; nothing was imported."))
    proposals = []
    for row in result.rows:
        proposal = _build(row, workshop)
        proposal.full_clean()
        proposal.save()
        proposals.append(proposal)
    return proposals


# --- the template ----------------------------------------------------------------------------

EXAMPLE_ROW = {
    "working_group": "1",
    "theme": "",
    "kind": "proposal",
    "title_ar": "نشر ميزانية الجماعة في شكل بيانات مفتوحة",
    "title_fr": "Publier le budget de la commune en données ouvertes",
    "body_ar": "",
    "body_fr": "",
    "submitted_by": "",
}


def template_csv() -> bytes:
    """UTF-8 with a byte order mark, so that Excel opens the Arabic headers correctly."""
    return csv_bytes([[c.template_header for c in COLUMNS], [EXAMPLE_ROW[c.key] for c in COLUMNS]])


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "proposals"
    sheet.sheet_view.rightToLeft = True
    sheet.append([c.template_header for c in COLUMNS])
    sheet.append([EXAMPLE_ROW[c.key] for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter in "ABCDEFGH":
        sheet.column_dimensions[letter].width = 32
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
