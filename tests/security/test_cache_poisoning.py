"""The shared page cache can be neither poisoned nor flooded (issue 15, findings 6 and 7).

- Poisoning: a request with another port in its Host header (allowed: Django checks the host,
  not the port) is answered first; the next reader's copy, from the cache, must carry no link
  built from it. Every absolute link (API url/next/previous, hreflang alternates, the canonical
  link, the Atom feed) is under SITE_URL.
- Pollution: random unknown parameters and random Accept values make no cache entry (counted in
  the real Redis); the API refuses unknown parameters; known ones in another order, or written
  otherwise ("02", "a  b"), are one entry.
- The page cache and the rate-limit counters are separate caches (where each lives is a
  settings test, tests/opengov/test_settings.py); docker-compose.yml caps and evicts only the
  page cache's Redis."""

import datetime
import random
import re
import uuid
from pathlib import Path

import pytest
import yaml
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commitments.models import PlanDocument, PlanPublication
from consultations.models import ActionPlan, Proposal
from opengov import dataversion
from opengov.cache import RedisCache
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://portal.infitah.test"
POISON = "127.0.0.1:9999"
API = "/api/v1/"
ABSOLUTE = re.compile(r"https?://[^\s\"'<>]+")
NAMESPACE = re.compile(r'xmlns(:\w+)?="[^"]*"')  # a name, not a link (Atom, SVG)


@pytest.fixture
def site(settings):
    """SITE_URL differs from every host the requests name; 127.0.0.1 is an allowed host, so
    127.0.0.1:9999 passes Django's host check as it would in production."""
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    return settings


@pytest.fixture
def plan():
    today = timezone.localdate()
    plan = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.CONSULTATION,
        consultation_opens_on=today - datetime.timedelta(days=1),
        consultation_closes_on=today + datetime.timedelta(days=10),
        council__slug="poison-region",
    )
    workshop = factories.WorkshopFactory(council=plan.council, plan=plan)
    group = factories.WorkingGroupFactory(workshop=workshop)
    proposals = [
        factories.ProposalFactory(working_group=group, status=Proposal.Status.RETAINED)
        for _ in range(3)
    ]
    commitment = factories.CommitmentFactory(plan=plan, reference="PZ-01")
    commitment.source_proposals.add(*proposals)
    factories.MilestoneFactory(
        commitment=commitment, status="completed", completed_on=datetime.date(2024, 6, 1)
    )
    factories.CouncilFactory(slug="poison-other")
    publication = PlanPublication.objects.create(
        plan=plan, version=1, status=PlanPublication.Status.DONE
    )
    PlanDocument.objects.create(
        plan=plan,
        publication=publication,
        language="ar",
        version=1,
        file=f"plans/poison-{plan.pk}.pdf",
        sha256="a" * 64,
        size=10,
        generated_at=timezone.now(),
        is_current=True,
    )
    dataversion.bump()
    return plan


def _page_paths(plan) -> list[str]:
    commitment = plan.commitments.get()
    return [
        reverse("home"),
        reverse("consultations:councils") + "?page=1",
        reverse("consultations:proposals") + "?q=x",
        plan.council.get_absolute_url(),
        plan.get_absolute_url(),
        commitment.get_absolute_url(),
    ]


def _api_paths(plan) -> list[str]:
    return [
        f"{API}councils/?page_size=1",
        f"{API}plans/{plan.pk}/",
        f"{API}commitments/",
        f"{API}proposals/?page_size=1",
        f"{API}workshops/",
        API,
    ]


def _feed_path(plan) -> str:
    return reverse("commitments:plan_feed", args=[plan.council.slug, plan.start_year])


def _api_links(data) -> list[str]:
    """Every link of an API answer, at any depth (url, next, previous, documents' url), but a
    council's own `website`, which is the council's, not the portal's."""
    if isinstance(data, list):
        return [link for item in data for link in _api_links(item)]
    if isinstance(data, dict):
        return [
            link for key, value in data.items() if key != "website" for link in _api_links(value)
        ]
    return [data] if isinstance(data, str) and data.startswith(("http:", "https:")) else []


def test_another_port_in_host_never_reaches_the_next_readers_links(site, plan):
    paths = [*_page_paths(plan), *_api_paths(plan), _feed_path(plan)]
    for path in paths:
        poisoned = Client().get(path, HTTP_HOST=POISON)
        assert poisoned.status_code == 200, path
        assert POISON.encode() not in poisoned.content, path
    for path in paths:
        answer = Client().get(path)
        assert answer.status_code == 200, path
        if path.startswith(API):
            links = _api_links(answer.json())
        else:
            links = ABSOLUTE.findall(NAMESPACE.sub("", answer.content.decode()))
        assert links, path  # every answer here has links to check
        outside = [link for link in links if not link.startswith(f"{SITE}/")]
        assert outside == [], path


def test_pages_name_their_alternates_and_canonical_under_site_url(site, plan):
    Client().get(plan.get_absolute_url(), HTTP_HOST=POISON)
    html = Client().get(plan.get_absolute_url() + "?comments=1").content.decode()
    links = dict(re.findall(r'<link rel="alternate" hreflang="([-\w]+)" href="([^"]+)"', html))
    assert links == {
        "ar": f"{SITE}{plan.get_absolute_url()}",
        "fr": f"{SITE}{plan.get_absolute_url().replace('/ar/', '/fr/', 1)}",
        "x-default": f"{SITE}{plan.get_absolute_url()}",
    }
    # Only `page` names a page of its own: the comments' pages name the plan's page.
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)"', html)
    assert canonical == [f"{SITE}{plan.get_absolute_url()}"]
    # An unknown parameter is not part of the page's name.
    html = Client().get(plan.get_absolute_url() + "?utm_source=x").content.decode()
    assert re.findall(r'<link rel="canonical" href="([^"]+)"', html) == [
        f"{SITE}{plan.get_absolute_url()}"
    ]


def test_api_next_links_and_feed_are_under_site_url(site, plan):
    poisoned = Client().get(f"{API}councils/", {"page_size": 1}, HTTP_HOST=POISON).json()
    assert poisoned["next"].startswith(f"{SITE}{API}councils/?")
    again = Client().get(f"{API}councils/", {"page_size": 1}).json()
    assert again["next"] == poisoned["next"]
    cursor = Client().get(f"{API}proposals/", {"page_size": 1}, HTTP_HOST=POISON).json()
    assert cursor["next"].startswith(f"{SITE}{API}proposals/?cursor=")
    root = Client().get(API, HTTP_HOST=POISON).json()
    assert root["councils"] == f"{SITE}{API}councils/"
    feed = Client().get(_feed_path(plan), HTTP_HOST=POISON).content.decode()
    hrefs = re.findall(r'href="([^"]+)"', feed)
    assert f"{SITE}{_feed_path(plan)}" in hrefs
    assert f"{SITE}{plan.commitments.get().get_absolute_url()}" in hrefs
    assert all(href.startswith(f"{SITE}/") for href in hrefs), hrefs


# --- pollution ----------------------------------------------------------------------------------


def _redis_keys() -> set[bytes]:
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        pytest.skip("REDIS_URL is not set: local-memory cache")
    return set(cache._cache.get_client().scan_iter(match=f"{cache.key_prefix}:*", count=1000))


def _junk_accept(rng: random.Random) -> str:
    word = f"{rng.getrandbits(40):x}"
    return rng.choice(
        [
            f"application/json; q=0.{rng.randint(1, 9)}",
            f"*/*; q=0.{rng.randint(1, 9)}",
            f"application/json; indent={rng.randint(0, 8)}",
            f"application/json; charset={word}",
            f"text/x-{word}",
            f"application/json, text/{word};q=0.1",
        ]
    )


def test_random_parameters_and_accept_values_make_no_cache_entry(plan):
    pages, api = _page_paths(plan), [p for p in _api_paths(plan) if p != API]
    for path in [*pages, *api]:  # warm: the plain pages and the data versions are stored
        assert Client().get(path).status_code == 200, path
    before = _redis_keys()
    rng = random.Random(15)
    statuses = set()
    for number in range(50):
        path = rng.choice([*pages, *api])
        junk = f"{rng.getrandbits(40):x}"
        separator = "&" if "?" in path else "?"
        response = Client().get(f"{path}{separator}x{junk}={number}", HTTP_ACCEPT=_junk_accept(rng))
        statuses.add((path.startswith(API), response.status_code))
        if path.startswith(API):
            assert response.status_code in (400, 406), path
        else:
            assert response.status_code == 200, path
        # The same with a valid query and only the Accept header random.
        Client().get(path, HTTP_ACCEPT=_junk_accept(rng))
    assert _redis_keys() == before
    assert (True, 400) in statuses and (False, 200) in statuses


def test_api_refuses_an_unknown_parameter_with_a_json_error(plan):
    response = Client().get(f"{API}councils/", {"kind": "region", "colour": "red"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert "colour" in str(detail) and "page_size" in str(detail)
    detail = Client().get(f"{API}plans/{plan.pk}/", {"page": "2"}).json()["detail"]
    assert "page" in str(detail)  # a single object is not paginated
    assert Client().get(f"{API}councils/", {"kind": "region", "format": "json"}).status_code == 200


def _queries(path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(path).status_code == 200, path
    return len(queries)


def test_known_parameters_in_another_order_share_one_entry(plan):
    council = plan.council.pk
    proposals = reverse("consultations:proposals")
    first = f"{proposals}?status=retained&q=texte&council={council}&page=1"
    before = _redis_keys()
    assert _queries(first) > 0
    stored = _redis_keys() - before
    assert len(stored) == 1
    for same in (
        f"{proposals}?page=1&council={council}&q=texte&status=retained",
        f"{proposals}?q=++texte+&council=0{council}&status=retained&page=01&kind=",
    ):
        assert _queries(same) == 0, same  # served from the one entry
    councils = f"{API}councils/?kind=region&page_size=2"
    assert _queries(councils) > 0
    assert _queries(f"{API}councils/?page_size=02&kind=region") == 0
    assert _queries(f"{API}councils/?page_size=2&kind=region&format=") == 0
    assert len(_redis_keys() - before) == 2


def test_unknown_parameter_pages_are_rendered_and_not_stored(plan):
    url = plan.get_absolute_url()
    assert _queries(url) > 0
    assert _queries(url) == 0
    before = _redis_keys()
    assert _queries(url + "?ref=abc") > 0  # rendered afresh, never from or into the cache
    assert _queries(url + "?comments=abc") > 0  # a refused value likewise
    # Tracking parameters a shared link picks up are dropped: the page's one entry answers.
    assert _queries(url + "?fbclid=abc&utm_source=whatsapp") == 0
    assert _redis_keys() == before


# --- where the caches live ----------------------------------------------------------------------


def test_emptying_the_page_cache_keeps_the_comment_rate_limits(settings):
    """A flood that evicts the whole page cache must not reset anyone's comment count."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    counters = {
        "BACKEND": "opengov.cache.RedisCache",
        "LOCATION": settings.REDIS_URL,
        "KEY_PREFIX": f"counters-{uuid.uuid4().hex[:8]}",
    }
    pages = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "flood"}
    settings.COMMENT_RATE_LIMITS = {
        "per_ip": 1,
        "per_email": 100,
        "mails_per_email": 100,
        "window": 60,
    }
    today = timezone.localdate()
    plan = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.CONSULTATION,
        consultation_opens_on=today - datetime.timedelta(days=1),
        consultation_closes_on=today + datetime.timedelta(days=1),
    )
    url = reverse("commitments:plan_comment", args=[plan.council.slug, plan.start_year])
    form = {"author_name": "Amina", "body": "Publier les budgets.", "consent": "on", "website": ""}
    with override_settings(CACHES={"default": pages, "counters": counters}):
        client = Client(REMOTE_ADDR="10.15.7.1")
        assert client.post(url, {**form, "email": "a@example.org"}).status_code == 302
        assert client.post(url, {**form, "email": "b@example.org"}).status_code == 429
        caches["default"].clear()
        assert client.post(url, {**form, "email": "c@example.org"}).status_code == 429
        caches["counters"].clear()


def test_compose_caps_and_evicts_the_page_cache_only():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    cache_command = services["redis-cache"]["command"]
    assert cache_command[cache_command.index("--maxmemory") + 1] == "256mb"
    assert cache_command[cache_command.index("--maxmemory-policy") + 1] == "allkeys-lru"
    broker_command = services["redis"]["command"]
    assert broker_command[broker_command.index("--maxmemory-policy") + 1] == "noeviction"
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["REDIS_URL"] == "redis://redis:6379/0", name
        assert environment["CACHE_REDIS_URL"] == "redis://redis-cache:6379/0", name
