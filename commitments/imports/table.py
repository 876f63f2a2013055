"""The spreadsheet a whole existing plan comes in: three sheets (commitments, milestones,
indicators), their columns with Arabic, French and English headers, and the templates staff
download. A text stored in Arabic and French has one column per language; one is enough."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from opengov.imports import CellError, Column, ParsedRow, Sheet
from opengov.spreadsheets import csv_bytes, xlsx_workbook_bytes

from ..models import Commitment, Indicator, Milestone

SIGNING_SALT = "commitments.import-plan"

ARABIC = _("Arabic")
FRENCH = _("French")


def _single(model, key, header_ar, header_fr, *aliases, name=None) -> Column:
    model_field = model._meta.get_field(name or key)
    return Column(
        key,
        model_field.verbose_name,
        header_ar,
        header_fr,
        max_length=getattr(model_field, "max_length", None),
        aliases=aliases,
    )


LANGUAGES = (("ar", ARABIC, "بالعربية", "en arabe"), ("fr", FRENCH, "بالفرنسية", "en français"))


def _pair(model, name, header_ar, header_fr, *aliases) -> tuple[Column, ...]:
    """The Arabic and French columns of a translated field: "المشكل بالعربية | Problème en
    arabe" and "المشكل بالفرنسية | Problème en français"."""
    model_field = model._meta.get_field(name)
    return tuple(
        Column(
            f"{name}_{code}",
            format_lazy("{} ({})", model_field.verbose_name, language),
            f"{header_ar} {in_ar}",
            f"{header_fr} {in_fr}",
            max_length=getattr(model_field, "max_length", None),
            aliases=tuple(f"{alias} {code}" for alias in aliases),
        )
        for code, language, in_ar, in_fr in LANGUAGES
    )


def _commitment_ref() -> Column:
    return Column(
        "commitment",
        Milestone._meta.get_field("commitment").verbose_name,
        "مرجع الالتزام",
        "Référence de l'engagement",
        aliases=("commitment reference", "engagement"),
    )


COMMITMENTS = Sheet(
    "commitments",
    _("commitments"),
    (
        _single(Commitment, "reference", "المرجع", "Référence", "ref"),
        _single(Commitment, "theme", "المحور", "Thème"),
        *_pair(Commitment, "title", "العنوان", "Titre"),
        *_pair(Commitment, "problem", "المشكل", "Problème"),
        *_pair(Commitment, "status_quo", "الوضع الراهن", "Situation actuelle", "status quo"),
        *_pair(
            Commitment, "description", "ما سيتم إنجازه", "Ce qui sera fait", "what will be done"
        ),
        *_pair(Commitment, "expected_results", "النتائج المنتظرة", "Résultats attendus"),
        *_pair(
            Commitment,
            "contribution",
            "كيف سيساهم في حل المشكل",
            "Contribution à la résolution du problème",
            "how it contributes",
        ),
        *_pair(Commitment, "long_term_goal", "الهدف على المدى البعيد", "Objectif à long terme"),
        *_pair(
            Commitment, "ogp_relevance", "الصلة بقيم الشراكة", "Pertinence pour les valeurs OGP"
        ),
        *_pair(Commitment, "lead_agency", "الجهة المسؤولة", "Institution responsable"),
        *_pair(Commitment, "partners", "الفاعلون المساندون", "Acteurs associés"),
        Column(
            "ogp_values",
            _("OGP values"),
            "قيم الشراكة من أجل الحكومة المنفتحة",
            "Valeurs OGP",
            aliases=("ogp values", "values"),
        ),
        _single(
            Commitment,
            "challenge_area",
            "مجال تحدي الحكومة المنفتحة",
            "Domaine du défi OGP",
            "challenge area",
            "open gov challenge area",
        ),
        _single(
            Commitment,
            "policy_area",
            "مجال السياسة العمومية",
            "Domaine de politique publique",
            "policy area",
            "primary policy area",
        ),
        _single(Commitment, "sector", "القطاع", "Secteur", "primary sector"),
        _single(Commitment, "ogp_id", "معرف الالتزام لدى الشراكة", "Identifiant OGP", "ogp id"),
        _single(
            Commitment, "ogp_url", "صفحة الالتزام لدى الشراكة", "Page OGP", "ogp url", "source"
        ),
        _single(
            Commitment,
            "start_date",
            "تاريخ البداية",
            "Début",
            "start",
            "commitment start",
            "date de début",
        ),
        _single(
            Commitment, "end_date", "تاريخ النهاية", "Fin", "end", "commitment end", "date de fin"
        ),
        _single(Commitment, "budget", "الميزانية (درهم)", "Budget (MAD)"),
        _single(Commitment, "status", "الحالة", "Statut"),
        _single(Commitment, "contact_name", "الشخص المخاطب", "Personne de contact", "contact"),
        _single(
            Commitment, "contact_email", "البريد الإلكتروني للتواصل", "Courriel de contact", "email"
        ),
    ),
    names=("الالتزامات", "engagements", "commitments"),
)

MILESTONES = Sheet(
    "milestones",
    _("milestones"),
    (
        _commitment_ref(),
        *_pair(Milestone, "title", "العنوان", "Titre"),
        *_pair(Milestone, "deliverable", "المنجز المنتظر", "Livrable"),
        *_pair(Milestone, "responsible", "المسؤول", "Responsable"),
        _single(Milestone, "start_date", "تاريخ البداية", "Début", "start", "date de début"),
        _single(Milestone, "due_date", "تاريخ الاستحقاق", "Échéance", "due", "end", "date de fin"),
        _single(Milestone, "status", "الحالة", "Statut"),
        _single(Milestone, "completed_on", "تاريخ الإنجاز", "Achevé le", "completed", "achevé"),
    ),
    names=("المراحل", "jalons", "étapes", "milestones"),
)

INDICATORS = Sheet(
    "indicators",
    _("indicators"),
    (
        _commitment_ref(),
        *_pair(Indicator, "name", "اسم المؤشر", "Nom de l'indicateur"),
        *_pair(Indicator, "unit", "الوحدة", "Unité"),
        _single(Indicator, "baseline", "القيمة المرجعية", "Valeur de référence"),
        _single(Indicator, "target", "القيمة المستهدفة", "Cible", "valeur cible"),
        *_pair(Indicator, "source", "مصدر المعطيات", "Source des données"),
    ),
    names=("المؤشرات", "indicateurs", "indicators"),
)

SHEETS = (COMMITMENTS, MILESTONES, INDICATORS)
SHEET_BY_KEY = {sheet.key: sheet for sheet in SHEETS}


@dataclass
class PlanRow(ParsedRow):
    """A row with its cells turned into model field values (`fields`), and for a milestone or
    an indicator the reference of its commitment."""

    fields: dict = field(default_factory=dict)
    commitment: str = ""


@dataclass
class PlanImport:
    """What a file would create in a plan: its rows by sheet, with every error."""

    sheets: dict[str, list[PlanRow]] = field(default_factory=dict)
    file_errors: list[CellError] = field(default_factory=list)

    def rows(self, key: str) -> list[PlanRow]:
        return self.sheets.get(key, [])

    @property
    def errors(self) -> list[CellError]:
        return self.file_errors + [
            e for rows in self.sheets.values() for r in rows for e in r.errors
        ]

    @property
    def ok(self) -> bool:
        return not self.errors and any(self.sheets.values())


# An example that imports into a new plan of any period: its dates are months of the plan's
# first year (filled in by the template), its milestone and indicator refer to the commitment
# of the first sheet, and it names no theme (a fresh database may have none).
EXAMPLE_REFERENCE = "EX-01"


def example_rows(year: int) -> dict[str, dict[str, str]]:
    return {
        "commitments": {
            "reference": EXAMPLE_REFERENCE,
            "title_ar": "النشر الاستباقي للمعلومات المتعلقة بتدبير الجماعة",
            "title_fr": "Publication proactive des informations sur la gestion communale",
            "problem_fr": "Les informations publiques restent difficiles d'accès.",
            "lead_agency_ar": "المديرية العامة للمصالح",
            "lead_agency_fr": "Direction générale des services",
            "ogp_values": "Transparence; Participation citoyenne",
            "challenge_area": "Accès à l'information",
            "start_date": f"{year}-01",
            "end_date": f"{year}-12",
            "status": "not_started",
        },
        "milestones": {
            "commitment": EXAMPLE_REFERENCE,
            "title_ar": "إعادة تصميم صفحة النشر الاستباقي",
            "title_fr": "Refonte de la page de publication proactive",
            "responsible_fr": "Service de la communication",
            "start_date": f"01/{year}",
            "due_date": f"06/{year}",
            "status": "not_started",
        },
        "indicators": {
            "commitment": EXAMPLE_REFERENCE,
            "name_fr": "Documents publiés en ligne",
            "unit_fr": "documents",
            "baseline": "0",
            "target": "20",
        },
    }


def _template_rows(sheet: Sheet, year: int) -> list[list[str]]:
    example = example_rows(year)[sheet.key]
    return [
        [c.template_header for c in sheet.columns],
        [example.get(c.key, "") for c in sheet.columns],
    ]


def template_csv(sheet_key: str, year: int) -> bytes:
    """One sheet as CSV (UTF-8 with a byte order mark, so that Excel opens the Arabic headers
    correctly)."""
    return csv_bytes(_template_rows(SHEET_BY_KEY[sheet_key], year))


def sheet_title(sheet: Sheet) -> str:
    """The template's sheet title: Arabic | French, under Excel's 31 characters."""
    return f"{sheet.names[0]} | {sheet.names[1].capitalize()}"


def template_xlsx(year: int) -> bytes:
    return xlsx_workbook_bytes(
        [(sheet_title(sheet), _template_rows(sheet, year)) for sheet in SHEETS],
        right_to_left=True,
        bold_header=True,
        column_width=28,
    )
