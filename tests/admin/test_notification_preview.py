"""The staff preview of a notification: from a milestone's or an indicator's change page, the
new entries typed in the table are shown as followers will read them, in Arabic and French, with
how many addresses will be told; nothing is saved and nobody is mailed."""

import pytest
from django.urls import reverse
from django.utils import translation

from commitments.models import FollowEvent, IndicatorValue, Milestone, MilestoneUpdate
from consultations.models import ActionPlan
from opengov.roles import COUNCIL_STAFF
from tests import factories
from tests.admin.helpers import admin_form_data
from tests.admin.test_bad_input import _post_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone():
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    commitment = factories.CommitmentFactory(plan=plan)
    return factories.MilestoneFactory(
        commitment=commitment,
        title_ar="إطلاق البوابة",
        title_fr="Lancement du portail",
        status=Milestone.Status.IN_PROGRESS,
    )


def _form_data(client, url: str, new_entry: dict) -> dict:
    """The change page's inline as the browser would post it, with one new entry."""
    page = client.get(url)
    assert page.status_code == 200
    formset = page.context["inline_admin_formsets"][0].formset
    prefix, index = formset.prefix, formset.initial_form_count()
    data = {
        f"{prefix}-TOTAL_FORMS": str(index + 1),
        f"{prefix}-INITIAL_FORMS": str(index),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    data.update({f"{prefix}-{index}-{name}": value for name, value in new_entry.items()})
    return data


def _followers(milestone, *, immediate: int, weekly: int) -> None:
    commitment = milestone.commitment
    for _ in range(immediate):
        factories.FollowFactory(plan=None, commitment=commitment)
    # The same address through the plan too: counted once.
    first = commitment.follows.first()
    factories.FollowFactory(subscriber=first.subscriber, plan=commitment.plan)
    for _ in range(weekly):
        factories.FollowFactory(plan=None, council=commitment.plan.council, frequency="weekly")
    factories.FollowFactory(plan=None, commitment=commitment, state="pending")


def test_milestone_preview_shows_both_languages_and_the_audience_without_saving(
    admin_client, milestone, mailoutbox
):
    _followers(milestone, immediate=3, weekly=2)
    change = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    data = _form_data(
        admin_client,
        change,
        {"status": "completed", "completed_on": "2025-03-14", "note_fr": "Portail en ligne."},
    )
    response = admin_client.post(
        reverse("admin:commitments_milestone_notification_preview", args=[milestone.pk]), data
    )
    assert response.status_code == 200
    previews = response.context["previews"]
    assert response.context["problems"] == []
    assert len(previews) == 1
    arabic, french = previews[0]
    assert "إطلاق البوابة" in arabic["text"] and arabic["code"] == "ar"
    assert "Lancement du portail" in french["text"] and "Portail en ligne." in french["text"]
    assert response.context["told"] == {"immediate": 3, "weekly": 2}
    page = response.content.decode()
    assert 'dir="rtl"' in page and "Lancement du portail" in page
    # Nothing saved, nothing recorded, nobody mailed.
    assert not MilestoneUpdate.objects.exists()
    assert not FollowEvent.objects.exists()
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS
    assert mailoutbox == []


def test_milestone_preview_lists_what_saving_would_refuse(admin_client, milestone):
    change = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    data = _form_data(admin_client, change, {"status": "no-such-status"})
    response = admin_client.post(
        reverse("admin:commitments_milestone_notification_preview", args=[milestone.pk]), data
    )
    assert response.status_code == 200
    assert response.context["previews"] == [] and response.context["problems"]


def test_indicator_preview_shows_the_value(admin_client, milestone):
    indicator = factories.IndicatorFactory(commitment=milestone.commitment)
    change = reverse("admin:commitments_indicator_change", args=[indicator.pk])
    data = _form_data(admin_client, change, {"value": "42", "measured_on": "2025-04-01"})
    response = admin_client.post(
        reverse("admin:commitments_indicator_notification_preview", args=[indicator.pk]), data
    )
    assert response.status_code == 200
    (arabic, french) = response.context["previews"][0]
    assert "42" in french["text"] and "42" in arabic["text"]
    assert not IndicatorValue.objects.exists()


def test_the_change_page_offers_the_preview_button(admin_client, milestone):
    change = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    preview = reverse("admin:commitments_milestone_notification_preview", args=[milestone.pk])
    page = admin_client.get(change).content.decode()
    assert f'formaction="{preview}"' in page and 'formtarget="_blank"' in page


def test_staff_of_another_council_cannot_preview(client, staff_user, milestone):
    other = factories.CouncilFactory()
    client.force_login(staff_user(COUNCIL_STAFF, other))
    url = reverse("admin:commitments_milestone_notification_preview", args=[milestone.pk])
    response = client.post(url, {})
    assert response.status_code in (403, 404)
    assert not MilestoneUpdate.objects.exists()


def test_a_get_goes_back_to_the_change_page(admin_client, milestone):
    url = reverse("admin:commitments_milestone_notification_preview", args=[milestone.pk])
    response = admin_client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("admin:commitments_milestone_change", args=[milestone.pk])
    )


def test_an_answer_typed_in_the_proposals_admin_tells_the_proposals_followers(admin_client):
    """The proposals admin (consultations') saves answers itself: this app's subclass records
    the event, as commitments.services.proposal_answer does."""
    proposal = factories.ProposalFactory()
    factories.FollowFactory(plan=None, proposal=proposal)
    url = reverse("admin:consultations_proposal_change", args=[proposal.pk])
    response = _post_change(
        admin_client, url, {"status": "not_retained", "response_fr": "Hors compétences."}
    )
    assert response.status_code == 302
    event = FollowEvent.objects.get()
    assert event.kind == FollowEvent.Kind.PROPOSAL_ANSWERED and event.proposal == proposal
    assert event.data["response_fr"] == "Hors compétences."
    # Saving again without touching the answer tells nobody again.
    _post_change(admin_client, url, {})
    assert FollowEvent.objects.count() == 1


def test_a_status_typed_on_the_milestone_itself_is_previewed_as_the_entry_it_records(
    admin_client, milestone
):
    """The milestone's own progress fields record a dated entry when saved (MilestoneAdmin):
    the preview shows that entry too, from the whole page as the browser posts it."""
    change = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    data = admin_form_data(admin_client.get(change))
    data.update({"status": "completed", "completed_on": "2025-05-02"})
    response = admin_client.post(
        reverse("admin:commitments_milestone_notification_preview", args=[milestone.pk]), data
    )
    assert response.status_code == 200
    assert response.context["problems"] == []
    (arabic, french) = response.context["previews"][0]
    with translation.override("fr"):
        completed = str(Milestone.Status.COMPLETED.label)
    assert completed in french["text"] and "Lancement du portail" in french["text"]
    assert "إطلاق البوابة" in arabic["text"]
    assert len(response.context["previews"]) == 1
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS
    assert not MilestoneUpdate.objects.exists()


def test_the_whole_page_unchanged_previews_nothing(admin_client, milestone):
    change = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    data = admin_form_data(admin_client.get(change))
    response = admin_client.post(
        reverse("admin:commitments_milestone_notification_preview", args=[milestone.pk]), data
    )
    assert response.status_code == 200
    assert response.context["previews"] == [] and response.context["problems"] == []


def test_the_audience_counts_each_address_by_the_follow_the_fan_out_keeps(admin_client, milestone):
    """An address that follows the commitment weekly and its council at once gets the weekly
    digest (its most specific follow), and the preview says so."""
    commitment = milestone.commitment
    both = factories.FollowFactory(plan=None, commitment=commitment, frequency="weekly")
    factories.FollowFactory(subscriber=both.subscriber, plan=None, council=commitment.plan.council)
    factories.FollowFactory(plan=None, council=commitment.plan.council)
    change = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    data = _form_data(admin_client, change, {"status": "in_progress", "note_fr": "Suite."})
    response = admin_client.post(
        reverse("admin:commitments_milestone_notification_preview", args=[milestone.pk]), data
    )
    assert response.context["told"] == {"immediate": 1, "weekly": 1}
