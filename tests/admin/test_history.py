"""A record's history in the admin (django-simple-history) reads as staff speak (issue 22): a
stage's name, not its key; "—" for an empty value or a change without a reason, not "None";
Yes/No and dates in the language's format; the arrow pointing the way the language reads."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from consultations.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage


@pytest.fixture
def plan():
    plan = factories.ActionPlanFactory()
    plan.stage = Stage.CONSULTATION
    plan.consultation_opens_on = datetime.date(2024, 3, 1)
    plan.proposals_need_moderation = not plan.proposals_need_moderation
    plan.save()
    return plan


def _history(client, plan, language):
    url = reverse("admin:consultations_actionplan_history", args=[plan.pk])
    return client.get(f"/{language}/" + url.split("/", 2)[2])


def _changes(response) -> dict:
    newest = response.context["page_obj"][0]
    return {
        change["field"]: (change["old"], change["new"]) for change in newest.history_delta_changes
    }


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_history_names_stages_and_shows_no_none(admin_client, plan, language):
    response = _history(admin_client, plan, language)
    assert response.status_code == 200
    changes = _changes(response)
    with translation.override(language):
        field = ActionPlan._meta.get_field
        assert changes[capfirst(field("stage").verbose_name)] == (
            Stage.PREPARATION.label,
            Stage.CONSULTATION.label,
        )
        opens = changes[capfirst(field("consultation_opens_on").verbose_name)]
        assert opens[0] == "—"
        assert opens[1] != "2024-03-01" and "2024" in opens[1]
        moderation = changes[capfirst(field("proposals_need_moderation").verbose_name)]
        assert set(moderation) == {gettext("Yes"), gettext("No")}
    table = re.search(r'<table id="change-history".*?</table>', response.content.decode(), re.S)
    text = table.group(0)
    assert "None" not in text
    assert "preparation" not in text and "consultation →" not in text
    assert ("←" if language == "ar" else "→") in text


def test_the_stage_history_of_the_plan_page_points_the_way_arabic_reads(admin_client, plan):
    factories.PlanStageChangeFactory(
        plan=plan, from_stage=Stage.PREPARATION, to_stage=Stage.CONSULTATION
    )
    url = reverse("admin:consultations_actionplan_change", args=[plan.pk])
    with translation.override("ar"):
        arabic = f"{Stage.PREPARATION.label} ← {Stage.CONSULTATION.label}"
    with translation.override("fr"):
        french = f"{Stage.PREPARATION.label} → {Stage.CONSULTATION.label}"
    assert arabic in admin_client.get(url).content.decode()
    assert french in admin_client.get("/fr/" + url.split("/", 2)[2]).content.decode()
