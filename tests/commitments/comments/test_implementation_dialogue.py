"""Questions and comments on commitments while their plan is adopted or implemented (OGP's
Participation and Co-Creation Standard, requirement 5): posting, the closed plan, the plan's own
page, moderation and the council's reply, the commitment page (its sections, its queries, the
page cache, right to left), the moderators' digest, the scoping of the admin and the open data."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from commitments.comments import confirmation, services
from commitments.comments.digest import moderators_notify
from commitments.models import Comment
from consultations.models import ActionPlan
from opengov.models import language_of
from opengov.pagecache import CSRF_PLACEHOLDER
from opengov.roles import COUNCIL_STAFF, MODERATOR
from tests import factories

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage
Phase = Comment.Phase
DAY = datetime.timedelta(days=1)
EMAIL = "youssef.secret@example.org"
DIALOGUE = "Questions and comments during implementation"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def make_commitment(stage=Stage.IMPLEMENTATION, **plan_fields):
    today = timezone.localdate()
    plan_fields.setdefault("consultation_opens_on", today - 60 * DAY)
    plan_fields.setdefault("consultation_closes_on", today - 30 * DAY)
    plan = factories.ActionPlanFactory(stage=stage, **plan_fields)
    return factories.CommitmentFactory(plan=plan, reference="TNG-07")


def make_comment(commitment, phase=Phase.IMPLEMENTATION, state=Comment.State.PUBLISHED, **kw):
    now = timezone.now()
    values = {
        "author_name": "Youssef",
        "email": EMAIL,
        "body": "Où en est le portail des marchés ?",
        "confirmed_at": None if state == Comment.State.PENDING else now,
        "published_at": now if state == Comment.State.PUBLISHED else None,
        "hidden_reason": "Hors sujet" if state == Comment.State.HIDDEN else "",
        **kw,
    }
    return Comment.objects.create(
        plan=commitment.plan,
        commitment=commitment,
        phase=phase,
        state=state,
        consent_at=now,
        language="fr",
        **values,
    )


def fresh(comment: Comment) -> Comment:
    comment.refresh_from_db()
    return comment


def url_of(obj, language="ar") -> str:
    with translation.override(language):
        return obj.get_absolute_url()


def post_url(commitment, language="ar") -> str:
    plan = commitment.plan
    with translation.override(language):
        return reverse(
            "commitments:commitment_comment",
            args=[plan.council.slug, plan.start_year, commitment.reference],
        )


def plan_post_url(plan, language="ar") -> str:
    with translation.override(language):
        return reverse("commitments:plan_comment", args=[plan.council.slug, plan.start_year])


def form_data(**over) -> dict:
    data = {"author_name": "Youssef Alami", "email": EMAIL, "body": "Quand sera-t-il en ligne ?"}
    return {**data, "consent": "on", "website": "", **over}


def html_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def translated(msgid: str, language: str) -> str:
    with translation.override(language):
        return gettext(msgid)


def role_user(group: str, council, username: str):
    user = factories.UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    council.staff.add(user)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


CHANGELIST = "admin:commitments_comment_changelist"


def listed(client, query: str) -> set:
    response = client.get(f"{reverse(CHANGELIST)}?{query}")
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


# --- posting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "language"),
    [(Stage.ADOPTED, "ar"), (Stage.IMPLEMENTATION, "fr"), (Stage.IMPLEMENTATION, "ar")],
)
def test_post_on_commitment_of_adopted_or_implemented_plan_is_saved_as_implementation_question(
    client, django_capture_on_commit_callbacks, stage, language
):
    commitment = make_commitment(stage)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(post_url(commitment, language), form_data())
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.phase, comment.state) == (Phase.IMPLEMENTATION, Comment.State.PENDING)
    assert (comment.commitment, comment.language) == (commitment, language)
    # The same confirmation by e-mail as the consultation's comments, in the reader's language.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EMAIL]
    assert f"/{language}/comments/confirm/" in mail.outbox[0].body
    assert comment.body not in mail.outbox[0].body


@pytest.mark.parametrize("moderation", [True, False])
def test_confirmed_implementation_question_follows_the_plans_moderation_setting(client, moderation):
    commitment = make_commitment(comments_need_moderation=moderation)
    comment = make_comment(commitment, state=Comment.State.PENDING)
    token = confirmation.confirmation_token(comment)
    assert client.post(reverse("commitments:comment_confirm", args=[token])).status_code == 200
    expected = Comment.State.CONFIRMED if moderation else Comment.State.PUBLISHED
    assert fresh(comment).state == expected
    assert (comment.body in html_of(Client(), url_of(commitment))) is (not moderation)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_post_on_commitment_of_closed_plan_is_refused_with_translated_message(
    client, django_capture_on_commit_callbacks, language
):
    commitment = make_commitment(Stage.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(post_url(commitment, language), form_data())
    assert response.status_code == 400
    assert Comment.objects.count() == 0 and mail.outbox == []
    msgid = "This plan is closed: its comments stay readable, but it takes no new one."
    assert escape(translated(msgid, language)) in response.content.decode()


def test_service_refuses_closed_plan_and_saves_nothing():
    commitment = make_commitment(Stage.CLOSED)
    with pytest.raises(ValidationError):
        services.comment_post(
            plan=commitment.plan,
            commitment=commitment,
            parent=None,
            author_name="Youssef",
            email=EMAIL,
            body="Bilan ?",
            language="fr",
            fingerprint="f" * 64,
        )
    assert not Comment.objects.exists()


@pytest.mark.parametrize("stage", [Stage.ADOPTED, Stage.IMPLEMENTATION, Stage.CLOSED])
def test_plan_level_comment_outside_consultation_is_refused(
    client, django_capture_on_commit_callbacks, stage
):
    plan = make_commitment(stage).plan
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(plan_post_url(plan, "fr"), form_data())
    assert response.status_code == 400
    assert Comment.objects.count() == 0 and mail.outbox == []
    if stage == Stage.CLOSED:
        msgid = "This plan is closed: its comments stay readable, but it takes no new one."
    else:
        msgid = (
            "During implementation, questions and comments are posted on the page of each "
            "commitment."
        )
    assert escape(translated(msgid, "fr")) in response.content.decode()


def test_consultation_comments_on_a_commitment_keep_their_phase():
    today = timezone.localdate()
    commitment = make_commitment(
        Stage.CONSULTATION, consultation_opens_on=today - DAY, consultation_closes_on=today + DAY
    )
    assert Comment.open_phase(commitment.plan, commitment) == Phase.CONSULTATION
    assert Comment.open_phase(commitment.plan) == Phase.CONSULTATION
    response = Client().post(post_url(commitment), form_data())
    assert response.status_code == 302
    assert Comment.objects.get().phase == Phase.CONSULTATION


def test_reply_stays_in_its_conversation(client):
    commitment = make_commitment()
    question = make_comment(commitment, body="QUESTION")
    old = make_comment(commitment, phase=Phase.CONSULTATION, body="CONSULTATION")

    assert client.post(post_url(commitment), form_data(parent=question.pk)).status_code == 302
    reply = Comment.objects.get(parent=question)
    assert reply.phase == Phase.IMPLEMENTATION

    response = client.post(post_url(commitment), form_data(parent=old.pk))
    assert response.status_code == 400
    assert not Comment.objects.filter(parent=old).exists()
    msgid = "This conversation is closed: write a new comment instead of a reply."
    refusal = translated(msgid, "ar")
    assert escape(refusal) in response.content.decode()


def test_an_implementation_comment_is_always_on_a_commitment():
    commitment = make_commitment()
    comment = Comment(
        plan=commitment.plan,
        phase=Phase.IMPLEMENTATION,
        author_name="Youssef",
        email=EMAIL,
        body="Sans engagement",
        language="fr",
        consent_at=timezone.now(),
    )
    with pytest.raises(ValidationError) as refused:
        comment.full_clean()
    assert "commitment" in refused.value.message_dict


# --- moderation and the council's reply -------------------------------------------------------


def test_moderator_publishes_hides_and_answers_implementation_questions():
    commitment = make_commitment()
    moderator = role_user(MODERATOR, commitment.plan.council, "mod-impl")
    client = logged_in(moderator)
    waiting = make_comment(commitment, state=Comment.State.CONFIRMED, body="WAITING-Q")
    rude = make_comment(commitment, body="RUDE-Q")

    other = make_comment(commitment, phase=Phase.CONSULTATION, body="CONSULT-C")
    assert listed(client, "phase=implementation") == {waiting, rude}
    assert listed(client, "phase=consultation") == {other}

    data = {"action": "publish", "_selected_action": [waiting.pk]}
    assert client.post(reverse(CHANGELIST), data).status_code == 302
    assert fresh(waiting).state == Comment.State.PUBLISHED and waiting.moderated_by == moderator

    data = {"action": "hide", "_selected_action": [rude.pk], "apply": "1", "reason": "Insulte"}
    assert client.post(reverse(CHANGELIST), data).status_code == 302
    assert fresh(rude).state == Comment.State.HIDDEN and rude.hidden_reason == "Insulte"

    assert waiting in listed(client, "queue=unanswered")
    change = reverse("admin:commitments_comment_change", args=[waiting.pk])
    reply = "Le portail ouvre en juin."
    assert client.post(change, {"official_reply": reply, "_save": "1"}).status_code == 302
    assert fresh(waiting).official_reply == reply and waiting.replied_by == moderator
    assert waiting not in listed(client, "queue=unanswered")

    html = html_of(Client(), url_of(commitment, "fr"))
    section = html[html.index('id="dialogue-heading"') :]
    assert "WAITING-Q" in section and reply in section and "RUDE-Q" not in html


def test_moderators_digest_includes_implementation_questions_marked_as_such():
    commitment = make_commitment()
    moderator = role_user(MODERATOR, commitment.plan.council, "mod-digest")
    waiting = make_comment(commitment, state=Comment.State.CONFIRMED, body="DIGEST-Q")
    assert moderators_notify() == 1
    body = mail.outbox[0].body
    assert str(waiting) in body and commitment.reference in body
    with translation.override(language_of(moderator)):
        assert gettext("question or comment during implementation") in body
    assert moderators_notify() == 0  # never twice for the same comment


def test_staff_of_another_council_does_not_see_the_implementation_questions():
    commitment = make_commitment()
    question = make_comment(commitment, state=Comment.State.CONFIRMED, body="OTHER-COUNCIL-Q")
    stranger_council = factories.CouncilFactory()
    for group, name in [(MODERATOR, "mod-elsewhere"), (COUNCIL_STAFF, "staff-elsewhere")]:
        client = logged_in(role_user(group, stranger_council, name))
        assert listed(client, "phase=implementation") == set()
        change = reverse("admin:commitments_comment_change", args=[question.pk])
        assert client.get(change).status_code == 404
        client.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [question.pk]})
        assert fresh(question).state == Comment.State.CONFIRMED


# --- the pages --------------------------------------------------------------------------------


def test_commitment_page_shows_the_conversation_beside_the_progress_with_the_form():
    commitment = make_commitment()
    factories.MilestoneFactory(commitment=commitment)
    make_comment(commitment, body="IMPL-Q", official_reply="REPONSE-OFFICIELLE")
    make_comment(commitment, phase=Phase.CONSULTATION, body="CONSULT-C")
    make_comment(commitment, state=Comment.State.CONFIRMED, body="UNMODERATED-Q")
    for language in ("ar", "fr"):
        html = html_of(Client(), url_of(commitment, language))
        with translation.override(language):
            dialogue_heading = gettext(DIALOGUE)
            consultation_heading = gettext("Comments during the consultation")
        assert escape(dialogue_heading) in html and escape(consultation_heading) in html
        milestones = html.index('id="milestones-heading"')
        dialogue = html.index('id="dialogue-heading"')
        assessments = html.index('id="assessments-heading"')
        consultation = html.index('id="comments-heading"')
        # Beside the progress (after milestones and indicators), before the older consultation.
        assert milestones < dialogue < assessments < consultation
        section = html[dialogue:assessments]
        assert "IMPL-Q" in section and "REPONSE-OFFICIELLE" in section
        assert 'class="comment-form"' in section and "CONSULT-C" not in section
        assert "CONSULT-C" in html[consultation:] and "UNMODERATED-Q" not in html
        assert html.count('class="comment-form"') == 2  # the new question and a reply to IMPL-Q
        assert 'class="comment-form"' not in html[consultation:]


def test_commitment_page_of_implemented_plan_without_consultation_comments_hides_that_section():
    commitment = make_commitment()
    html = html_of(Client(), url_of(commitment, "fr"))
    assert 'id="dialogue-heading"' in html and 'id="comments-heading"' not in html
    assert escape(translated("No question or comment yet.", "fr")) in html


def test_commitment_page_of_closed_plan_shows_the_conversation_read_only():
    commitment = make_commitment(Stage.CLOSED)
    make_comment(commitment, body="KEPT-Q")
    html = html_of(Client(), url_of(commitment, "fr"))
    section = html[html.index('id="dialogue-heading"') :]
    assert "KEPT-Q" in section and 'class="comment-form"' not in html
    msgid = (
        "This plan is closed: the conversation stays readable, but it takes no new question or "
        "comment."
    )
    assert escape(translated(msgid, "fr")) in section


def test_commitment_page_of_closed_plan_without_dialogue_has_no_dialogue_section():
    html = html_of(Client(), url_of(make_commitment(Stage.CLOSED), "fr"))
    assert 'id="dialogue-heading"' not in html and 'id="comments-heading"' in html


def test_plan_page_in_implementation_says_where_to_ask():
    commitment = make_commitment()
    html = html_of(Client(), url_of(commitment.plan, "fr"))
    assert escape(translated("Choose a commitment", "fr")) in html
    assert re.search(r'<a href="#commitments-heading">', html)
    assert commitment.get_absolute_url() in html or url_of(commitment, "fr") in html
    assert 'class="comment-form"' not in html


def test_plan_page_in_consultation_has_no_implementation_line():
    today = timezone.localdate()
    commitment = make_commitment(
        Stage.CONSULTATION, consultation_opens_on=today - DAY, consultation_closes_on=today + DAY
    )
    html = html_of(Client(), url_of(commitment.plan, "fr"))
    assert escape(translated("Choose a commitment", "fr")) not in html


def test_arabic_commitment_page_is_right_to_left_with_isolated_user_text():
    commitment = make_commitment()
    make_comment(commitment, author_name="Youssef", body="Is the portal online?")
    html = html_of(Client(), url_of(commitment, "ar"))
    assert re.search(r'<html[^>]* dir="rtl"', html)
    section = html[html.index('id="dialogue-heading"') :]
    assert "<bdi>Youssef</bdi>" in section
    assert '<div class="comment-body" dir="auto">Is the portal online?</div>' in section
    assert re.search(r'<input[^>]*type="email"[^>]*dir="ltr"', section)  # the e-mail field


def _page_queries(django_assert_max_num_queries, url, bound):
    cache.clear()
    with django_assert_max_num_queries(bound) as captured:
        response = Client().get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_commitment_page_queries_do_not_grow_with_the_conversation(django_assert_max_num_queries):
    commitment = make_commitment()
    factories.MilestoneFactory(commitment=commitment)
    first = make_comment(commitment, body="ONE")
    make_comment(commitment, phase=Phase.CONSULTATION, body="ONE-CONSULT")
    url = url_of(commitment, "fr")
    few = _page_queries(django_assert_max_num_queries, url, 40)

    for n in range(6):
        question = make_comment(commitment, body=f"Q{n}", official_reply=f"R{n}")
        for m in range(3):
            make_comment(commitment, parent=question, body=f"Q{n}-reply{m}")
        make_comment(commitment, phase=Phase.CONSULTATION, body=f"C{n}")
        make_comment(commitment, phase=Phase.CONSULTATION, parent=None, body=f"C{n}-bis")
    make_comment(commitment, parent=first, body="ONE-reply")
    many = _page_queries(django_assert_max_num_queries, url, few)
    assert many == few
    html = html_of(Client(), url)
    assert "Q5-reply2" in html and "C5-bis" in html


def test_cached_commitment_page_gives_every_reader_a_working_form(client):
    commitment = make_commitment()
    url = url_of(commitment, "fr")
    first = Client(enforce_csrf_checks=True)
    html_of(first, url)
    reader = Client(enforce_csrf_checks=True)
    html = html_of(reader, url)  # from the cache
    assert CSRF_PLACEHOLDER not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = reader.post(post_url(commitment, "fr"), form_data(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert Comment.objects.get().phase == Phase.IMPLEMENTATION


def test_commitment_page_shows_second_page_of_the_conversation():
    commitment = make_commitment()
    for n in range(21):
        make_comment(commitment, body=f"PAGED-{n:02d}")
    url = url_of(commitment, "fr")
    assert "PAGED-20" not in html_of(Client(), url)
    html = html_of(Client(), url + "?questions=2")
    assert "PAGED-20" in html and "PAGED-00" not in html


# --- open data --------------------------------------------------------------------------------


def test_open_data_comments_carry_their_phase():
    commitment = make_commitment()
    make_comment(commitment, body="API-IMPL")
    make_comment(commitment, phase=Phase.CONSULTATION, body="API-CONSULT")
    response = Client().get(reverse("api:comment-list"), {"phase": "implementation"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(c["body"], c["phase"]) for c in results] == [("API-IMPL", "implementation")]

    response = Client().get(reverse("opendata_dataset", args=["comments", "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {(row["body"], row["phase"]) for row in rows} == {
        ("API-IMPL", "implementation"),
        ("API-CONSULT", "consultation"),
    }
