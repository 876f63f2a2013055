"""A commitment's links: the UN Sustainable Development Goals it serves and the council's own
programme (PAC, PDP, PDR) it belongs to. The rules, the admin (scoped by council), the public
pages in both languages and the PDF."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from commitments.models import SustainableDevelopmentGoal
from commitments.publishing.pdf import render_plan_pdf
from consultations.models import ActionPlan, CouncilProgramme
from opengov import roles
from tests import factories
from tests.admin.helpers import admin_form_data
from tests.commitments.publishing.test_pdf import PDFTOTEXT, pdftotext, squash

pytestmark = pytest.mark.django_db

REFERENCE = "Axe 3, mesure 3.2"


@pytest.fixture(autouse=True)
def _goals():
    factories.seed_goals()


@pytest.fixture
def linked():
    """A commitment of a running plan serving goals 5 and 16 and its council's PDR."""
    plan = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.IMPLEMENTATION, start_year=2024, end_year=2026
    )
    programme = factories.CouncilProgrammeFactory(
        council=plan.council,
        title_ar="برنامج التنمية الجهوية",
        title_fr="Programme de développement régional",
        url="https://region.example.ma/pdr",
    )
    commitment = factories.CommitmentFactory(
        plan=plan, programme=programme, programme_reference=REFERENCE
    )
    commitment.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=[5, 16]))
    return commitment


def errors_of(obj, language: str) -> dict:
    with translation.override(language), pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


# --- the goals ---------------------------------------------------------------------------------


def test_the_seventeen_goals_are_there_with_the_un_s_names_in_three_languages():
    goals = list(SustainableDevelopmentGoal.objects.all())
    assert [goal.number for goal in goals] == list(range(1, 18))
    assert all(goal.name_ar and goal.name_fr and goal.name_en for goal in goals)
    gender = SustainableDevelopmentGoal.objects.get(number=5)
    assert (gender.name_ar, gender.name_fr, gender.name_en) == (
        "المساواة بين الجنسين",
        "Égalité entre les sexes",
        "Gender equality",
    )
    assert SustainableDevelopmentGoal.objects.get(number=2).name_fr == "Faim «\u00a0zéro\u00a0»"
    with translation.override("ar"):
        assert str(gender) == "5. المساواة بين الجنسين"
    with translation.override("fr"):
        assert str(gender) == "5. Égalité entre les sexes"


def test_a_goal_number_outside_1_to_17_is_refused():
    goal = SustainableDevelopmentGoal(number=18, name_ar="x", name_fr="x", name_en="x")
    with pytest.raises(ValidationError) as caught:
        goal.full_clean()
    assert "number" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        SustainableDevelopmentGoal.objects.create(number=18, name_ar="x", name_fr="x", name_en="x")


# --- the programme -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_programme_of_another_council_is_refused_with_a_translated_error(linked, language):
    stranger = factories.CouncilProgrammeFactory()
    linked.programme = stranger
    errors = errors_of(linked, language)
    with translation.override(language):
        expected = gettext("Choose a programme of the plan's council (%(council)s).") % {
            "council": linked.plan.council
        }
    assert errors["programme"] == [expected]
    linked.refresh_from_db()
    assert linked.programme.council_id == linked.plan.council_id


def test_a_reference_without_its_programme_is_refused(linked):
    linked.programme = None
    errors = errors_of(linked, "fr")
    with translation.override("fr"):
        assert errors["programme"] == [gettext("Choose the programme this reference belongs to.")]


def test_a_programme_ending_before_it_starts_is_refused_by_the_model_and_the_database():
    programme = factories.CouncilProgrammeFactory.build(
        council=factories.CouncilFactory(), start_year=2027, end_year=2022
    )
    errors = errors_of(programme, "fr")
    with translation.override("fr"):
        assert gettext("The end year cannot be before the start year.") in errors["end_year"]
    with pytest.raises(IntegrityError), transaction.atomic():
        programme.save()


def test_a_council_has_one_programme_of_a_kind_starting_a_given_year(linked):
    twin = factories.CouncilProgrammeFactory.build(council=linked.plan.council)
    errors = errors_of(twin, "fr")
    assert errors["__all__"]


def test_a_programme_in_use_cannot_be_deleted(linked):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        linked.programme.delete()


# --- the admin ---------------------------------------------------------------------------------


def test_a_coordinator_ticks_goals_and_picks_the_council_s_programme(client, staff_user, linked):
    commitment = factories.CommitmentFactory(plan=linked.plan)
    other_programme = factories.CouncilProgrammeFactory()
    client.force_login(staff_user(roles.COORDINATOR, linked.plan.council))
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    url = url.replace("/ar/", "/fr/", 1)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('type="checkbox" name="sdgs"') == 17
    choices = set(page.context["adminform"].form.fields["programme"].queryset)
    assert choices == {linked.programme}
    assert other_programme not in choices
    data = admin_form_data(page)
    data.update(sdgs=["11", "16"], programme=str(linked.programme.pk))
    data["programme_reference"] = REFERENCE
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    commitment.refresh_from_db()
    assert sorted(goal.number for goal in commitment.sdgs.all()) == [11, 16]
    assert commitment.programme == linked.programme
    assert commitment.programme_reference == REFERENCE


def test_the_admin_refuses_another_council_s_programme_and_keeps_the_stored_one(
    client, linked, django_user_model
):
    # A network administrator sees every programme: the model still refuses the wrong one.
    admin = django_user_model.objects.create_superuser("root", "root@example.org", None)
    client.force_login(admin)
    url = reverse("admin:commitments_commitment_change", args=[linked.pk])
    data = admin_form_data(client.get(url))
    stranger = factories.CouncilProgrammeFactory()
    data["programme"] = str(stranger.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    linked.refresh_from_db()
    assert linked.programme.council_id == linked.plan.council_id


def test_programmes_in_the_admin_are_scoped_by_council(client, staff_user, linked):
    other = factories.CouncilProgrammeFactory()
    coordinator = staff_user(roles.COORDINATOR, linked.plan.council)
    client.force_login(coordinator)
    changelist = client.get(reverse("admin:consultations_councilprogramme_changelist"))
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [linked.programme]
    other_url = reverse("admin:consultations_councilprogramme_change", args=[other.pk])
    assert client.get(other_url).status_code == 404
    response = client.post(other_url, {"title_fr": "Détourné"})
    assert response.status_code in (403, 404)
    other.refresh_from_db()
    assert other.title_fr != "Détourné"
    add = client.get(reverse("admin:consultations_councilprogramme_add"))
    councils = set(add.context["adminform"].form.fields["council"].queryset)
    assert councils == {linked.plan.council}


def test_a_coordinator_adds_a_programme_and_staff_only_read_them(client, staff_user):
    council = factories.CouncilFactory(kind="commune")
    client.force_login(staff_user(roles.COORDINATOR, council))
    add_url = reverse("admin:consultations_councilprogramme_add")
    response = client.post(
        add_url,
        {
            "council": council.pk,
            "kind": CouncilProgramme.Kind.PAC,
            "title_ar": "برنامج عمل الجماعة",
            "title_fr": "Programme d'action de la commune",
            "start_year": 2022,
            "end_year": 2027,
            "url": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    programme = CouncilProgramme.objects.get(council=council)
    assert programme.kind == "pac"
    client.force_login(staff_user(roles.COUNCIL_STAFF, council))
    change_url = reverse("admin:consultations_councilprogramme_change", args=[programme.pk])
    assert client.get(change_url).status_code == 200  # view only
    assert client.get(add_url).status_code == 403
    client.post(change_url, {"title_fr": "Changé"})
    programme.refresh_from_db()
    assert programme.title_fr == "Programme d'action de la commune"


# --- the public pages and the PDF --------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_commitment_page_numbers_its_goals_and_names_its_programme(client, linked, language):
    with translation.override(language):
        url = linked.get_absolute_url()
        heading = gettext("Sustainable Development Goals")
        goal = gettext("Goal %(number)s: %(name)s")
        kind = str(CouncilProgramme.Kind.PDR.label)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    for number in (5, 16):
        name = getattr(SustainableDevelopmentGoal.objects.get(number=number), f"name_{language}")
        assert goal % {"number": number, "name": name} in html
    assert "sdg-3" not in html
    assert kind in html
    assert getattr(linked.programme, f"title_{language}") in html.replace("&#x27;", "'")
    assert f"<bdi>{REFERENCE}</bdi>" in html
    assert f"#programme-{linked.programme.pk}" in html


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_council_page_lists_its_programmes(client, linked, language):
    factories.CouncilProgrammeFactory()  # another council's: not listed
    with translation.override(language):
        url = linked.plan.council.get_absolute_url()
        heading = gettext("The council's own programmes")
    response = client.get(url)
    html = response.content.decode().replace("&#x27;", "'")
    assert heading.replace("&#x27;", "'") in html
    assert f'id="programme-{linked.programme.pk}"' in html
    assert getattr(linked.programme, f"title_{language}") in html
    assert 'href="https://region.example.ma/pdr"' in html
    assert html.count('id="programme-') == 1


def test_a_commitment_without_links_shows_neither(client):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    commitment = factories.CommitmentFactory(plan=plan)
    with translation.override("fr"):
        html = client.get(commitment.get_absolute_url()).content.decode()
    assert 'class="sdgs"' not in html
    assert 'class="programme"' not in html


def test_the_programme_document_is_served_as_an_attachment(client, settings, tmp_path, linked):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    programme = linked.programme
    programme.document = SimpleUploadedFile("pdr.pdf", b"%PDF-1.4\n%test\n", "application/pdf")
    programme.full_clean()
    programme.save()
    response = client.get(reverse("consultations:programme_document", args=[programme.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    missing = reverse("consultations:programme_document", args=[programme.pk + 1000])
    assert client.get(missing).status_code == 404


@pytest.mark.skipif(not PDFTOTEXT, reason="poppler-utils is not installed")
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_pdf_names_the_goals_and_the_programme(linked, tmp_path, language):
    factories.MilestoneFactory(commitment=linked)
    data = render_plan_pdf(
        linked.plan,
        language,
        version=1,
        published_on=datetime.date(2025, 3, 4),
        public_url=f"https://infitah.example.ma/{language}/plans/x/2024/",
    )
    path = tmp_path / f"plan-{language}.pdf"
    path.write_bytes(data)
    text = squash("".join(pdftotext(path)))
    for number in (5, 16):
        name = getattr(SustainableDevelopmentGoal.objects.get(number=number), f"name_{language}")
        assert squash(name) in text
    assert squash(getattr(linked.programme, f"title_{language}")) in text
    assert squash(REFERENCE) in text
