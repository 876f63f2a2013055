"""Dates given as months in the open data: "2024-03" with a `<field>_precision` beside it in the
API and the datasets (CSV and JSON), as the OpenAPI schema says; full days in the Decidim
results, which Decidim reads as days."""

import datetime
import json

import jsonschema
import pytest
from django.core.cache import cache

from consultations.models import ActionPlan
from opendata.decidim import MILESTONE_ID_OFFSET
from opengov.dates import DatePrecision
from tests import factories
from tests.opendata.test_api import API, openapi_to_json_schema
from tests.opendata.test_opendata import csv_rows, dataset_url, decidim_rows

pytestmark = pytest.mark.django_db

D = datetime.date
MONTH = DatePrecision.MONTH


@pytest.fixture
def tetouan():
    cache.clear()
    plan = factories.ActionPlanFactory(
        start_year=2022, end_year=2026, stage=ActionPlan.Stage.IMPLEMENTATION
    )
    commitment = factories.CommitmentFactory(
        plan=plan,
        reference="MATET0011",
        start_date=D(2022, 11, 1),
        start_date_precision=MONTH,
        end_date=D(2024, 3, 1),
        end_date_precision=MONTH,
    )
    in_month = factories.MilestoneFactory(
        commitment=commitment, start_date=None, due_date=D(2023, 2, 1), due_date_precision=MONTH
    )
    on_day = factories.MilestoneFactory(
        commitment=commitment, start_date=D(2023, 3, 1), due_date=D(2023, 9, 15)
    )
    yield commitment, in_month, on_day
    cache.clear()


def test_api_gives_months_as_months_with_their_precision(client, tetouan):
    commitment, in_month, on_day = tetouan
    data = client.get(f"{API}commitments/{commitment.pk}/").json()
    assert (data["start_date"], data["start_date_precision"]) == ("2022-11", "month")
    assert (data["end_date"], data["end_date_precision"]) == ("2024-03", "month")
    milestones = {m["id"]: m for m in data["milestones"]}
    first, second = milestones[in_month.pk], milestones[on_day.pk]
    assert (first["start_date"], first["start_date_precision"]) == (None, "day")
    assert (first["due_date"], first["due_date_precision"]) == ("2023-02", "month")
    assert (second["start_date"], second["due_date"]) == ("2023-03-01", "2023-09-15")
    assert second["due_date_precision"] == "day"
    # Sorted by the stored day: the month (ending on the 28th) before a day of September.
    assert [m["id"] for m in data["milestones"]] == [in_month.pk, on_day.pk]


def test_api_answer_with_months_matches_its_schema(client, tetouan):
    spec = client.get(f"{API}schema", HTTP_ACCEPT="application/json").json()
    components = openapi_to_json_schema(spec["components"])
    schema = components["schemas"]["Commitment"]
    assert "pattern" in json.dumps(schema["properties"]["end_date"])
    validator = jsonschema.Draft7Validator({**schema, "components": components})
    commitment = tetouan[0]
    answer = client.get(f"{API}commitments/{commitment.pk}/").json()
    assert list(validator.iter_errors(answer)) == []
    answer["end_date"] = "March 2024"
    answer["milestones"][0]["due_date"] = "2023-02-31T00"
    assert {e.absolute_path[-1] for e in validator.iter_errors(answer)} == {"end_date", "due_date"}


def test_datasets_give_months_as_months_with_a_precision_column(client, tetouan):
    commitment, in_month, on_day = tetouan
    (row,) = csv_rows(client, "commitments")
    assert row["reference"] == commitment.reference
    assert (row["start_date"], row["start_date_precision"]) == ("2022-11", "month")
    assert (row["end_date"], row["end_date_precision"]) == ("2024-03", "month")
    rows = {int(r["id"]): r for r in csv_rows(client, "milestones")}
    assert (rows[in_month.pk]["due_date"], rows[in_month.pk]["due_date_precision"]) == (
        "2023-02",
        "month",
    )
    assert (rows[in_month.pk]["start_date"], rows[in_month.pk]["start_date_precision"]) == (
        "",
        "day",
    )
    assert rows[on_day.pk]["due_date"] == "2023-09-15"
    as_json = json.loads(client.get(dataset_url("milestones", "json")).content)
    by_id = {m["id"]: m for m in as_json}
    assert by_id[in_month.pk]["due_date"] == "2023-02"
    assert by_id[in_month.pk]["start_date"] is None
    assert by_id[on_day.pk]["start_date"] == "2023-03-01"


def test_decidim_results_give_full_days_for_months(client, tetouan):
    commitment, in_month, _on_day = tetouan
    rows = {r["id"]: r for r in decidim_rows(client)}
    parent = rows[str(commitment.pk)]
    assert (parent["start_date"], parent["end_date"]) == ("2022-11-01", "2024-03-31")
    assert rows[str(MILESTONE_ID_OFFSET + in_month.pk)]["end_date"] == "2023-02-28"
