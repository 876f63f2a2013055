"""Bad input in the admin gets a clear, translated form error and leaves the database as it was."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from commitments.models import Commitment, Milestone
from consultations.models import ActionPlan, Workshop
from tests import factories
from tests.admin.helpers import admin_form_data

pytestmark = pytest.mark.django_db


def _post_change(client, url, changes, language="fr"):
    url = url.replace("/ar/", f"/{language}/", 1)
    data = admin_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def _errors(response) -> str:
    assert response.status_code == 200, "the form should be shown again with its errors"
    form = response.context["adminform"].form
    messages = [str(m) for errors in form.errors.values() for m in errors]
    for inline in response.context["inline_admin_formsets"]:
        for errors in inline.formset.errors:
            messages += [str(m) for field_errors in errors.values() for m in field_errors]
        messages += [str(m) for m in inline.formset.non_form_errors()]
    return " | ".join(messages)


def test_plan_with_end_year_before_start_year(admin_client):
    plan = factories.ActionPlanFactory(start_year=2024, end_year=2026)
    url = reverse("admin:consultations_actionplan_change", args=[plan.pk])
    response = _post_change(admin_client, url, {"start_year": "2026", "end_year": "2024"})
    with translation.override("fr"):
        expected = gettext("The end year cannot be before the start year.")
    assert expected != "The end year cannot be before the start year."
    assert expected in _errors(response)
    plan.refresh_from_db()
    assert (plan.start_year, plan.end_year) == (2024, 2026)


def test_workshop_with_negative_count_and_reversed_dates(admin_client):
    workshop = factories.WorkshopFactory()
    url = reverse("admin:consultations_workshop_change", args=[workshop.pk])
    response = _post_change(
        admin_client,
        url,
        {"participants_citizens": "-3", "ends_on": "2023-12-31"},
    )
    errors = _errors(response)
    assert "0" in errors  # "Assurez-vous que cette valeur est supérieure ou égale à 0."
    workshop.refresh_from_db()
    assert workshop.participants_citizens == 0
    assert workshop.ends_on is None


def test_workshop_with_more_women_and_men_than_participants(admin_client):
    workshop = factories.WorkshopFactory()
    url = reverse("admin:consultations_workshop_change", args=[workshop.pk])
    response = _post_change(admin_client, url, {"participants_women": "500"})
    assert "516" in _errors(response)
    workshop.refresh_from_db()
    assert workshop.participants_women == 14


def test_duplicate_commitment_reference_in_a_plan(admin_client):
    first = factories.CommitmentFactory(reference="TTA-2024-01")
    second = factories.CommitmentFactory(plan=first.plan, reference="TTA-2024-02")
    url = reverse("admin:commitments_commitment_change", args=[second.pk])
    response = _post_change(admin_client, url, {"reference": "TTA-2024-01"})
    assert "référence" in _errors(response)
    second.refresh_from_db()
    assert second.reference == "TTA-2024-02"


def test_errors_are_translated_into_arabic(admin_client):
    first = factories.CommitmentFactory(reference="TTA-2024-01")
    second = factories.CommitmentFactory(plan=first.plan, reference="TTA-2024-02")
    url = reverse("admin:commitments_commitment_change", args=[second.pk])
    response = _post_change(admin_client, url, {"reference": "TTA-2024-01"}, language="ar")
    errors = _errors(response)
    assert any("\u0600" <= ch <= "\u06ff" for ch in errors), errors


def test_commitment_dates_reversed_and_milestone_inline_error(admin_client):
    milestone = factories.MilestoneFactory()
    commitment = milestone.commitment
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = _post_change(
        admin_client,
        url,
        {
            "start_date": "2025-06-01",
            "end_date": "2024-06-01",
            "milestones-0-status": Milestone.Status.COMPLETED,
            "milestones-0-completed_on": "",
        },
    )
    errors = _errors(response)
    assert "date" in errors
    commitment.refresh_from_db()
    milestone.refresh_from_db()
    assert commitment.end_date.year == 2026
    assert milestone.status == Milestone.Status.NOT_STARTED


def test_valid_change_saves(admin_client):
    """The same helper posting good data does save: the tests above can fail."""
    commitment = factories.CommitmentFactory()
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = _post_change(admin_client, url, {"lead_agency_fr": "Direction régionale"})
    assert response.status_code == 302, _errors(response)
    commitment.refresh_from_db()
    assert commitment.lead_agency_fr == "Direction régionale"


def test_add_workshop_whose_plan_is_of_another_council(admin_client):
    plan = factories.ActionPlanFactory()
    other = factories.CouncilFactory()
    response = admin_client.post(
        reverse("admin:consultations_workshop_add").replace("/ar/", "/fr/"),
        {
            "council": other.pk,
            "plan": plan.pk,
            "kind": Workshop.Kind.CO_CREATION,
            "title_fr": "Atelier",
            "starts_on": "2024-01-06",
            **{f"{p}-TOTAL_FORMS": "0" for p in ("groups", "documents")},
            **{f"{p}-INITIAL_FORMS": "0" for p in ("groups", "documents")},
        },
    )
    assert "plan" in _errors(response)
    assert not Workshop.objects.filter(council=other).exists()


def test_not_retained_proposal_needs_a_reason(admin_client):
    proposal = factories.ProposalFactory()
    url = reverse("admin:consultations_proposal_change", args=[proposal.pk])
    response = _post_change(admin_client, url, {"status": "not_retained"})
    assert "retenue" in _errors(response)
    proposal.refresh_from_db()
    assert proposal.status == "received"


def test_answer_is_recorded_with_who_and_when(admin_client, superuser):
    proposal = factories.ProposalFactory()
    url = reverse("admin:consultations_proposal_change", args=[proposal.pk])
    response = _post_change(
        admin_client,
        url,
        {"status": "not_retained", "response_fr": "Hors des compétences du conseil."},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "not_retained"
    assert proposal.responded_by == superuser
    assert proposal.responded_at is not None


def test_plan_stage_cannot_be_posted_directly(admin_client):
    plan = factories.ActionPlanFactory()
    url = reverse("admin:consultations_actionplan_change", args=[plan.pk])
    response = _post_change(admin_client, url, {"stage": ActionPlan.Stage.CLOSED})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.stage == ActionPlan.Stage.PREPARATION


def test_unknown_commitment_is_404(admin_client):
    missing = Commitment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = admin_client.get(
        reverse("admin:commitments_commitment_change", args=[missing + 1000])
    )
    assert response.status_code == 404
