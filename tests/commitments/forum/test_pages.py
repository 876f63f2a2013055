"""The forum on the public site: its section of the council's page (counts of every current
member, names of those who consented only, meetings of public plans with their minutes), the
downloads of its files, and the endorsement on the plan's page, in Arabic and French."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext

from consultations.models import ActionPlan
from opengov.roles import COUNCIL_STAFF
from tests import factories

pytestmark = pytest.mark.django_db

PDF = factories.PDF


def _in(url: str, language: str) -> str:
    return f"/{language}/" + url.split("/", 2)[2]


@pytest.fixture
def forum(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    forum = factories.ForumFactory(
        council__slug="tetouan", name_ar="", name_fr="Forum multi-acteurs de Tétouan"
    )
    forum.rules_document.save("règlement.pdf", ContentFile(PDF), save=True)
    return forum


def _page(client, forum, language):
    with translation.override(language):
        response = client.get(_in(forum.council.get_absolute_url(), language))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_council_page_counts_every_member_and_names_only_those_who_consented(
    client, forum, language
):
    factories.ForumMemberFactory(forum=forum, name="Amina Public", public=True, sex="woman")
    factories.ForumMemberFactory(
        forum=forum, name="Karim Secret", public=False, sex="man", sector="government"
    )
    factories.ForumMemberFactory(
        forum=forum, name="Gone Member", public=True, left_on=datetime.date(2023, 1, 1)
    )
    html = _page(client, forum, language)
    assert "Amina Public" in html
    assert "Karim Secret" not in html
    assert "Gone Member" not in html
    with translation.override(language):
        assert f"{gettext('Government')}: <bdi>1</bdi>" in html
        assert f"{gettext('Civil society')}: <bdi>1</bdi>" in html
        assert f"{gettext('Woman')}: <bdi>1</bdi>" in html
        assert gettext("Multi-stakeholder forum") in html
        assert forum.download_url() in html
    # The name written in French only is shown in Arabic with its own language and direction.
    if language == "ar":
        assert '<span lang="fr" dir="ltr">Forum multi-acteurs de Tétouan</span>' in html


def test_council_page_shows_meetings_of_public_plans_only_with_their_minutes(client, forum):
    draft = factories.ActionPlanFactory(council=forum.council)
    public = factories.ActionPlanFactory(
        council=forum.council, start_year=2021, end_year=2023, stage=ActionPlan.Stage.ADOPTED
    )
    factories.ForumMeetingFactory(
        forum=forum, plan=public, title_fr="Réunion publique", minutes_fr="Procès-verbal lu."
    )
    factories.ForumMeetingFactory(forum=forum, plan=draft, title_fr="Réunion du brouillon")
    html = _page(client, forum, "fr")
    assert "Réunion publique" in html and "Procès-verbal lu." in html
    assert "Réunion du brouillon" not in html


def test_council_page_without_forum_shows_no_forum_section(client):
    council = factories.CouncilFactory()
    html = client.get(council.get_absolute_url()).content.decode()
    assert 'id="forum-heading"' not in html


def test_council_page_follows_a_new_member_through_the_page_cache(client, forum):
    assert "Nouvelle Membre" not in _page(client, forum, "fr")
    factories.ForumMemberFactory(forum=forum, name="Nouvelle Membre", public=True)
    assert "Nouvelle Membre" in _page(client, forum, "fr")


def test_rules_download_is_a_sandboxed_attachment(client, forum):
    response = client.get(forum.download_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "forum-tetouan-rules.pdf" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_minutes_of_a_plan_in_preparation_are_for_its_council_staff_only(client, forum, staff_user):
    draft = factories.ActionPlanFactory(council=forum.council)
    meeting = factories.ForumMeetingFactory(forum=forum, plan=draft)
    meeting.minutes_file.save("pv.pdf", ContentFile(PDF), save=True)
    url = meeting.download_url()
    assert client.get(url).status_code == 404
    client.force_login(staff_user(COUNCIL_STAFF, factories.CouncilFactory()))
    assert client.get(url).status_code == 404
    client.force_login(staff_user(COUNCIL_STAFF, forum.council))
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_download_of_unknown_kind_or_missing_file_is_not_found(client, forum):
    meeting = factories.ForumMeetingFactory(forum=forum)
    assert client.get(meeting.download_url()).status_code == 404
    assert client.get(f"/fr/forum/other/{forum.pk}/").status_code == 404


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_plan_page_says_when_the_forum_endorsed_which_version(client, language):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    forum = factories.ForumFactory(council=plan.council)
    factories.PlanEndorsementFactory(
        plan=plan, forum=forum, version=1, endorsed_on=datetime.date(2024, 3, 4)
    )
    factories.PlanEndorsementFactory(
        plan=plan, forum=forum, version=2, endorsed_on=datetime.date(2024, 5, 6)
    )
    with translation.override(language):
        html = client.get(_in(plan.get_absolute_url(), language)).content.decode()
        expected = gettext("Endorsed by the forum on %(date)s (version %(version)s)") % {
            "date": "6 " + gettext("May") + " 2024",
            "version": 2,
        }
    assert expected in html


def test_plan_page_without_endorsement_says_nothing_of_it(client):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert 'class="endorsement"' not in html
