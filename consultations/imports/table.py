"""The spreadsheet the proposals come in: its columns, what parsing returns, and the template
staff download. (Reading, headers and errors by row and column: opengov.imports.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from opengov.imports import MAX_ROWS, CellError, Column, ParsedRow, Sheet
from opengov.spreadsheets import csv_bytes, xlsx_workbook_bytes

from ..models import Proposal

SIGNING_SALT = "consultations.import-proposals"

COLUMNS = (
    Column(
        "working_group",
        _("working group"),
        "مجموعة العمل",
        "Groupe de travail",
        aliases=("working group", "groupe"),
    ),
    Column("theme", _("theme"), "المحور", "Thème"),
    Column("kind", _("kind"), "النوع", "Type"),
    Column(
        "title_ar",
        _("title (Arabic)"),
        "العنوان بالعربية",
        "Titre en arabe",
        max_length=255,
        aliases=("title ar",),
    ),
    Column(
        "title_fr",
        _("title (French)"),
        "العنوان بالفرنسية",
        "Titre en français",
        max_length=255,
        aliases=("title fr",),
    ),
    Column("body_ar", _("text (Arabic)"), "النص بالعربية", "Texte en arabe", aliases=("body ar",)),
    Column(
        "body_fr", _("text (French)"), "النص بالفرنسية", "Texte en français", aliases=("body fr",)
    ),
    Column("submitted_by", _("submitted by"), "مقدم المقترح", "Proposé par", max_length=255),
)
SHEET = Sheet("proposals", _("proposals"), COLUMNS)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


@dataclass
class ProposalRow(ParsedRow):
    working_group_id: int | None = None
    theme_id: int | None = None
    kind: str = Proposal.Kind.PROPOSAL


@dataclass
class ParseResult:
    rows: list[ProposalRow] = field(default_factory=list)
    file_errors: list[CellError] = field(default_factory=list)

    @property
    def errors(self) -> list[CellError]:
        return self.file_errors + [e for r in self.rows for e in r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


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


def _template_rows() -> list[list[str]]:
    return [[c.template_header for c in COLUMNS], [EXAMPLE_ROW[c.key] for c in COLUMNS]]


def template_csv() -> bytes:
    """UTF-8 with a byte order mark, so that Excel opens the Arabic headers correctly."""
    return csv_bytes(_template_rows())


def template_xlsx() -> bytes:
    return xlsx_workbook_bytes(
        [("proposals", _template_rows())], right_to_left=True, bold_header=True, column_width=32
    )


__all__ = ["COLUMNS", "MAX_ROWS", "SHEET", "CellError", "ParseResult", "ProposalRow"]
