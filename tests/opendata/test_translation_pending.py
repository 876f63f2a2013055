"""Open data of texts waiting for their translation and of the original language: the API and
the CSV datasets give `original_language`, `original_wording` and `translation_pending`."""

import pytest

from consultations.models import ActionPlan
from opengov import translations
from tests import factories
from tests.opendata.test_opendata import csv_rows

pytestmark = pytest.mark.django_db

API = "/api/v1/"


@pytest.fixture
def commitment():
    plan = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.ADOPTED, original_language="fr", title_ar=""
    )
    return factories.CommitmentFactory(
        plan=plan,
        title_ar="",
        problem_ar="مشكلة",
        original_language=translations.OTHER,
        original_wording="Proactive publication of information",
    )


def test_api_gives_original_language_wording_and_pending_languages(client, commitment):
    data = client.get(f"{API}commitments/{commitment.pk}/").json()
    plan = client.get(f"{API}plans/{commitment.plan_id}/").json()

    assert data["original_language"] == "other"
    assert data["original_wording"] == "Proactive publication of information"
    # The title waits for Arabic, the problem for French.
    assert data["translation_pending"] == ["ar", "fr"]
    assert plan["original_language"] == "fr"
    assert plan["translation_pending"] == ["ar"]


def test_api_gives_no_pending_language_for_a_text_in_every_language(client):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    done = factories.CommitmentFactory(plan=plan)

    assert client.get(f"{API}commitments/{done.pk}/").json()["translation_pending"] == []


def test_datasets_have_the_english_columns(client, commitment):
    [row] = csv_rows(client, "commitments")
    [plan_row] = csv_rows(client, "plans")

    assert row["original_language"] == "other"
    assert row["original_wording"] == "Proactive publication of information"
    assert row["translation_pending"] == "ar fr"
    assert (plan_row["original_language"], plan_row["translation_pending"]) == ("fr", "ar")
