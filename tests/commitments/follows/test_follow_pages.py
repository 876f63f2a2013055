"""Following by e-mail, through the public pages: the Follow form on a council, a plan and a
commitment; the confirmation e-mail and its link; the manage page; the unsubscribe link and the
RFC 8058 one-click POST; refusals (private plans, bad input, robots, rate limits)."""

import re
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from commitments.follows import links
from commitments.models import Follow, Subscriber
from consultations.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db

EMAIL = "Nadia.Follower@example.org"
STRANGER_TEXT = "<b>Cliquez ici http://evil.example</b>"


@pytest.fixture(autouse=True)
def _fresh_counters():
    caches["counters"].clear()
    caches["default"].clear()
    yield
    caches["counters"].clear()


@pytest.fixture
def plan():
    return factories.ActionPlanFactory(
        stage=ActionPlan.Stage.IMPLEMENTATION,
        title_ar="خطة عمل طنجة المفتوحة",
        title_fr="Plan ouvert de Tanger",
    )


@pytest.fixture
def commitment(plan):
    return factories.CommitmentFactory(
        plan=plan, reference="TTA-01", title_ar="نشر الميزانية", title_fr="Publier le budget"
    )


def in_language(language, name, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def follow_plan_url(plan, language="ar") -> str:
    return in_language(language, "commitments:follow_plan", plan.council.slug, plan.start_year)


def form(**over) -> dict:
    data = {"email": EMAIL, "frequency": "immediate", "consent": "on", "website": "", **over}
    return {key: value for key, value in data.items() if value is not None}


def only_link(message) -> str:
    """The path of the one confirmation link of a confirmation e-mail (checked in both parts)."""
    found = re.findall(r"https?://[^\s<>\"]+/follow/confirm/[^\s<>\"]+", message.body)
    assert len(found) == 1, message.body
    html = message.alternatives[0][0]
    assert found[0] in html
    return urlsplit(found[0]).path


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """POST as the browser does, running what the request queued on commit (the e-mail)."""

    def post(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return post


@pytest.fixture
def request_follow(send):
    def request(client, url, **over):
        response = send(client, url, form(**over))
        assert response.status_code == 302, response.content.decode()[:3000]
        return response

    return request


# --- asking to follow and confirming --------------------------------------------------------------


def test_follow_request_mails_a_link_that_confirms_only_on_post(client, plan, request_follow):
    response = request_follow(client, follow_plan_url(plan))
    assert urlsplit(response["Location"]).path == in_language("ar", "commitments:follow_sent")
    assert client.get(response["Location"]).status_code == 200

    follow = Follow.objects.get()
    assert follow.plan == plan and follow.state == Follow.State.PENDING
    assert follow.language == "ar" and follow.consent_at is not None
    assert follow.subscriber.mailbox == "nadia.follower@example.org"
    assert follow.confirmation_sent_at is not None
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert "خطة عمل طنجة المفتوحة" in message.subject
    # The link is only in the e-mail, never on the pages the requester sees.
    path = only_link(message)
    assert path.startswith("/ar/follow/confirm/")
    assert path not in client.get(response["Location"]).content.decode()
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert 'dir="rtl"' in html and 'lang="ar"' in html

    page = client.get(path)
    assert page.status_code == 200
    assert '<form method="post">' in page.content.decode()
    follow.refresh_from_db()
    assert follow.state == Follow.State.PENDING, "a GET (a mail scanner) confirms nothing"

    assert client.post(path).status_code == 200
    follow.refresh_from_db()
    subscriber = follow.subscriber
    assert follow.state == Follow.State.ACTIVE and follow.confirmed_at is not None
    assert subscriber.confirmed_at is not None and subscriber.language == "ar"
    first_confirmed = follow.confirmed_at

    again = client.post(path)
    assert again.status_code == 200
    follow.refresh_from_db()
    assert follow.confirmed_at == first_confirmed, "confirming twice changes nothing"
    assert len(mail.outbox) == 1


def test_follow_request_in_french_mails_in_french_left_to_right(client, commitment, request_follow):
    url = in_language(
        "fr",
        "commitments:follow_commitment",
        commitment.plan.council.slug,
        commitment.plan.start_year,
        commitment.reference,
    )
    request_follow(client, url, frequency="weekly")
    follow = Follow.objects.get()
    assert follow.commitment == commitment and follow.frequency == Follow.Frequency.WEEKLY
    [message] = mail.outbox
    assert "Publier le budget" in message.subject and "TTA-01" in message.body
    assert only_link(message).startswith("/fr/follow/confirm/")
    assert 'dir="ltr"' in message.alternatives[0][0]
    # Absolute links, built from SITE_URL.
    assert re.search(r"https?://\S+/fr/councils/", message.body)


def test_follow_council_page_request_is_saved(client, request_follow):
    council = factories.CouncilFactory()
    request_follow(client, in_language("fr", "commitments:follow_council", council.slug))
    assert Follow.objects.get().council == council
    assert len(mail.outbox) == 1


def test_confirmation_mail_carries_no_text_a_stranger_typed(client, plan, request_follow):
    factories.CommentFactory(plan=plan, body=STRANGER_TEXT, author_name=STRANGER_TEXT)
    request_follow(client, follow_plan_url(plan, "fr"), email=EMAIL)
    [message] = mail.outbox
    text = message.subject + message.body + message.alternatives[0][0]
    assert "evil.example" not in text and "Cliquez" not in text
    assert str(plan.title_fr) in text


def test_follow_of_a_plan_in_preparation_is_not_found(client, plan):
    ActionPlan.objects.filter(pk=plan.pk).update(stage=ActionPlan.Stage.PREPARATION)
    response = client.post(follow_plan_url(plan), form())
    assert response.status_code == 404
    assert not Follow.objects.exists() and not mail.outbox


def test_follow_of_a_missing_commitment_or_council_is_not_found(client, plan):
    url = in_language(
        "ar", "commitments:follow_commitment", plan.council.slug, plan.start_year, "NOPE"
    )
    assert client.post(url, form()).status_code == 404
    assert (
        client.post(in_language("ar", "commitments:follow_council", "nope"), form()).status_code
        == 404
    )
    assert not Subscriber.objects.exists()


def test_follow_endpoints_refuse_get(client, plan):
    assert client.get(follow_plan_url(plan)).status_code == 405


@pytest.mark.parametrize(
    ("over", "field_error"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": '"a b"@example.org'}, "email"),
        ({"consent": None}, "consent"),
        ({"frequency": "hourly"}, "frequency"),
    ],
)
def test_bad_follow_input_shows_the_form_again_with_an_error(client, plan, over, field_error):
    response = client.post(follow_plan_url(plan, "fr"), form(**over))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="err_follow_{field_error}"' in page
    assert 'class="follow" id="follow" open' in page
    assert not Follow.objects.exists() and not Subscriber.objects.exists() and not mail.outbox


def test_honeypot_filled_saves_nothing(client, plan):
    response = client.post(follow_plan_url(plan), form(website="http://spam.example"))
    assert response.status_code == 429
    assert not Follow.objects.exists() and not mail.outbox


def test_rate_limit_counts_only_valid_requests(client, plan, settings, request_follow):
    settings.COMMENT_RATE_LIMITS = {**settings.COMMENT_RATE_LIMITS, "per_ip": 2}
    for _ in range(5):  # invalid requests cost nothing
        assert client.post(follow_plan_url(plan), form(consent=None)).status_code == 400
    request_follow(client, follow_plan_url(plan), email="one@example.org")
    request_follow(client, follow_plan_url(plan), email="two@example.org")
    refused = client.post(follow_plan_url(plan), form(email="three@example.org"))
    assert refused.status_code == 429
    assert "three@example.org" not in Subscriber.objects.values_list("email", flat=True)
    assert Follow.objects.count() == 2


def test_request_again_while_pending_sends_a_fresh_link_and_active_stays_silent(
    client, plan, request_follow
):
    request_follow(client, follow_plan_url(plan))
    request_follow(client, follow_plan_url(plan, "fr"), email="nadia.follower+x@Example.org")
    assert Follow.objects.count() == 1 and Subscriber.objects.count() == 1
    assert len(mail.outbox) == 2
    assert only_link(mail.outbox[1]).startswith("/fr/")
    follow = Follow.objects.get()
    assert follow.language == "fr"
    client.post(only_link(mail.outbox[1]))
    follow.refresh_from_db()
    assert follow.state == Follow.State.ACTIVE

    request_follow(client, follow_plan_url(plan), frequency="weekly")
    follow.refresh_from_db()
    assert follow.state == Follow.State.ACTIVE
    assert follow.frequency == Follow.Frequency.IMMEDIATE, "a stranger cannot change it"
    assert len(mail.outbox) == 2


def test_stopped_follow_requested_again_goes_back_to_pending(client, plan, request_follow):
    follow = factories.FollowFactory(
        plan=plan,
        state=Follow.State.ENDED,
        subscriber__email=EMAIL,
        subscriber__mailbox=EMAIL.lower(),
    )
    request_follow(client, follow_plan_url(plan))
    follow.refresh_from_db()
    assert follow.state == Follow.State.PENDING and follow.ended_at is None
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("tamper", ["expired", "tampered", "other_mailbox"])
def test_bad_confirmation_link_answers_400_and_changes_nothing(
    client, plan, tamper, monkeypatch, request_follow
):
    request_follow(client, follow_plan_url(plan))
    follow = Follow.objects.get()
    path = only_link(mail.outbox[0])
    if tamper == "expired":
        later = time.time() + links.CONFIRMATION_MAX_AGE + 60
        monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
    elif tamper == "tampered":
        path = path[:-4] + "AAA/"
    else:
        token = signing.dumps(
            {"f": follow.pk, "m": "0" * 16}, salt=links.CONFIRM_SALT, compress=True
        )
        path = in_language("ar", "commitments:follow_confirm", token)
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode() or "لا يعمل" in (
            response.content.decode()
        )
    follow.refresh_from_db()
    assert follow.state == Follow.State.PENDING


# --- managing and unsubscribing ------------------------------------------------------------------


def active_follows(count=2):
    subscriber = factories.SubscriberFactory(email=EMAIL, mailbox=EMAIL.lower())
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    follows = [factories.FollowFactory(subscriber=subscriber, plan=plan)]
    for _ in range(count - 1):
        follows.append(
            factories.FollowFactory(
                subscriber=subscriber, plan=None, commitment=factories.CommitmentFactory(plan=plan)
            )
        )
    return subscriber, follows


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_manage_page_lists_every_follow_and_changes_frequency_and_stops(client):
    subscriber, (plan_follow, commitment_follow) = active_follows()
    url = path_of(links.manage_url(subscriber, "fr"))
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        escape(plan_follow.plan.title_fr) in text and commitment_follow.commitment.reference in text
    )

    response = client.post(
        url, {"action": "frequency", "follow": plan_follow.pk, "frequency": "weekly"}
    )
    assert response.status_code == 303
    plan_follow.refresh_from_db()
    assert plan_follow.frequency == Follow.Frequency.WEEKLY

    client.post(url, {"action": "stop", "follow": commitment_follow.pk})
    commitment_follow.refresh_from_db()
    assert commitment_follow.state == Follow.State.ENDED and commitment_follow.ended_at
    after = client.get(url).content.decode()
    with translation.override("fr"):
        stopped = (
            translation.gettext("You no longer follow “%(title)s”.").split("%(")[0].strip(" «“")
        )
    assert stopped.strip() and stopped in after  # the message of the stop
    assert f'id="follow-{commitment_follow.pk}"' not in after
    assert f'id="follow-{plan_follow.pk}"' in after


def test_manage_page_changes_no_follow_of_another_address(client):
    subscriber, _follows = active_follows(1)
    other = factories.FollowFactory()
    url = path_of(links.manage_url(subscriber, "ar"))
    client.post(url, {"action": "stop", "follow": other.pk})
    other.refresh_from_db()
    assert other.state == Follow.State.ACTIVE


def test_manage_page_needs_the_csrf_token():
    subscriber, (follow, _other) = active_follows()
    client = Client(enforce_csrf_checks=True)
    url = path_of(links.manage_url(subscriber, "ar"))
    assert client.post(url, {"action": "stop", "follow": follow.pk}).status_code == 403
    follow.refresh_from_db()
    assert follow.state == Follow.State.ACTIVE


def test_stop_everything_rotates_the_key_and_old_links_die(client):
    subscriber, follows = active_follows()
    manage = path_of(links.manage_url(subscriber, "ar"))
    unsubscribe = path_of(links.unsubscribe_url(subscriber, [follows[0].pk], "ar"))
    old_key = subscriber.key
    response = client.post(manage, {"action": "leave"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.key != old_key
    assert set(Follow.objects.values_list("state", flat=True)) == {Follow.State.ENDED}
    assert client.get(manage).status_code == 400
    assert client.get(unsubscribe).status_code == 400
    one_click = client.post(
        unsubscribe,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 400


def test_one_click_unsubscribe_needs_no_csrf_token_nor_cookie(client):
    subscriber, (first, second) = active_follows()
    url = path_of(links.unsubscribe_url(subscriber, [first.pk], "fr"))
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "csrftoken" not in response.cookies
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == Follow.State.ENDED
    assert second.state == Follow.State.ACTIVE, "only the follows the e-mail was about"
    # Twice is harmless.
    assert (
        mail_client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    )  # multipart, as some mail clients send it


def test_unsubscribe_post_other_than_one_click_needs_the_csrf_token():
    subscriber, (first, _second) = active_follows()
    url = path_of(links.unsubscribe_url(subscriber, [first.pk], "ar"))
    client = Client(enforce_csrf_checks=True)
    for body in ({}, {"List-Unsubscribe": "One-Click", "extra": "1"}):
        assert client.post(url, body).status_code == 403
    first.refresh_from_db()
    assert first.state == Follow.State.ACTIVE


def test_unsubscribe_page_shows_a_button_and_its_post_stops(client):
    subscriber, (first, second) = active_follows()
    url = path_of(links.unsubscribe_url(subscriber, [first.pk, second.pk], "fr"))
    page = client.get(url)
    assert page.status_code == 200 and '<form method="post">' in page.content.decode()
    first.refresh_from_db()
    assert first.state == Follow.State.ACTIVE, "a GET stops nothing"
    assert client.post(url).status_code == 200
    assert set(Follow.objects.values_list("state", flat=True)) == {Follow.State.ENDED}


def test_forged_manage_and_unsubscribe_links_answer_400(client):
    subscriber, (follow, _other) = active_follows()
    forged = signing.dumps({"s": subscriber.pk, "k": "0" * 32}, salt=links.MANAGE_SALT)
    assert client.get(in_language("ar", "commitments:follow_manage", forged)).status_code == 400
    forged = signing.dumps({"s": subscriber.pk, "k": subscriber.key, "f": [follow.pk]}, salt="x")
    assert (
        client.get(in_language("ar", "commitments:follow_unsubscribe", forged)).status_code == 400
    )


# --- the form on the pages -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["council", "plan", "commitment"])
def test_follow_form_on_the_page_and_queries_do_not_grow_per_follower(
    client, commitment, kind, django_assert_max_num_queries
):
    plan = commitment.plan
    target = {"council": plan.council, "plan": plan, "commitment": commitment}[kind]
    with translation.override("fr"):
        url = target.get_absolute_url()
    page = client.get(url).content.decode()
    action = {
        "council": in_language("fr", "commitments:follow_council", plan.council.slug),
        "plan": follow_plan_url(plan, "fr"),
        "commitment": in_language(
            "fr", "commitments:follow_commitment", plan.council.slug, plan.start_year, "TTA-01"
        ),
    }[kind]
    assert f'action="{action}"' in page
    assert "09-08" in page and 'name="website"' in page

    caches["default"].clear()
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(5):
        factories.FollowFactory(**{"plan": None, kind: target})
    caches["default"].clear()
    with django_assert_max_num_queries(len(before)):
        assert client.get(url).status_code == 200


def test_follow_form_on_a_cached_page_gets_each_readers_csrf_token(plan):
    with translation.override("ar"):
        url = plan.get_absolute_url()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for reader in (first, second):
        page = reader.get(url).content.decode()
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
        response = reader.post(
            follow_plan_url(plan),
            {**form(email=f"r{len(tokens)}@example.org"), "csrfmiddlewaretoken": tokens[-1]},
        )
        assert response.status_code == 302
    assert tokens[0] != tokens[1]
    assert Follow.objects.count() == 2
