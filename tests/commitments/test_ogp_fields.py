"""OGP's own fields of a commitment (ogp_id, ogp_url, contribution, long_term_goal, policy_area,
sector, challenge_area) and Milestone.responsible: the rules, the admin, the public page, the
open data, the API and the PDF. The values are those of Tétouan's MATET0003 as OGP publishes
it (tests/commitments/data/ogp_matet0003.json)."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from commitments.models import ChallengeArea, Commitment, Milestone
from commitments.publishing.pdf import render_plan_pdf
from consultations.models import ActionPlan
from opengov import roles
from tests import factories
from tests.admin.helpers import admin_form_data
from tests.commitments.publishing.test_pdf import PDFTOTEXT, pdftotext, squash
from tests.opendata.test_opendata import csv_rows

pytestmark = pytest.mark.django_db

SAMPLE = json.loads((Path(__file__).parent / "data" / "ogp_matet0003.json").read_text("utf-8"))
CONTRIBUTION_AR = "سيساهم الالتزام في تحسين الولوج إلى المعلومات"
GOAL_FR = "Une commune qui publie d'elle-même ce que les citoyens demandent."
RESPONSIBLE_AR = "مصلحة التواصل"
RESPONSIBLE_FR = "Service de la communication"


def sample_values() -> dict:
    """MATET0003's OGP fields as a coordinator enters them."""
    return {
        "ogp_id": SAMPLE["id"],
        "ogp_url": SAMPLE["source"],
        "challenge_area": ChallengeArea.ACCESS_TO_INFORMATION,
        "policy_area": SAMPLE["primary_policy_area"],
        "sector": SAMPLE["primary_sector"],
        "contribution_fr": SAMPLE["how_it_contributes"],
        "contribution_ar": CONTRIBUTION_AR,
        "long_term_goal_fr": GOAL_FR,
    }


@pytest.fixture
def tetouan():
    council = factories.CouncilFactory(slug="tetouan", name_fr="Tétouan", name_ar="تطوان")
    plan = factories.ActionPlanFactory(
        council=council, start_year=2022, end_year=2026, stage=ActionPlan.Stage.IMPLEMENTATION
    )
    commitment = factories.CommitmentFactory(
        plan=plan,
        reference="TET-2022-03",
        title_fr=SAMPLE["title"],
        lead_agency_fr=SAMPLE["lead_agency"],
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2024, 3, 31),
        **sample_values(),
    )
    factories.MilestoneFactory(
        commitment=commitment,
        start_date=datetime.date(2023, 1, 1),
        due_date=datetime.date(2024, 3, 31),
        responsible_ar=RESPONSIBLE_AR,
        responsible_fr=RESPONSIBLE_FR,
    )
    return commitment


def errors_of(commitment: Commitment, language: str = "fr") -> dict:
    with translation.override(language), pytest.raises(ValidationError) as caught:
        commitment.full_clean()
    return caught.value.message_dict


# --- the rules ---------------------------------------------------------------------------------


def test_the_sample_commitment_is_accepted(tetouan):
    tetouan.full_clean()  # raises if any of MATET0003's values were refused
    tetouan.refresh_from_db()
    assert tetouan.ogp_id == "MATET0003"
    with translation.override("en"):
        assert tetouan.get_challenge_area_display() == "Access to Information"
    assert tetouan.policy_area == "Open Data, Right to Information"


@pytest.mark.parametrize("ogp_url", [SAMPLE["source"], SAMPLE["also_seen_at"]])
def test_both_addresses_of_ogp_pages_are_accepted(ogp_url):
    commitment = factories.CommitmentFactory.build(
        plan=factories.ActionPlanFactory(), ogp_url=ogp_url
    )
    commitment.full_clean()


@pytest.mark.parametrize(
    "ogp_id", ["matet0003", "0003MATET", "MATET", "0003", "MA-TET0003", "MATET 0003", "MATÉT0003"]
)
def test_bad_ogp_id_shapes_are_refused_with_a_translated_error(ogp_id):
    commitment = factories.CommitmentFactory()
    commitment.ogp_id = ogp_id
    with translation.override("fr"):
        expected = gettext(
            "Use OGP's identifier: capital Latin letters then digits, e.g. MATET0003."
        )
        assert errors_of(commitment)["ogp_id"] == [expected]
    commitment.refresh_from_db()
    assert commitment.ogp_id == ""


def test_an_ogp_id_is_unique_but_many_commitments_have_none(tetouan):
    factories.CommitmentFactory(plan=tetouan.plan, ogp_id="")
    other = factories.CommitmentFactory(ogp_id="")
    other.full_clean()  # two empty identifiers do not clash
    other.ogp_id = SAMPLE["id"]
    with translation.override("fr"):
        expected = gettext("Another commitment already has this OGP identifier.")
    messages = [m for ms in errors_of(other).values() for m in ms]
    assert expected in messages
    other.refresh_from_db()
    assert other.ogp_id == ""


@pytest.mark.parametrize(
    "ogp_url",
    [
        "http://www.opengovpartnership.org/members/x/commitments/matet0003/",
        "https://opengovpartnership.org.example.com/commitments/matet0003/",
        "https://evil.example/opengovpartnership.org/",
        "https://notopengovpartnership.org/",
        "https://user@example.org/?opengovpartnership.org",
    ],
)
def test_an_address_outside_ogp_s_site_is_refused(ogp_url):
    commitment = factories.CommitmentFactory()
    commitment.ogp_url = ogp_url
    with translation.override("ar"):
        expected = gettext("Give the page on OGP's site, starting with https://www.%(host)s/.") % {
            "host": "opengovpartnership.org"
        }
    assert expected in errors_of(commitment, "ar")["ogp_url"]
    commitment.refresh_from_db()
    assert commitment.ogp_url == ""


def test_challenge_area_is_one_of_the_ten_areas():
    assert len(ChallengeArea.choices) == 10
    commitment = factories.CommitmentFactory()
    commitment.challenge_area = "open_data"
    assert "challenge_area" in errors_of(commitment)


# --- the admin ---------------------------------------------------------------------------------


def test_a_coordinator_enters_the_ogp_fields_in_the_admin(client, staff_user):
    commitment = factories.CommitmentFactory(
        plan=factories.ActionPlanFactory(start_year=2022, end_year=2026),
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2024, 3, 31),
    )
    factories.MilestoneFactory(commitment=commitment, start_date=None)
    client.force_login(staff_user(roles.COORDINATOR, commitment.plan.council))
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    url = url.replace("/ar/", "/fr/", 1)
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    for name in ("ogp_id", "ogp_url", "challenge_area", "policy_area", "sector"):
        assert name in form.fields, name
    data = admin_form_data(page)
    data.update(sample_values())
    data["ogp_url"] = SAMPLE["source"].removeprefix("https://")  # as often pasted
    data["milestones-0-responsible_fr"] = RESPONSIBLE_FR
    data["milestones-0-responsible_ar"] = RESPONSIBLE_AR
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    commitment.refresh_from_db()
    assert commitment.ogp_id == "MATET0003"
    assert commitment.ogp_url == SAMPLE["source"]
    assert commitment.challenge_area == ChallengeArea.ACCESS_TO_INFORMATION
    assert commitment.sector == SAMPLE["primary_sector"]
    assert commitment.contribution_ar == CONTRIBUTION_AR
    assert commitment.milestones.get().responsible_fr == RESPONSIBLE_FR


def test_the_admin_refuses_a_bad_ogp_id_and_keeps_the_stored_one(client, staff_user, tetouan):
    client.force_login(staff_user(roles.COORDINATOR, tetouan.plan.council))
    url = reverse("admin:commitments_commitment_change", args=[tetouan.pk])
    url = url.replace("/ar/", "/fr/", 1)
    data = admin_form_data(client.get(url))
    data.update({"ogp_id": "matet-3", "ogp_url": "https://example.org/matet0003"})
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) >= {"ogp_id", "ogp_url"}
    tetouan.refresh_from_db()
    assert (tetouan.ogp_id, tetouan.ogp_url) == ("MATET0003", SAMPLE["source"])


def test_the_admin_list_finds_a_commitment_by_its_ogp_id_and_challenge_area(
    client, staff_user, tetouan
):
    other = factories.CommitmentFactory(plan=tetouan.plan, reference="TET-2022-11")
    client.force_login(staff_user(roles.COORDINATOR, tetouan.plan.council))
    changelist = reverse("admin:commitments_commitment_changelist")
    for query in ({"q": "MATET0003"}, {"challenge_area__exact": "access_to_information"}):
        response = client.get(changelist, query)
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [tetouan], query
    assert other.pk not in [c.pk for c in response.context["cl"].result_list]


def test_a_coordinator_of_another_council_cannot_change_the_ogp_fields(client, staff_user, tetouan):
    client.force_login(staff_user(roles.COORDINATOR, factories.CouncilFactory()))
    url = reverse("admin:commitments_commitment_change", args=[tetouan.pk])
    response = client.post(url, {"ogp_id": "MATET0099"})
    assert response.status_code in (302, 403, 404)
    tetouan.refresh_from_db()
    assert tetouan.ogp_id == "MATET0003"


# --- what citizens and re-users see ------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_public_page_shows_the_ogp_fields(client, tetouan, language):
    with translation.override(language):
        url = tetouan.get_absolute_url()
        labels = [
            gettext("OGP identifier"),
            gettext("Open Gov Challenge area"),
            gettext("Policy area"),
            gettext("Sector"),
            str(ChallengeArea.ACCESS_TO_INFORMATION.label),
        ]
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    link = f'<a href="{SAMPLE["source"]}" rel="noopener"><bdi>MATET0003</bdi></a>'
    assert link in html
    for text in [*labels, SAMPLE["primary_policy_area"], SAMPLE["primary_sector"]]:
        assert text in html, text
    mine = {"ar": (CONTRIBUTION_AR, RESPONSIBLE_AR), "fr": (GOAL_FR, RESPONSIBLE_FR)}[language]
    for text in mine:
        assert text.replace("'", "&#x27;") in html, text


def test_the_csv_and_the_api_carry_the_ogp_columns(client, tetouan):
    (row,) = csv_rows(client, "commitments")
    assert row["ogp_id"] == "MATET0003"
    assert row["ogp_url"] == SAMPLE["source"]
    assert row["challenge_area"] == "access_to_information"
    assert row["policy_area"] == SAMPLE["primary_policy_area"]
    assert row["sector"] == SAMPLE["primary_sector"]
    assert row["contribution_ar"] == CONTRIBUTION_AR
    assert row["long_term_goal_fr"] == GOAL_FR
    (milestone,) = csv_rows(client, "milestones")
    assert (milestone["responsible_ar"], milestone["responsible_fr"]) == (
        RESPONSIBLE_AR,
        RESPONSIBLE_FR,
    )

    response = client.get(reverse("api:commitment-detail", args=[tetouan.pk]))
    assert response.status_code == 200
    data = response.json()
    assert data["ogp_id"] == "MATET0003"
    assert data["ogp_url"] == SAMPLE["source"]
    assert data["challenge_area"] == "access_to_information"
    assert data["contribution_fr"] == SAMPLE["how_it_contributes"]
    assert data["milestones"][0]["responsible_fr"] == RESPONSIBLE_FR


def test_a_plan_in_preparation_keeps_its_ogp_fields_private(client, tetouan):
    ActionPlan.objects.filter(pk=tetouan.plan_id).update(stage=ActionPlan.Stage.PREPARATION)
    assert csv_rows(client, "commitments") == []
    assert csv_rows(client, "milestones") == []


@pytest.mark.skipif(not PDFTOTEXT, reason="poppler-utils is not installed")
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_pdf_shows_the_ogp_id_and_the_milestone_s_responsible(tetouan, tmp_path, language):
    data = render_plan_pdf(
        tetouan.plan,
        language,
        version=1,
        published_on=datetime.date(2025, 3, 4),
        public_url=f"https://infitah.example.ma/{language}/plans/tetouan/2022/",
    )
    path = tmp_path / f"plan-{language}.pdf"
    path.write_bytes(data)
    text = squash("".join(pdftotext(path)))
    with translation.override(language):
        area = str(ChallengeArea.ACCESS_TO_INFORMATION.label)
        label = str(Milestone._meta.get_field("responsible").verbose_name)
    assert "MATET0003" in text
    assert squash(area) in text
    assert squash(SAMPLE["primary_policy_area"]) in text
    assert squash(label.capitalize()) in text
    responsible = {"ar": RESPONSIBLE_AR, "fr": RESPONSIBLE_FR}[language]
    assert squash(responsible) in text
