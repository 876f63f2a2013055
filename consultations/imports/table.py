"""The spreadsheet the proposals come in: its columns, what parsing returns, and the template
staff download."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from opengov.spreadsheets import csv_bytes

from ..models import Proposal

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


def normal_text(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a header or a value for matching."""
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("_", " ").split())


HEADER_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _alias in (_column.key, _column.header_ar, _column.header_fr, _column.template_header):
        HEADER_ALIASES[normal_text(_alias)] = _column.key
HEADER_ALIASES.update(
    {
        normal_text("working group"): "working_group",
        normal_text("groupe"): "working_group",
        normal_text("title ar"): "title_ar",
        normal_text("title fr"): "title_fr",
        normal_text("body ar"): "body_ar",
        normal_text("body fr"): "body_fr",
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
