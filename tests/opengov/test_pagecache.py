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
from django.utils import timezone, translation

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
            "BACKEND": "opengov.cache.RedisCache",
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


# --- the pages of one council follow that council's version ----------------------------------


@pytest.fixture
def two_councils(plan):
    """`plan` (council A) and a second public plan of another council (B), whose commitment
    comes from a proposal of A's workshop (cross-council sources are allowed)."""
    other = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    commitment = factories.CommitmentFactory(plan=other, reference="PB-01", title_fr="Voirie B")
    proposal = factories.ProposalFactory(
        working_group__workshop__council=plan.council,
        working_group__workshop__plan=plan,
        working_group__title_fr="Groupe eau",
        title_fr="Proposition eau",
    )
    commitment.source_proposals.add(proposal)
    return plan, other, proposal


def _cached(url) -> bool:
    """Whether a new reader gets the page from the cache (no query)."""
    return _queries(Client(HTTP_ACCEPT_LANGUAGE="fr"), url)[0] == 0


def _warm(*urls):
    for url in urls:
        _queries(Client(HTTP_ACCEPT_LANGUAGE="fr"), url)
        assert _cached(url), url


def _council_pages(plan):
    with translation.override("fr"):
        return [
            plan.council.get_absolute_url(),
            plan.get_absolute_url(),
            *[c.get_absolute_url() for c in plan.commitments.all()],
            reverse("commitments:progress_report", args=[plan.council.slug, plan.start_year]),
        ]


def test_a_change_in_one_council_keeps_the_other_councils_pages(two_councils):
    plan_a, plan_b, _proposal = two_councils
    pages_a, pages_b = _council_pages(plan_a), _council_pages(plan_b)
    _warm(*pages_a, *pages_b, reverse("home"))
    milestone = factories.MilestoneFactory(commitment=plan_a.commitments.get())  # deep: 3 hops
    assert all(not _cached(url) for url in pages_a)
    assert all(_cached(url) for url in pages_b)
    assert not _cached(reverse("home"))  # network pages follow every change
    _warm(*pages_a)
    milestone.delete()
    assert all(not _cached(url) for url in pages_a)
    assert all(_cached(url) for url in pages_b)


def test_a_proposal_shows_on_the_pages_of_the_commitments_it_led_to(two_councils):
    _plan_a, plan_b, proposal = two_councils
    commitment_b = _council_pages(plan_b)[2]
    _warm(commitment_b)
    assert "Proposition eau" in Client().get(commitment_b).content.decode()
    proposal.title_fr = "Proposition eau potable"
    proposal.save()
    assert "Proposition eau potable" in Client().get(commitment_b).content.decode()
    group = proposal.working_group
    group.title_fr = "Groupe eau et assainissement"
    group.save()
    assert "Groupe eau et assainissement" in Client().get(commitment_b).content.decode()
    proposal.delete()  # the link goes with it: found before the delete
    page = Client().get(commitment_b).content.decode()
    assert "Proposition eau" not in page


def test_a_theme_or_council_change_reaches_every_councils_pages(two_councils):
    plan_a, plan_b, _proposal = two_councils
    pages = _council_pages(plan_a) + _council_pages(plan_b)
    _warm(*pages)
    factories.ThemeFactory()
    assert all(not _cached(url) for url in pages)
    _warm(*pages)
    plan_b.council.name_fr = "Commune renommée"
    plan_b.council.save()
    assert all(not _cached(url) for url in pages)


def test_linking_sources_reaches_every_page(two_councils):
    plan_a, plan_b, proposal = two_councils
    pages = _council_pages(plan_a) + _council_pages(plan_b)
    _warm(*pages)
    plan_a.commitments.get().source_proposals.add(proposal)
    assert all(not _cached(url) for url in pages)


def test_a_row_moved_to_another_council_leaves_no_stale_page_behind(two_councils):
    plan_a, plan_b, _proposal = two_councils
    commitment = plan_a.commitments.get()
    with translation.override("fr"):
        page_a = plan_a.get_absolute_url()
    _warm(page_a, *_council_pages(plan_b))
    assert commitment.title_fr in Client().get(page_a).content.decode()
    commitment.plan = plan_b
    commitment.save()
    assert commitment.title_fr not in Client().get(page_a).content.decode()
    assert not _cached(_council_pages(plan_b)[1])


def test_tracking_parameters_are_dropped_before_the_query_is_checked():
    from django.http import QueryDict

    from opengov.pagecache.params import without_tracking

    shared = QueryDict("page=2&utm_source=whatsapp&utm_campaign=x&fbclid=IwAR0&gclid=1")
    assert without_tracking(shared).urlencode() == "page=2"
    plain = QueryDict("page=2&ref=x")
    assert without_tracking(plain) is plain  # nothing to drop: the same query, no copy
