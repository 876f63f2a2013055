"""The forum in the admin: members entered under the forum by council staff, endorsements
entered from the plan's page by its coordinator with choices limited to the plan's council,
and nothing of another council's forum reachable."""

import datetime

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from commitments.models import ForumMember, PlanEndorsement
from opengov.roles import COORDINATOR, COUNCIL_STAFF
from tests import factories
from tests.admin.helpers import form_values

pytestmark = pytest.mark.django_db


def _change_values(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_values(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_values(form))
    return data


def test_staff_add_a_member_under_their_forum(client, staff_user):
    forum = factories.ForumFactory()
    client.force_login(staff_user(COUNCIL_STAFF, forum.council))
    url = reverse("admin:commitments_forum_change", args=[forum.pk])
    data = _change_values(client, url)
    data.update(
        {
            "members-TOTAL_FORMS": "1",
            "members-0-name": "Salma B.",
            "members-0-sector": "academia",
            "members-0-sex": "woman",
            "members-0-role": "co_chair",
            "members-0-forum": str(forum.pk),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    member = ForumMember.objects.get(forum=forum)
    assert (member.name, member.sector, member.public) == ("Salma B.", "academia", False)


def test_member_leaving_before_joining_is_refused_with_the_data_untouched(client, staff_user):
    forum = factories.ForumFactory()
    client.force_login(staff_user(COUNCIL_STAFF, forum.council))
    url = reverse("admin:commitments_forum_change", args=[forum.pk])
    data = _change_values(client, url)
    data.update(
        {
            "members-TOTAL_FORMS": "1",
            "members-0-name": "Salma B.",
            "members-0-sector": "academia",
            "members-0-sex": "woman",
            "members-0-role": "member",
            "members-0-joined_on": "2023-05-01",
            "members-0-left_on": "2023-01-01",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "left_on" in response.context["inline_admin_formsets"][0].formset.errors[0]
    assert not ForumMember.objects.exists()


def test_staff_of_another_council_cannot_see_or_change_the_forum(client, staff_user):
    forum = factories.ForumFactory(name_fr="Forum de Bravo", name_ar="")
    meeting = factories.ForumMeetingFactory(forum=forum, title_fr="Réunion de Bravo", title_ar="")
    client.force_login(staff_user(COORDINATOR, factories.CouncilFactory()))
    listing = client.get(reverse("admin:commitments_forum_changelist")).content.decode()
    assert "Forum de Bravo" not in listing
    meetings = client.get(reverse("admin:commitments_forummeeting_changelist")).content.decode()
    assert "Réunion de Bravo" not in meetings
    for name, pk in (("forum", forum.pk), ("forummeeting", meeting.pk)):
        change = reverse(f"admin:commitments_{name}_change", args=[pk])
        assert client.get(change).status_code == 404
        assert client.post(change, {"name_ar": "x", "title_ar": "x"}).status_code == 404


def test_coordinator_cannot_create_a_forum_for_another_council(client, staff_user):
    own, other = factories.CouncilFactory(), factories.CouncilFactory()
    client.force_login(staff_user(COORDINATOR, own))
    response = client.post(
        reverse("admin:commitments_forum_add"),
        {
            "council": other.pk,
            "name_ar": "منتدى",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "council" in response.context["adminform"].form.errors
    assert not other.__class__.objects.filter(pk=other.pk, forum__isnull=False).exists()


def _plan_with_forum():
    plan = factories.ActionPlanFactory()
    forum = factories.ForumFactory(council=plan.council)
    meeting = factories.ForumMeetingFactory(forum=forum, held_on=datetime.date(2024, 2, 1))
    return plan, forum, meeting


def test_coordinator_records_the_endorsement_from_the_plan_page(client, staff_user):
    plan, forum, meeting = _plan_with_forum()
    publication = factories.PlanPublicationFactory(plan=plan, version=2)
    other_forum = factories.ForumFactory()
    client.force_login(staff_user(COORDINATOR, plan.council))
    url = reverse("admin:consultations_actionplan_change", args=[plan.pk])
    page = client.get(url)
    inline = next(
        i for i in page.context["inline_admin_formsets"] if i.formset.model is PlanEndorsement
    )
    choices = inline.formset.empty_form.fields["forum"].queryset
    assert list(choices) == [forum] and other_forum not in choices
    data = _change_values(client, url)
    data.update(
        {
            "endorsements-TOTAL_FORMS": "1",
            "endorsements-0-forum": str(forum.pk),
            "endorsements-0-publication": str(publication.pk),
            "endorsements-0-endorsed_on": "2024-02-01",
            "endorsements-0-meeting": str(meeting.pk),
            "endorsements-0-statement_fr": "Le forum approuve.",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        i.formset.errors for i in response.context["inline_admin_formsets"]
    ]
    endorsement = PlanEndorsement.objects.get(plan=plan)
    assert (endorsement.version, endorsement.meeting) == (2, meeting)


def test_endorsement_dated_in_the_future_is_refused(client, staff_user):
    plan, forum, _meeting = _plan_with_forum()
    client.force_login(staff_user(COORDINATOR, plan.council))
    url = reverse("admin:consultations_actionplan_change", args=[plan.pk])
    data = _change_values(client, url)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    data.update(
        {
            "endorsements-TOTAL_FORMS": "1",
            "endorsements-0-forum": str(forum.pk),
            "endorsements-0-version": "1",
            "endorsements-0-endorsed_on": tomorrow.isoformat(),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    errors = [
        i.formset.errors
        for i in response.context["inline_admin_formsets"]
        if i.formset.model is PlanEndorsement
    ]
    assert errors == [[{"endorsed_on": [gettext("This date is in the future.")]}]]
    assert not PlanEndorsement.objects.exists()


def test_council_staff_see_endorsements_but_cannot_add_them(client, staff_user):
    plan, forum, _meeting = _plan_with_forum()
    factories.PlanEndorsementFactory(plan=plan, forum=forum)
    client.force_login(staff_user(COUNCIL_STAFF, plan.council))
    page = client.get(reverse("admin:consultations_actionplan_change", args=[plan.pk]))
    inline = next(
        i for i in page.context["inline_admin_formsets"] if i.formset.model is PlanEndorsement
    )
    assert not inline.has_add_permission and not inline.has_change_permission
