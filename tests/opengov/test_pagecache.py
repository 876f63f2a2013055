"""Public pages served from the Redis cache until the data changes (opengov.pagecache): no query
on a hit, invalidation by any public change, readers' own CSRF tokens, conditional GET, and
pages still served when Redis is down."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commitments.models import Comment
from consultations.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def plan():
    today = timezone.localdate()
    plan = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.CONSULTATION,
        consultation_opens_on=today - datetime.timedelta(days=1),
        consultation_closes_on=today + datetime.timedelta(days=10),
    )
    factories.CommitmentFactory(plan=plan, reference="PC-01", title_ar="التزام أول")
    return plan


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _urls(plan):
    return [
        reverse("home"),
        plan.council.get_absolute_url(),
        plan.get_absolute_url(),
        plan.commitments.get().get_absolute_url(),
        reverse("consultations:proposals") + "?q=test",
        reverse("commitments:progress_report", args=[plan.council.slug, plan.start_year]),
    ]


def test_a_second_reader_costs_no_query(plan):
    for url in _urls(plan):
        first, _ = _queries(Client(), url)
        again, response = _queries(Client(), url)
        assert first > 0, url
        assert again == 0, url
        assert response["Cache-Control"] in {"public, max-age=60", "private, no-cache"}


def test_a_public_change_shows_at_once(plan):
    commitment = plan.commitments.get()
    url = commitment.get_absolute_url()
    assert "التزام أول" in Client().get(url).content.decode()
    commitment.title_ar = "التزام معدل"
    commitment.save()
    assert "التزام معدل" in Client().get(url).content.decode()


def test_a_new_comment_waiting_for_confirmation_keeps_the_cache(plan):
    url = plan.get_absolute_url()
    _queries(Client(), url)
    comment = Comment.objects.create(
        plan=plan,
        author_name="Amina",
        email="amina@example.org",
        body="Un avis",
        language="fr",
        consent_at=timezone.now(),
    )
    assert comment.state == Comment.State.PENDING
    assert _queries(Client(), url)[0] == 0
    # Its confirmation e-mail going out, and its confirmation into the moderation queue, are not
    # public changes either.
    comment.confirmation_sent_at = timezone.now()
    comment.save(update_fields=["confirmation_sent_at", "updated_at"])
    comment.state = Comment.State.CONFIRMED
    comment.save()
    assert _queries(Client(), url)[0] == 0
    comment.state = Comment.State.PUBLISHED
    comment.save()
    count, response = _queries(Client(), url)
    assert count > 0
    assert "Un avis" in response.content.decode()


def test_each_reader_gets_a_working_token_of_their_own(plan):
    url = plan.get_absolute_url()
    Client().get(url)  # now cached
    readers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for number, reader in enumerate(readers):
        count, response = _queries(reader, url)
        assert count == 0
        (token,) = set(TOKEN.findall(response.content.decode()))
        tokens.append(token)
        posted = reader.post(
            reverse("commitments:plan_comment", args=[plan.council.slug, plan.start_year]),
            {
                "author_name": "Reader",
                "email": f"reader{number}@example.org",
                "body": "Avis depuis une page en cache",
                "consent": "on",
                "website": "",
                "csrfmiddlewaretoken": token,
            },
        )
        assert posted.status_code == 302, posted.content[:300]
    assert tokens[0] != tokens[1]
    assert Comment.objects.filter(plan=plan).count() == 2


def test_a_reader_with_a_message_or_session_gets_a_fresh_page(plan, admin_client):
    url = plan.get_absolute_url()
    _queries(Client(), url)
    assert _queries(admin_client, url)[0] > 0
    reader = Client()
    reader.cookies["messages"] = "x"
    assert _queries(reader, url)[0] > 0


def test_conditional_get(plan):
    url = plan.council.get_absolute_url()
    first = Client().get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert Client().get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    plan.council.name_fr = "Conseil renommé"
    plan.council.save()
    changed = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    # Missing pages are never 304.
    missing = reverse("consultations:council", args=["nowhere"])
    assert Client().get(missing, HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_languages_are_cached_apart(plan):
    url = plan.get_absolute_url()
    arabic = Client().get(url).content.decode()
    french = Client().get(url.replace("/ar/", "/fr/", 1)).content.decode()
    assert 'lang="ar"' in arabic and 'lang="fr"' in french


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
)
def test_pages_are_served_when_redis_is_down(plan):
    for url in _urls(plan):
        response = Client().get(url)
        assert response.status_code == 200, url


@override_settings(PAGE_CACHE_SECONDS=0)
def test_the_page_cache_can_be_turned_off(plan):
    url = plan.get_absolute_url()
    _queries(Client(), url)
    assert _queries(Client(), url)[0] > 0


def test_hiding_a_published_comment_shows_at_once(plan):
    comment = Comment.objects.create(
        plan=plan,
        author_name="Amina",
        email="amina@example.org",
        body="Un avis visible",
        language="fr",
        consent_at=timezone.now(),
        state=Comment.State.PUBLISHED,
        published_at=timezone.now(),
    )
    url = plan.get_absolute_url()
    assert "Un avis visible" in Client().get(url).content.decode()
    comment.state = Comment.State.HIDDEN
    comment.hidden_reason = "Hors sujet"
    comment.save()
    assert "Un avis visible" not in Client().get(url).content.decode()
