"""Importing a whole existing plan (commitments, milestones, indicators) from a spreadsheet
(commitments.imports and its admin page): both formats, headers in Arabic, French and English,
month and day dates, errors by sheet, row and column, all or nothing, who may import, and the
real commitments of Tétouan's 2022-2026 plan as OGP publishes them
(tests/commitments/data/ogp_tetouan_commitments.json, a copy of the shared sample)."""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from commitments import imports, plan_record
from commitments.models import ChallengeArea, Commitment, Indicator, Milestone
from consultations.models import ActionPlan
from opengov import roles
from opengov.dates import DatePrecision
from opengov.imports import ParsedRow
from tests import factories
from tests.security.test_uploads import parsers_never_open, xlsx_bomb  # noqa: F401

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage
SAMPLE = json.loads(
    (Path(__file__).parent / "data" / "ogp_tetouan_commitments.json").read_text("utf-8")
)


@pytest.fixture
def plan():
    council = factories.CouncilFactory(slug="tetouan", name_fr="Tétouan", name_ar="تطوان")
    return factories.ActionPlanFactory(council=council, start_year=2022, end_year=2026)


def _url(plan, language="fr"):
    return reverse("admin:consultations_actionplan_import", args=[plan.pk]).replace(
        "/ar/", f"/{language}/", 1
    )


def _template_url(plan, name):
    return reverse("admin:consultations_actionplan_import_template", args=[plan.pk, name])


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv(rows: list[list[str]], separator=",") -> bytes:
    return ("\ufeff" + "\n".join(separator.join(r) for r in rows) + "\n").encode()


def _post(client, plan, language="fr", **files):
    data = {key: SimpleUploadedFile(name, content) for key, (name, content) in files.items()}
    return client.post(_url(plan, language), data)


def _confirm(client, plan, response):
    token = response.context["token"]
    assert token, [(e.sheet, e.row, e.column, e.message) for e in response.context["result"].errors]
    return client.post(_url(plan), {"token": token})


def _found(response) -> set:
    return {(e.sheet, e.row, e.column) for e in response.context["result"].errors}


# --- the shape: French, Arabic and English headers, months and days -----------------------------

FRENCH = {
    "Engagements": [
        [
            "Référence",
            "Titre en français",
            "Institution responsable en français",
            "Valeurs OGP",
            "Début",
            "Fin",
            "Domaine du défi OGP",
            "Statut",
        ],
        [
            "TET-01",
            "Portail de la transparence",
            "Direction générale des services",
            "Transparence; Participation citoyenne",
            "2023-01",
            "03/2024",
            "Accès à l'information",
            "En cours",
        ],
        [
            "TET-02",
            "Espaces civiques",
            "Relations associatives",
            "Redevabilité",
            "15/11/2022",
            "2024-03-31",
            "",
            "",
        ],
    ],
    "Jalons": [
        [
            "Référence de l'engagement",
            "Titre en français",
            "Responsable en français",
            "Début",
            "Échéance",
            "Statut",
            "Achevé le",
        ],
        [
            "TET-01",
            "Refonte du portail",
            "Service informatique",
            "2023-01",
            "2023-06",
            "Achevé",
            "20/06/2023",
        ],
        ["TET-02", "Création des instances", "", "", "2024-03", "", ""],
    ],
    "Indicateurs": [
        [
            "Référence de l'engagement",
            "Nom de l'indicateur en français",
            "Valeur de référence",
            "Cible",
            "Unité en français",
        ],
        ["TET-01", "Documents publiés", "0", "1 200,5", "documents"],
    ],
}


def test_workbook_with_french_headers_is_previewed_then_imported(admin_client, plan):
    response = _post(admin_client, plan, workbook=("plan.xlsx", _xlsx(FRENCH)))
    assert response.status_code == 200
    assert not response.context["result"].errors
    assert Commitment.objects.count() == 0, "the preview saves nothing"
    html = response.content.decode()
    assert "Portail de la transparence" in html and "Refonte du portail" in html

    response = _confirm(admin_client, plan, response)
    assert response.status_code == 302
    first, second = Commitment.objects.filter(plan=plan).order_by("position")
    assert (first.reference, first.title_fr) == ("TET-01", "Portail de la transparence")
    assert not first.title_ar, "a text in one language is enough"
    assert first.start_date == datetime.date(2023, 1, 1)
    assert first.start_date_precision == DatePrecision.MONTH
    assert first.end_date == datetime.date(2024, 3, 31)
    assert first.end_date_precision == DatePrecision.MONTH
    assert first.transparency and first.participation and not first.accountability
    assert first.challenge_area == ChallengeArea.ACCESS_TO_INFORMATION
    assert first.status == Commitment.Status.ONGOING
    assert second.start_date == datetime.date(2022, 11, 15)
    assert second.start_date_precision == DatePrecision.DAY
    assert second.accountability and second.status == Commitment.Status.NOT_STARTED
    done = Milestone.objects.get(commitment=first)
    assert done.status == Milestone.Status.COMPLETED
    assert done.completed_on == datetime.date(2023, 6, 20)
    assert done.due_date == datetime.date(2023, 6, 30)
    assert done.due_date_precision == DatePrecision.MONTH
    assert done.responsible_fr == "Service informatique"
    assert Milestone.objects.get(commitment=second).due_date == datetime.date(2024, 3, 31)
    indicator = Indicator.objects.get()
    assert indicator.commitment == first
    assert (indicator.baseline, indicator.target) == (Decimal("0"), Decimal("1200.5"))


ARABIC_CSV = {
    "commitments": [
        [
            "المرجع",
            "العنوان بالعربية",
            "الجهة المسؤولة بالعربية",
            "قيم الشراكة من أجل الحكومة المنفتحة",
            "تاريخ البداية",
            "تاريخ النهاية",
        ],
        [
            "TET-01",
            "النشر الاستباقي للمعلومات",
            "المديرية العامة للمصالح",
            "الشفافية",
            "\u0662\u0660\u0662\u0663-\u0660\u0661",  # 2023-01 in Arabic-Indic digits
            "2024-03",
        ],
    ],
    "milestones": [
        ["مرجع الالتزام", "العنوان بالعربية", "تاريخ الاستحقاق", "الحالة"],
        ["TET-01", "إطلاق البوابة", "30/06/2023", "قيد الإنجاز"],
    ],
    "indicators": [
        ["مرجع الالتزام", "اسم المؤشر بالعربية", "القيمة المستهدفة"],
        ["TET-01", "عدد الوثائق المنشورة", "\u0662\u0660"],  # 20
    ],
}


def test_three_csv_files_with_arabic_headers_and_days(admin_client, plan):
    files = {key: (f"{key}.csv", _csv(rows, ";")) for key, rows in ARABIC_CSV.items()}
    response = _post(admin_client, plan, language="ar", **files)
    assert not response.context["result"].errors
    _confirm(admin_client, plan, response)
    commitment = Commitment.objects.get(plan=plan)
    assert commitment.title_ar == "النشر الاستباقي للمعلومات"
    assert commitment.start_date == datetime.date(2023, 1, 1)  # Arabic-Indic digits
    milestone = commitment.milestones.get()
    assert milestone.due_date == datetime.date(2023, 6, 30)
    assert milestone.due_date_precision == DatePrecision.DAY
    assert milestone.status == Milestone.Status.IN_PROGRESS
    assert commitment.indicators.get().target == Decimal("20")


def test_english_headers_and_a_milestone_for_a_commitment_already_in_the_plan(admin_client, plan):
    factories.CommitmentFactory(plan=plan, reference="OLD-01", position=4)
    sheets = {
        "commitments": [
            ["reference", "title_fr", "start date", "end date", "OGP values", "status"],
            ["NEW-01", "Budget ouvert", "2023-02", "2023-12", "Public accountability", "ongoing"],
        ],
        "milestones": [
            ["commitment", "title (French)", "due", "status"],
            ["OLD-01", "Étape ajoutée", "2025-06", "not_started"],
        ],
    }
    response = _post(admin_client, plan, workbook=("plan.xlsx", _xlsx(sheets)))
    _confirm(admin_client, plan, response)
    new = Commitment.objects.get(reference="NEW-01")
    assert new.position == 5, "after the plan's commitments"
    assert new.accountability and new.status == Commitment.Status.ONGOING
    assert Milestone.objects.get(title_fr="Étape ajoutée").commitment.reference == "OLD-01"


def test_a_date_typed_as_a_month_in_excel_stays_a_month(admin_client, plan):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "commitments"
    sheet.append(["reference", "title_fr", "start_date", "end_date"])
    sheet.append(["TET-01", "Titre", datetime.date(2023, 1, 1), datetime.date(2024, 3, 15)])
    sheet["C2"].number_format = "mmm-yy"  # Excel's own format for a typed "2023-01"
    sheet["D2"].number_format = "dd/mm/yyyy"
    out = io.BytesIO()
    workbook.save(out)
    response = _post(admin_client, plan, workbook=("plan.xlsx", out.getvalue()))
    _confirm(admin_client, plan, response)
    commitment = Commitment.objects.get()
    assert commitment.start_date_precision == DatePrecision.MONTH
    assert (commitment.end_date, commitment.end_date_precision) == (
        datetime.date(2024, 3, 15),
        DatePrecision.DAY,
    )


# --- the templates -----------------------------------------------------------------------------


def test_the_workbook_template_imports_cleanly_on_a_fresh_plan(admin_client, plan):
    response = admin_client.get(_template_url(plan, "plan.xlsx"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert [s.title for s in workbook.worksheets] == [
        "الالتزامات | Engagements",
        "المراحل | Jalons",
        "المؤشرات | Indicateurs",
    ]
    assert workbook.worksheets[0]["A1"].value == "المرجع | Référence"
    response = _post(admin_client, plan, workbook=("plan.xlsx", response.content))
    _confirm(admin_client, plan, response)
    commitment = Commitment.objects.get(plan=plan)
    assert commitment.milestones.count() == 1 and commitment.indicators.count() == 1


def test_the_csv_templates_import_cleanly_on_a_fresh_plan(admin_client):
    plan = factories.ActionPlanFactory(start_year=2031, end_year=2033)  # any period
    files = {}
    for key in ("commitments", "milestones", "indicators"):
        response = admin_client.get(_template_url(plan, f"{key}.csv"))
        assert response.status_code == 200
        assert response.content.startswith("\ufeff".encode())
        files[key] = (f"{key}.csv", response.content)
    assert "المرجع | Référence" in files["commitments"][1].decode("utf-8-sig")
    response = _post(admin_client, plan, **files)
    _confirm(admin_client, plan, response)
    commitment = Commitment.objects.get(plan=plan)
    assert commitment.start_date == datetime.date(2031, 1, 1)
    assert commitment.milestones.count() == 1 and commitment.indicators.count() == 1


def test_unknown_template_name_is_not_found(admin_client, plan):
    assert admin_client.get(_template_url(plan, "plan.exe")).status_code == 404


# --- errors by sheet, row and column -------------------------------------------------------------

HEADER = ["reference", "title_fr", "start_date", "end_date", "status", "ogp_values"]
BAD = {
    "commitments": [
        HEADER,
        ["TET-01", "Correct", "2023-01", "2024-03", "", "transparency"],  # row 2: fine
        ["TET-02", "Date", "2023-13", "2024-03", "", ""],  # row 3: no such month
        ["TET-01", "Doublon", "2023-01", "2024-03", "", ""],  # row 4: reference again
        ["TET-03", "Statut", "2023-01", "2024-03", "suspendu", ""],  # row 5: unknown status
        ["TET-04", "ب" * 300, "2023-01", "2024-03", "", ""],  # row 6: too long
        ["TET-05", "Valeurs", "2023-01", "2024-03", "", "bonheur"],  # row 7: unknown value
        ["tet 06", "Référence", "2023-01", "2024-03", "", ""],  # row 8: the model's pattern
        ["TET-07", "Hors période", "2019-01", "2024-03", "", ""],  # row 9: the model's period
        ["EXIST-01", "Déjà là", "2023-01", "2024-03", "", ""],  # row 10: in the plan already
    ],
    "milestones": [
        ["commitment", "title_fr", "due_date", "status", "completed_on"],
        ["TET-01", "Correct", "2023-06", "", ""],  # row 2: fine
        ["NOPE-01", "Inconnu", "2023-06", "", ""],  # row 3: unknown commitment
        ["TET-01", "Achevé sans date", "2023-06", "completed", ""],  # row 4: the model's rule
        ["TET-01", "Mois seulement", "2023-06", "completed", "2023-06"],  # row 5: day needed
        ["TET-01", "", "2023-06", "", ""],  # row 6: no title in any language
    ],
    "indicators": [
        ["commitment", "name_fr", "target"],
        ["TET-01", "Cible", "beaucoup"],  # row 2: not a number
    ],
}


def test_errors_are_listed_by_sheet_row_and_column_and_nothing_is_imported(admin_client, plan):
    factories.CommitmentFactory(plan=plan, reference="EXIST-01")
    response = _post(admin_client, plan, workbook=("plan.xlsx", _xlsx(BAD)))
    assert _found(response) == {
        ("commitments", 3, "start_date"),
        ("commitments", 4, "reference"),
        ("commitments", 5, "status"),
        ("commitments", 6, "title_fr"),
        ("commitments", 7, "ogp_values"),
        ("commitments", 8, "reference"),
        ("commitments", 9, "start_date"),
        ("commitments", 10, "reference"),
        ("milestones", 3, "commitment"),
        ("milestones", 4, "completed_on"),
        ("milestones", 5, "completed_on"),
        ("milestones", 6, "title_ar"),
        ("indicators", 2, "target"),
    }
    assert response.context["token"] == ""
    html = response.content.decode()
    assert "Ligne 3" in html, "errors are shown with their row, in the reader's language"
    assert "suspendu" in html and "NOPE-01" in html and "bonheur" in html
    assert Commitment.objects.filter(plan=plan).count() == 1
    assert Milestone.objects.count() == Indicator.objects.count() == 0


def test_errors_are_in_arabic_for_an_arabic_reader(admin_client, plan):
    response = _post(admin_client, plan, language="ar", workbook=("plan.xlsx", _xlsx(BAD)))
    errors = response.context["result"].errors
    period = next(e for e in errors if (e.sheet, e.row) == ("commitments", 9))
    assert any("\u0600" <= ch <= "\u06ff" for ch in period.message)
    assert any("\u0600" <= ch <= "\u06ff" for ch in period.label)


def test_an_error_in_the_last_row_imports_nothing(admin_client, plan):
    sheets = {k: [list(r) for r in v] for k, v in FRENCH.items()}
    sheets["Indicateurs"].append(["TET-02", "Instances créées", "0", "dix", ""])
    response = _post(admin_client, plan, workbook=("plan.xlsx", _xlsx(sheets)))
    assert _found(response) == {("indicators", 3, "target")}
    assert not response.context["token"]
    assert Commitment.objects.count() == Milestone.objects.count() == Indicator.objects.count() == 0


def test_the_save_is_all_or_nothing_when_a_late_row_fails():
    """The service validates each object again as it saves: a row refused after others were
    saved rolls the whole import back."""
    plan = factories.ActionPlanFactory(start_year=2022, end_year=2026)
    sheets = {
        "commitments": [
            ParsedRow(2, {"reference": "TET-01", "title_fr": "Un", "start_date": "2023-01"}),
            ParsedRow(3, {"reference": "TET-02", "title_fr": "Deux"}),
        ]
    }
    result = imports.check_sheets(plan, sheets)
    assert result.ok
    # Meanwhile someone entered TET-02 by hand: the second commitment is refused on save.
    factories.CommitmentFactory(plan=plan, reference="TET-02")
    with pytest.raises(Exception, match="reference"), translation.override("en"):
        imports.import_plan(plan=plan, result=result)
    assert list(Commitment.objects.filter(plan=plan).values_list("reference", flat=True)) == [
        "TET-02"
    ]


def test_a_preview_made_stale_by_a_change_imports_nothing(admin_client, plan):
    response = _post(admin_client, plan, workbook=("plan.xlsx", _xlsx(FRENCH)))
    factories.CommitmentFactory(plan=plan, reference="TET-02")  # entered by hand meanwhile
    response = _confirm(admin_client, plan, response)
    assert response.status_code == 200
    assert ("commitments", 3, "reference") in _found(response)
    assert Commitment.objects.filter(plan=plan).count() == 1


def test_tampered_or_foreign_token_is_refused(admin_client, plan):
    response = _post(admin_client, plan, workbook=("plan.xlsx", _xlsx(FRENCH)))
    token = response.context["token"]
    admin_client.post(_url(plan), {"token": token[:-2] + "xx"})
    other = factories.ActionPlanFactory(start_year=2022, end_year=2026)
    admin_client.post(_url(other), {"token": token})
    assert Commitment.objects.count() == 0


def _messages(response) -> str:
    form = response.context["form"]
    result = response.context["result"]
    found = [str(m) for errors in form.errors.values() for m in errors]
    return " ".join(found + [e.message for e in (result.errors if result else [])])


def _french(msgid: str) -> str:
    with translation.override("fr"):
        return gettext(msgid)


@pytest.mark.parametrize(
    "files,expected",
    [
        ({"workbook": ("plan.csv", b"reference\nX\n")}, ".xlsx"),
        ({"commitments": ("plan.pdf", b"%PDF-1.4")}, ".csv"),
        ({"commitments": ("c.csv", "reference\nX\n".encode("utf-16"))}, "encod"),
        ({"workbook": ("plan.xlsx", b"PK\x03\x04 not really a workbook")}, "Excel"),
        ({"commitments": ("c.csv", b"Colonne inconnue\nx\n")}, "inconnu"),
        (
            {"commitments": ("c.csv", b"reference,title_fr\n")},
            _french("The file has no commitment, milestone or indicator rows."),
        ),
        ({}, _french("Choose the Excel workbook or at least one CSV file.")),
        (
            {"workbook": ("p.xlsx", _xlsx(FRENCH)), "milestones": ("m.csv", b"x")},
            _french("Send either the Excel workbook or CSV files, not both."),
        ),
    ],
    ids=[
        "csv-as-workbook",
        "pdf",
        "utf16",
        "broken-xlsx",
        "unknown-header",
        "no-rows",
        "none",
        "both",
    ],
)
def test_unreadable_files_are_refused_with_a_clear_error(admin_client, plan, files, expected):
    response = _post(admin_client, plan, **files)
    assert response.status_code == 200
    assert expected.lower() in _messages(response).lower()
    assert not response.context["token"]
    assert Commitment.objects.count() == 0


def test_a_workbook_sheet_with_another_name_is_reported(admin_client, plan):
    sheets = {**FRENCH, "Notes": [["Remarque"], ["à revoir"]]}
    response = _post(admin_client, plan, workbook=("plan.xlsx", _xlsx(sheets)))
    assert "Notes" in " ".join(e.message for e in response.context["result"].errors)
    assert Commitment.objects.count() == 0


def test_a_zip_bomb_is_refused_before_any_parser_opens_it(admin_client, plan, parsers_never_open):  # noqa: F811
    opened = parsers_never_open()
    response = _post(admin_client, plan, workbook=("plan.xlsx", xlsx_bomb()))
    assert response.status_code == 200
    assert response.context["form"].errors["workbook"]
    assert opened == []
    assert Commitment.objects.count() == 0


# --- who may import, and into which plan ----------------------------------------------------


def test_a_coordinator_imports_into_their_councils_plan_only(client, plan, staff_user):
    client.force_login(staff_user(roles.COORDINATOR, plan.council))
    response = _post(client, plan, workbook=("plan.xlsx", _xlsx(FRENCH)))
    _confirm(client, plan, response)
    assert Commitment.objects.filter(plan=plan).count() == 2

    other = factories.ActionPlanFactory(start_year=2022, end_year=2026)
    assert client.get(_url(other)).status_code == 404
    assert _post(client, other, workbook=("plan.xlsx", _xlsx(FRENCH))).status_code == 404
    assert client.get(_template_url(other, "plan.xlsx")).status_code == 404
    assert not Commitment.objects.filter(plan=other).exists()


@pytest.mark.parametrize("role", [roles.COUNCIL_STAFF, roles.MODERATOR])
def test_staff_and_moderators_cannot_import(client, plan, staff_user, role):
    client.force_login(staff_user(role, plan.council))
    assert client.get(_url(plan)).status_code == 403
    assert _post(client, plan, workbook=("plan.xlsx", _xlsx(FRENCH))).status_code == 403
    assert client.get(_template_url(plan, "plan.xlsx")).status_code == 403
    assert Commitment.objects.count() == 0


def test_no_import_into_a_closed_plan(admin_client, plan):
    ActionPlan.objects.filter(pk=plan.pk).update(stage=Stage.CLOSED)
    assert _post(admin_client, plan, workbook=("plan.xlsx", _xlsx(FRENCH))).status_code == 403
    plan.refresh_from_db()
    result = imports.check_sheets(plan, {"commitments": [ParsedRow(2, {"reference": "X-1"})]})
    assert result.file_errors and not result.ok
    assert Commitment.objects.count() == 0


def test_the_plan_and_record_pages_link_to_the_import(client, plan, staff_user):
    client.force_login(staff_user(roles.COORDINATOR, plan.council))
    url = _url(plan, "ar")
    change = reverse("admin:consultations_actionplan_change", args=[plan.pk])
    record = reverse("admin:consultations_actionplan_record", args=[plan.pk])
    assert url in client.get(change).content.decode()
    assert url in client.get(record).content.decode()


def test_staff_do_not_see_the_import_link(client, plan, staff_user):
    client.force_login(staff_user(roles.COUNCIL_STAFF, plan.council))
    change = reverse("admin:consultations_actionplan_change", args=[plan.pk])
    assert _url(plan, "ar") not in client.get(change).content.decode()


# --- the real plan: Tétouan 2022-2026 as OGP publishes it -----------------------------------


def _sample_workbook() -> bytes:
    """The two commitments as a clerk copies them from OGP's pages (English text in the French
    columns: the portal's second language), and a milestone each from the plan's document."""
    commitments = [
        [
            "ogp id",
            "reference",
            "title fr",
            "problem fr",
            "status quo fr",
            "description fr",
            "how it contributes fr",
            "lead agency fr",
            "partners fr",
            "OGP values",
            "policy area",
            "sector",
            "ogp url",
            "start",
            "end",
        ],
    ]
    milestones = [["commitment", "title fr", "start", "due"]]
    for item in SAMPLE:
        commitments.append(
            [
                item["id"],
                item["id"],
                item["title"],
                item["problem"],
                item["status_quo"],
                item["action"],
                item["how_it_contributes"] or "",
                item["lead_agency"],
                "\n".join(item["institutions_involved"]),
                "; ".join(item["ogp_values"]),
                item["primary_policy_area"] or "",
                item["primary_sector"] or "",
                item["source"],
                item["commitment_start"],
                item["commitment_end"],
            ]
        )
        milestones.append(
            [item["id"], "Lancement", item["commitment_start"], item["commitment_end"]]
        )
    return _xlsx({"commitments": commitments, "milestones": milestones})


def test_the_real_tetouan_commitments_import_and_the_plan_can_be_recorded_as_adopted(
    client, plan, staff_user
):
    coordinator = staff_user(roles.COORDINATOR, plan.council)
    client.force_login(coordinator)
    response = _post(client, plan, workbook=("tetouan.xlsx", _sample_workbook()))
    assert _confirm(client, plan, response).status_code == 302

    first, second = Commitment.objects.filter(plan=plan).order_by("position")
    assert (first.ogp_id, first.reference) == ("MATET0003", "MATET0003")
    assert first.title_fr == SAMPLE[0]["title"]
    assert first.ogp_url == SAMPLE[0]["source"]
    assert first.policy_area == "Open Data, Right to Information"
    assert first.transparency, "OGP's “Access to information”"
    assert second.participation, "OGP's “Civic Participation”"
    assert (first.start_date, first.end_date) == (
        datetime.date(2023, 1, 1),
        datetime.date(2024, 3, 31),
    )
    assert second.start_date == datetime.date(2022, 11, 1)
    assert first.end_date_precision == DatePrecision.MONTH
    assert first.partners_fr.splitlines() == SAMPLE[0]["institutions_involved"]

    # Entered, the plan's adoption can be recorded (indicators only recommended).
    with translation.override("en"):
        plan_record.plan_record_stages(
            plan=plan,
            to_stage=Stage.IMPLEMENTATION,
            by=coordinator,
            adopted_on=datetime.date(2022, 12, 15),
            implementation_started_on=datetime.date(2023, 1, 2),
        )
    plan.refresh_from_db()
    assert plan.stage == Stage.IMPLEMENTATION
