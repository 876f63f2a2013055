"""Entering the dates of commitments and milestones as a month or a day in the admin: the
commitment form, its milestone inline, the milestone form; what staff who may not change them
see; the milestones list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from commitments.models import Commitment, Milestone
from consultations.models import ActionPlan
from opengov.dates import DatePrecision
from opengov.roles import COORDINATOR, COUNCIL_STAFF
from tests import factories
from tests.admin.helpers import admin_form_data

pytestmark = pytest.mark.django_db

D = datetime.date
MONTH, DAY = DatePrecision.MONTH, DatePrecision.DAY
INVALID = "Enter a month as 2024-03 (or 03/2024) or a day as 2024-03-15 (or 15/03/2024)."


def in_language(url: str, language: str) -> str:
    return url.replace("/ar/", f"/{language}/", 1)


def post_change(client, url, changes, language="fr"):
    url = in_language(url, language)
    data = admin_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def errors_of(response) -> list[str]:
    assert response.status_code == 200, "the form should be shown again with its errors"
    messages = [m for errors in response.context["adminform"].form.errors.values() for m in errors]
    for inline in response.context["inline_admin_formsets"]:
        for errors in inline.formset.errors:
            messages += [m for field_errors in errors.values() for m in field_errors]
    return [str(m) for m in messages]


@pytest.fixture
def coordinator(client, staff_user):
    """A coordinator signed in, and a commitment of their council with one milestone."""
    milestone = factories.MilestoneFactory(
        start_date=D(2024, 3, 1),
        due_date=D(2024, 12, 31),
        commitment=factories.CommitmentFactory(start_date=D(2024, 3, 1), end_date=D(2026, 6, 30)),
    )
    client.force_login(staff_user(COORDINATOR, milestone.commitment.plan.council))
    return client, milestone.commitment, milestone


def change_url(obj) -> str:
    return reverse(f"admin:commitments_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_commitment_dated_in_months_is_stored_as_months_and_shown_as_typed(coordinator):
    client, commitment, _milestone = coordinator
    url = change_url(commitment)
    response = post_change(client, url, {"start_date": "2024-01", "end_date": "03/2026"})
    assert response.status_code == 302, errors_of(response)
    commitment.refresh_from_db()
    assert (commitment.start_date, commitment.start_date_precision) == (D(2024, 1, 1), MONTH)
    assert (commitment.end_date, commitment.end_date_precision) == (D(2026, 3, 31), MONTH)
    form = client.get(url).context["adminform"].form
    assert (form["start_date"].value(), form["end_date"].value()) == ("2024-01", "2026-03")
    # Posted back untouched, the form sees no change and the dates stay months.
    response = post_change(client, url, {})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.end_date, commitment.end_date_precision) == (D(2026, 3, 31), MONTH)


def test_a_day_typed_over_a_month_makes_the_date_a_day_again(coordinator):
    client, commitment, _milestone = coordinator
    Commitment.objects.filter(pk=commitment.pk).update(
        end_date=D(2026, 3, 31), end_date_precision=MONTH
    )
    response = post_change(client, change_url(commitment), {"end_date": "15/03/2026"})
    assert response.status_code == 302, errors_of(response)
    commitment.refresh_from_db()
    assert (commitment.end_date, commitment.end_date_precision) == (D(2026, 3, 15), DAY)


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("typed", ["mars 2026", "2026-13", "2026-02-30", "31/2026"])
def test_a_date_that_is_neither_a_month_nor_a_day_is_refused_and_nothing_is_saved(
    coordinator, typed, language
):
    client, commitment, milestone = coordinator
    changes = {
        "end_date": typed,
        "lead_agency_fr": "Changed with the bad date",
        "milestones-0-due_date": "2024-11",
    }
    response = post_change(client, change_url(commitment), changes, language)
    with translation.override(language):
        assert errors_of(response) == [gettext(INVALID)]
    assert f'value="{typed}"' in response.content.decode()  # shown again as typed
    commitment.refresh_from_db()
    milestone.refresh_from_db()
    assert commitment.lead_agency_fr == "Conseil de la région"
    assert (commitment.end_date, commitment.end_date_precision) == (D(2026, 6, 30), DAY)
    assert (milestone.due_date, milestone.due_date_precision) == (D(2024, 12, 31), DAY)


def test_the_model_rules_read_the_normalised_months(coordinator):
    client, commitment, _milestone = coordinator
    # The same month for start and end is one month long, not refused as reversed.
    response = post_change(
        client, change_url(commitment), {"start_date": "2025-06", "end_date": "2025-06"}
    )
    assert response.status_code == 302, errors_of(response)
    commitment.refresh_from_db()
    assert (commitment.start_date, commitment.end_date) == (D(2025, 6, 1), D(2025, 6, 30))
    # A month outside the plan's period is refused as a day would be.
    response = post_change(client, change_url(commitment), {"end_date": "2027-01"})
    assert len(errors_of(response)) == 1
    commitment.refresh_from_db()
    assert commitment.end_date == D(2025, 6, 30)


def test_milestones_are_dated_in_months_in_the_commitment_inline(coordinator):
    client, commitment, milestone = coordinator
    url = change_url(commitment)
    data = admin_form_data(client.get(in_language(url, "fr")))
    data.update(
        {
            "milestones-0-start_date": "2024-04",
            "milestones-0-due_date": "2024-09",
            "milestones-TOTAL_FORMS": "2",
            "milestones-1-title_ar": "مرحلة جديدة",
            "milestones-1-title_fr": "Nouveau jalon",
            "milestones-1-due_date": "2025-02",
            "milestones-1-status": Milestone.Status.NOT_STARTED,
            "milestones-1-commitment": str(commitment.pk),
        }
    )
    response = client.post(in_language(url, "fr"), data)
    assert response.status_code == 302, errors_of(response)
    milestone.refresh_from_db()
    assert (milestone.start_date, milestone.start_date_precision) == (D(2024, 4, 1), MONTH)
    assert (milestone.due_date, milestone.due_date_precision) == (D(2024, 9, 30), MONTH)
    added = commitment.milestones.get(title_fr="Nouveau jalon")
    assert (added.due_date, added.due_date_precision) == (D(2025, 2, 28), MONTH)
    assert (added.start_date, added.start_date_precision) == (None, DAY)


def test_the_milestone_form_takes_a_month_and_an_arabic_indic_month(coordinator):
    client, _commitment, milestone = coordinator
    typed = "\u0662\u0660\u0662\u0665-\u0660\u0661"  # 2025-01 in Arabic-Indic digits
    response = post_change(client, change_url(milestone), {"due_date": typed}, "ar")
    assert response.status_code == 302, errors_of(response)
    milestone.refresh_from_db()
    assert (milestone.due_date, milestone.due_date_precision) == (D(2025, 1, 31), MONTH)


def test_a_milestone_added_with_a_due_month(coordinator):
    client, commitment, _milestone = coordinator
    url = in_language(reverse("admin:commitments_milestone_add"), "fr")
    page = client.get(url)
    data = admin_form_data(page)
    data.update(
        {
            "commitment": str(commitment.pk),
            "title_ar": "مرحلة شهرية",
            "title_fr": "Jalon au mois",
            "due_date": "2025-04",
            "status": Milestone.Status.NOT_STARTED,
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    added = Milestone.objects.get(title_fr="Jalon au mois")
    assert (added.due_date, added.due_date_precision) == (D(2025, 4, 30), MONTH)


def test_staff_who_only_report_progress_see_the_month_and_keep_it(client, staff_user):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    milestone = factories.MilestoneFactory(
        commitment=factories.CommitmentFactory(plan=plan),
        due_date=D(2024, 6, 1),
        due_date_precision=MONTH,
    )
    client.force_login(staff_user(COUNCIL_STAFF, plan.council))
    url = in_language(change_url(milestone), "fr")
    page = client.get(url)
    html = page.content.decode()
    assert "juin 2024" in html and "30 juin 2024" not in html
    data = admin_form_data(page)
    data.update({"status": Milestone.Status.IN_PROGRESS, "due_date": "2030-01-01"})
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS
    assert (milestone.due_date, milestone.due_date_precision) == (D(2024, 6, 30), MONTH)


def test_the_milestones_list_shows_a_due_month_as_a_month_and_sorts_it_by_its_last_day(
    admin_client,
):
    commitment = factories.CommitmentFactory()
    factories.MilestoneFactory(
        commitment=commitment, title_fr="En mars", due_date=D(2025, 3, 1), due_date_precision=MONTH
    )
    factories.MilestoneFactory(
        commitment=commitment, title_fr="Le 30 mars", due_date=D(2025, 3, 30)
    )
    factories.MilestoneFactory(
        commitment=commitment, title_fr="Le 1er avril", due_date=D(2025, 4, 1)
    )
    url = in_language(reverse("admin:commitments_milestone_changelist"), "fr")
    html = admin_client.get(url, {"o": "3"}).content.decode()  # sorted by the due column
    assert '<td class="field-due">mars 2025</td>' in html
    assert '<td class="field-due">30 mars 2025</td>' in html
    assert html.index("Le 30 mars") < html.index("En mars") < html.index("Le 1er avril")


def test_staff_who_may_only_view_a_commitment_see_its_months(client, staff_user):
    plan = factories.ActionPlanFactory(start_year=2022, stage=ActionPlan.Stage.IMPLEMENTATION)
    commitment = factories.CommitmentFactory(
        plan=plan,
        start_date=D(2023, 1, 1),
        start_date_precision=MONTH,
        end_date=D(2024, 3, 1),
        end_date_precision=MONTH,
    )
    factories.MilestoneFactory(
        commitment=commitment, start_date=None, due_date=D(2023, 6, 1), due_date_precision=MONTH
    )
    client.force_login(staff_user(COUNCIL_STAFF, plan.council))
    page = client.get(in_language(change_url(commitment), "fr"))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    html = page.content.decode()
    for month in ("janvier 2023", "mars 2024", "juin 2023"):
        assert f'<div class="readonly">{month}</div>' in html
    assert "31 mars 2024" not in html and "30 juin 2023" not in html
