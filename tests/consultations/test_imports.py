"""Importing a workshop's proposals from a spreadsheet: preview, all or nothing, clear errors."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from consultations import imports
from consultations.models import ActionPlan, Proposal, WorkingGroup
from opengov import roles
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = (
    "مجموعة العمل | Groupe de travail,النوع | Type,العنوان بالعربية | Titre en arabe,"
    "Titre en français,Proposé par"
)


@pytest.fixture
def workshop():
    workshop = factories.WorkshopFactory()
    factories.WorkingGroupFactory(
        workshop=workshop,
        position=1,
        title_fr="Genre et inclusion sociale",
        title_ar="النوع الاجتماعي",
    )
    factories.WorkingGroupFactory(
        workshop=workshop, position=2, title_fr="Transparence", title_ar="الشفافية"
    )
    factories.ThemeFactory(slug="environment", name_fr="Environnement", name_ar="البيئة")
    return workshop


def _url(workshop, language="fr"):
    return reverse("admin:consultations_workshop_import_proposals", args=[workshop.pk]).replace(
        "/ar/", f"/{language}/", 1
    )


def _upload(client, workshop, name, data, language="fr"):
    return client.post(_url(workshop, language), {"file": _file(name, data)})


def _file(name, data):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def _confirm(client, workshop, response):
    token = response.context["token"]
    assert token
    return client.post(_url(workshop), {"token": token})


GOOD_CSV = (
    HEADER
    + "\n"
    + "1,proposition,إحداث مجلس للشباب,Créer un conseil des jeunes,Association Tanmia\n"
    + "Transparence,مشكلة,,Les délibérations ne sont pas publiées,\n"
    + "الشفافية,recommendation,نشر الميزانية,,\n"
)


def test_good_utf8_csv_with_bom_is_previewed_then_imported(admin_client, workshop):
    response = _upload(admin_client, workshop, "atelier.csv", ("\ufeff" + GOOD_CSV).encode())
    assert response.status_code == 200
    assert not response.context["result"].errors
    assert Proposal.objects.count() == 0, "the preview saves nothing"
    assert "Créer un conseil des jeunes" in response.content.decode()

    response = _confirm(admin_client, workshop, response)
    assert response.status_code == 302
    proposals = list(Proposal.objects.order_by("pk"))
    assert len(proposals) == 3
    first, second, third = proposals
    assert first.working_group.position == 1
    assert first.kind == Proposal.Kind.PROPOSAL
    assert first.title_ar == "إحداث مجلس للشباب"
    assert first.submitted_by == "Association Tanmia"
    assert second.working_group.title_fr == "Transparence"
    assert second.kind == Proposal.Kind.PROBLEM  # "مشكلة" is the Arabic label of "problem"
    assert third.kind == Proposal.Kind.RECOMMENDATION
    assert all(p.council_id == workshop.council_id for p in proposals)
    assert all(p.plan_id == workshop.plan_id for p in proposals)
    assert all(p.theme_id == p.working_group.theme_id for p in proposals)


def test_arabic_csv_in_windows_1256(admin_client, workshop):
    data = GOOD_CSV.replace("Proposé par", "مقدم المقترح").encode("cp1256", errors="strict")
    response = _upload(admin_client, workshop, "ورشة.csv", data)
    assert not response.context["result"].errors
    _confirm(admin_client, workshop, response)
    assert Proposal.objects.filter(title_ar="إحداث مجلس للشباب").exists()
    assert Proposal.objects.filter(title_fr="Créer un conseil des jeunes").exists()


def test_semicolon_separated_csv(admin_client, workshop):
    data = GOOD_CSV.replace(",", ";").encode()
    response = _upload(admin_client, workshop, "atelier.csv", data)
    assert not response.context["result"].errors
    assert len(response.context["result"].rows) == 3


def test_xlsx(admin_client, workshop):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Groupe de travail", "Type", "Titre en arabe", "Titre en français", "Thème"])
    sheet.append([2, "solution", "بوابة البيانات المفتوحة", "Un portail de données", "البيئة"])
    out = io.BytesIO()
    workbook.save(out)
    response = _upload(admin_client, workshop, "atelier.xlsx", out.getvalue())
    assert not response.context["result"].errors
    _confirm(admin_client, workshop, response)
    proposal = Proposal.objects.get()
    assert proposal.working_group.position == 2
    assert proposal.kind == Proposal.Kind.SOLUTION
    assert proposal.theme.slug == "environment"


BAD_CSV = (
    "Groupe de travail,Type,Titre en arabe,Titre en français,Thème\n"
    "1,proposition,عنوان صحيح,Un titre correct,\n"  # row 2: fine
    "9,proposition,عنوان,Titre,\n"  # row 3: unknown group
    "1,proposition,,,\n"  # row 4: empty title
    "1,souhait,عنوان,Titre,\n"  # row 5: unknown kind
    "1,proposition,عنوان,Titre,Tourisme\n"  # row 6: unknown theme
    f"1,proposition,{'ب' * 300},Titre,\n"  # row 7: too long
)


def test_bad_file_reports_row_and_column_and_imports_nothing(admin_client, workshop):
    response = _upload(admin_client, workshop, "atelier.csv", BAD_CSV.encode())
    result = response.context["result"]
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (3, "working_group"),
        (4, "title_ar"),
        (5, "kind"),
        (6, "theme"),
        (7, "title_ar"),
    }
    assert response.context["token"] == ""
    html = response.content.decode()
    assert "Ligne 3" in html, "errors are shown with their row, in the reader's language"
    assert "souhait" in html and "Tourisme" in html
    assert Proposal.objects.count() == 0


def test_errors_in_arabic(admin_client, workshop):
    response = _upload(admin_client, workshop, "atelier.csv", BAD_CSV.encode(), language="ar")
    messages = " ".join(e.message for e in response.context["result"].errors)
    assert re.search("[\u0600-\u06ff]", messages)


@pytest.mark.parametrize(
    "name,data,expected",
    [
        ("atelier.csv", "Groupe,Titre\n1,x\n".encode("utf-16"), "encod"),
        ("atelier.xlsx", b"PK\x03\x04 not really a workbook", "Excel"),
        ("atelier.csv", b"", "vide"),
        ("atelier.csv", b"Colonne inconnue,Autre\nx,y\n", "inconnu"),
        ("atelier.csv", "Groupe de travail,Titre en français\n".encode(), "aucune"),
        ("atelier.pdf", b"%PDF-1.4", ".csv"),
    ],
    ids=["utf16", "broken-xlsx", "empty", "unknown-headers", "no-rows", "wrong-type"],
)
def test_malformed_files_are_refused_with_a_clear_error(
    admin_client, workshop, name, data, expected
):
    response = _upload(admin_client, workshop, name, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert expected.lower() in html.lower()
    assert not response.context["token"]
    assert Proposal.objects.count() == 0


def test_all_or_nothing_when_data_changed_since_the_preview(admin_client, workshop):
    response = _upload(admin_client, workshop, "atelier.csv", GOOD_CSV.encode())
    workshop.groups.get(position=2).delete()  # someone removed a group meanwhile
    response = _confirm(admin_client, workshop, response)
    assert response.status_code == 200
    assert response.context["result"].errors
    assert Proposal.objects.count() == 0


def test_tampered_or_foreign_token_is_refused(admin_client, workshop):
    response = _upload(admin_client, workshop, "atelier.csv", GOOD_CSV.encode())
    token = response.context["token"]
    response = admin_client.post(_url(workshop), {"token": token[:-2] + "xx"}, follow=True)
    assert Proposal.objects.count() == 0
    other = factories.WorkshopFactory()
    factories.WorkingGroupFactory(workshop=other, position=1)
    admin_client.post(_url(other), {"token": token})
    assert Proposal.objects.count() == 0


def test_templates_download_and_import_back(admin_client, workshop):
    for fmt in ("csv", "xlsx"):
        response = admin_client.get(
            reverse("admin:consultations_workshop_import_template", args=[fmt])
        )
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        content = response.content
        if fmt == "csv":
            assert content.startswith("\ufeff".encode())
            assert "مجموعة العمل | Groupe de travail" in content.decode("utf-8-sig")
        else:
            sheet = load_workbook(io.BytesIO(content)).active
            assert sheet["A1"].value == "مجموعة العمل | Groupe de travail"
        result = imports.parse_file(workshop, f"template.{fmt}", content)
        assert result.ok, result.errors
        assert len(result.rows) == 1


def test_council_staff_import_into_their_workshop_only(client, workshop, staff_user):
    client.force_login(staff_user(roles.COUNCIL_STAFF, workshop.council))
    response = _upload(client, workshop, "atelier.csv", GOOD_CSV.encode())
    assert response.status_code == 200
    _confirm(client, workshop, response)
    assert Proposal.objects.count() == 3

    other = factories.WorkshopFactory()
    response = _upload(client, other, "atelier.csv", GOOD_CSV.encode())
    assert response.status_code == 404
    assert client.get(_url(other)).status_code == 404


def test_moderators_cannot_import(client, workshop, staff_user):
    client.force_login(staff_user(roles.MODERATOR, workshop.council))
    assert client.get(_url(workshop)).status_code in (403, 404)
    assert _upload(client, workshop, "atelier.csv", GOOD_CSV.encode()).status_code in (403, 404)
    assert Proposal.objects.count() == 0


def test_no_import_into_a_closed_plan(admin_client, workshop):
    ActionPlan.objects.filter(pk=workshop.plan_id).update(stage=ActionPlan.Stage.CLOSED)
    assert _upload(admin_client, workshop, "atelier.csv", GOOD_CSV.encode()).status_code == 403
    assert Proposal.objects.count() == 0


def test_workshop_page_links_to_the_import(admin_client, workshop):
    response = admin_client.get(reverse("admin:consultations_workshop_change", args=[workshop.pk]))
    assert _url(workshop, "ar") in response.content.decode()


# --- the template's example and the numbers of the working groups ----------------------------


def _template(admin_client, fmt: str) -> bytes:
    response = admin_client.get(reverse("admin:consultations_workshop_import_template", args=[fmt]))
    assert response.status_code == 200
    return response.content


def _add_group_in_the_admin(admin_client, workshop, title_fr: str):
    """A working group added on the admin's add page, its number left empty as a newcomer
    leaves it."""
    response = admin_client.post(
        reverse("admin:consultations_workinggroup_add").replace("/ar/", "/fr/", 1),
        {
            "workshop": workshop.pk,
            "position": "",
            "title_ar": "",
            "title_fr": title_fr,
            "theme": "",
            "facilitator": "",
            "rapporteur": "",
        },
    )
    assert response.status_code == 302, response.context and response.context["adminform"].errors


def test_groups_added_without_a_number_are_numbered_from_1():
    workshop = factories.WorkshopFactory()
    first = factories.WorkingGroupFactory(workshop=workshop)
    second = factories.WorkingGroupFactory(workshop=workshop, position=0)
    chosen = factories.WorkingGroupFactory(workshop=workshop, position=7)
    after = factories.WorkingGroupFactory(workshop=workshop)
    assert [first.position, second.position, chosen.position, after.position] == [1, 2, 7, 8]
    other = factories.WorkingGroupFactory()
    assert other.position == 1, "numbers are counted per workshop"


def test_a_saved_group_keeps_its_number_even_0():
    group = factories.WorkingGroupFactory()
    WorkingGroup.objects.filter(pk=group.pk).update(position=0)
    group.refresh_from_db()
    group.title_fr = "Renommé"
    group.save()
    group.refresh_from_db()
    assert group.position == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_example_imports_into_a_new_workshop_with_a_group_added_in_the_admin(
    admin_client, fmt
):
    workshop = factories.WorkshopFactory()
    _add_group_in_the_admin(admin_client, workshop, "Transparence")
    group = WorkingGroup.objects.get(workshop=workshop)
    assert group.position == 1

    response = _upload(admin_client, workshop, f"modele.{fmt}", _template(admin_client, fmt))
    assert not response.context["result"].errors
    _confirm(admin_client, workshop, response)
    proposal = Proposal.objects.get()
    assert proposal.working_group == group
    assert proposal.title_fr == "Publier le budget de la commune en données ouvertes"


def test_the_admin_form_shows_a_new_group_without_a_number(admin_client):
    response = admin_client.get(
        reverse("admin:consultations_workinggroup_add").replace("/ar/", "/fr/", 1)
    )
    field = response.context["adminform"].form["position"]
    assert field.value() is None
    assert not field.field.required


def test_groups_saved_at_0_are_named_by_their_rank_in_the_file(admin_client):
    # Groups added in the admin before they were numbered from 1 were all saved at 0: the file
    # names them 1, 2, … in the workshop's order, as councils do on paper, and "0" still names
    # the first.
    workshop = factories.WorkshopFactory()
    first = factories.WorkingGroupFactory(workshop=workshop, title_fr="Genre")
    second = factories.WorkingGroupFactory(workshop=workshop, title_fr="Transparence")
    WorkingGroup.objects.filter(workshop=workshop).update(position=0)
    data = (
        "Groupe de travail,Titre en français\n"
        "1,Un conseil des jeunes\n"
        "2,Publier les délibérations\n"
        "0,Un budget participatif\n"
    )
    response = _upload(admin_client, workshop, "atelier.csv", data.encode())
    assert not response.context["result"].errors
    _confirm(admin_client, workshop, response)
    groups = dict(Proposal.objects.values_list("title_fr", "working_group"))
    assert groups == {
        "Un conseil des jeunes": first.pk,
        "Publier les délibérations": second.pk,
        "Un budget participatif": first.pk,
    }


def test_an_unknown_group_number_lists_the_numbers_the_file_may_use(admin_client, workshop):
    data = "Groupe de travail,Titre en français\n5,Un conseil des jeunes\n"
    response = _upload(admin_client, workshop, "atelier.csv", data.encode())
    (error,) = response.context["result"].errors
    assert "1 (Genre et inclusion sociale), 2 (Transparence)" in error.message
