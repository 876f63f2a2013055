"""Single-flight rebuilds and bounded stale answers (opengov.pagecache): concurrent readers of an
expired page cause one render, network pages are served stale (with their own validators and
an Age) while one request rebuilds them and never beyond NETWORK_STALE_SECONDS, a council's own
change is on its pages at the next read, a renderer that died frees the page when its lock
expires, and Redis down still answers. Renders are counted in the view under test."""

import threading
import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import translation

from commitments.models import Commitment
from consultations.models import ActionPlan
from opengov import dataversion
from opengov.pagecache import cached_page, flight
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

STALE_SECONDS = 30
READERS = 6
PATIENCE = 20  # seconds before a test gives up waiting for its threads (a failure, not a hang)


class Renders:
    """What the view under test renders, how often, and when it may finish."""

    def __init__(self):
        self.count = 0
        self.body = "version one"
        self.crash = False
        self.started = threading.Event()
        self.go = threading.Event()
        self.go.set()
        self._lock = threading.Lock()

    def __call__(self, request):
        with self._lock:
            self.count += 1
            body = self.body
        self.started.set()
        self.go.wait(PATIENCE)
        if self.crash:
            raise RuntimeError("renderer died")
        return HttpResponse(f"<p>{body}</p>")


RENDERS = Renders()


@cached_page
def counted(request):
    return RENDERS(request)


urlpatterns = [path("counted/", counted, name="counted")]


@pytest.fixture(autouse=True)
def renders(settings):
    global RENDERS
    cache.clear()  # no lock or page left by another test
    RENDERS = Renders()
    settings.PAGE_RENDER_WAIT_SECONDS = PATIENCE
    return RENDERS


@pytest.fixture
def stale_bound(settings):
    """Network pages may be stale for STALE_SECONDS (set before any bump: bumps record when a
    version was replaced only while the bound is on)."""
    settings.NETWORK_STALE_SECONDS = STALE_SECONDS
    dataversion.bump()


@pytest.fixture
def clock(monkeypatch):
    """Moves the page cache's clock on (the data versions keep the real time)."""

    class Clock:
        offset = 0.0

        def now(self):
            return time.time() + self.offset

    moved = Clock()
    monkeypatch.setattr(flight, "_now", moved.now)
    return moved


@pytest.fixture
def waiters(monkeypatch):
    """The threads that paused while polling a render lock (they waited for another render)."""
    seen: set[int] = set()
    pause = flight._pause

    def recorded(seconds):
        seen.add(threading.get_ident())
        pause(seconds)

    monkeypatch.setattr(flight, "_pause", recorded)
    return seen


def _get(url="/counted/", **headers):
    return Client().get(url, **headers)


def _in_thread(results: list, url="/counted/"):
    def read():
        from django.db import connection

        try:
            results.append(_get(url))
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    return thread


def _until(condition, what):
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_concurrent_readers_of_an_uncached_page_cause_one_render(renders, waiters):
    renders.go.clear()
    results: list = []
    threads = [_in_thread(results)]
    _until(renders.started.is_set, "the first reader to render")
    threads += [_in_thread(results) for _ in range(READERS - 1)]
    _until(lambda: len(waiters) == READERS - 1, "the other readers to wait for that render")
    renders.go.set()
    for thread in threads:
        thread.join(PATIENCE)
    assert renders.count == 1
    assert sorted(r["X-Cache"] for r in results) == ["miss"] + ["wait"] * (READERS - 1)
    assert {r.content for r in results} == {b"<p>version one</p>"}
    assert len({r["ETag"] for r in results}) == 1


def test_a_changed_network_page_is_served_stale_while_one_request_rebuilds_it(
    renders, stale_bound, clock
):
    first = _get()
    assert first["X-Cache"] == "miss"
    dataversion.bump()
    clock.offset = STALE_SECONDS / 2  # old enough to be rebuilt, still within the bound
    renders.body, renders.started = "version two", threading.Event()
    renders.go.clear()
    results: list = []
    rebuilder = _in_thread(results)
    _until(renders.started.is_set, "one reader to rebuild")
    for _ in range(READERS - 1):
        stale = _get()
        assert stale["X-Cache"] == "stale"
        assert stale.content == b"<p>version one</p>"
        assert stale["ETag"] == first["ETag"]
        assert stale["Last-Modified"] == first["Last-Modified"]
        assert int(stale["Age"]) >= STALE_SECONDS / 2
        assert stale["Cache-Control"] == "public, max-age=0"
    # A reader holding the stale content revalidates against the stale validators.
    revalidated = _get(HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304
    assert revalidated["ETag"] == first["ETag"]
    renders.go.set()
    rebuilder.join(PATIENCE)
    # The rebuilding reader was answered stale too, before the page was rendered again.
    (answered,) = results
    assert (answered["X-Cache"], answered.content) == ("stale", b"<p>version one</p>")
    after = _get(HTTP_IF_NONE_MATCH=first["ETag"])
    assert (after.status_code, after["X-Cache"]) == (200, "hit")
    assert after.content == b"<p>version two</p>"
    assert after["ETag"] != first["ETag"]
    assert "Age" not in after
    assert renders.count == 2


def test_the_rebuild_starts_only_once_the_stale_answer_is_sent(renders, stale_bound, clock):
    """The reader that owns the rebuild is not kept waiting for it: the answer is complete
    (its content and headers final) before the page is rendered, which happens when the
    server closes the response."""
    from django.test import RequestFactory

    _get()
    dataversion.bump()
    clock.offset = STALE_SECONDS / 2
    renders.body = "version two"
    request = RequestFactory().get("/counted/")
    with translation.override("ar"):
        response = counted(request)
        assert (response["X-Cache"], response.content) == ("stale", b"<p>version one</p>")
        assert renders.count == 1  # not rendered yet: the response is not closed
        assert _get()["X-Cache"] == "stale"  # the page is held by its rebuilder meanwhile
        response.close()
    assert renders.count == 2
    assert (_get()["X-Cache"], _get().content) == ("hit", b"<p>version two</p>")


def test_a_failed_rebuild_is_logged_frees_the_page_and_the_next_reader_rebuilds(
    renders, stale_bound, clock, caplog
):
    _get()
    dataversion.bump()
    clock.offset = STALE_SECONDS / 2
    renders.crash = True
    with caplog.at_level("ERROR", logger="opengov.pagecache.answer"):
        failed = _get()
    assert (failed.status_code, failed["X-Cache"]) == (200, "stale")
    assert "Rebuilding a page after its stale answer failed" in caplog.text
    renders.crash, renders.body = False, "version two"
    assert _get()["X-Cache"] == "stale"  # its lock was released: this reader rebuilds
    assert (_get()["X-Cache"], _get().content) == ("hit", b"<p>version two</p>")
    assert renders.count == 3


def test_a_burst_of_changes_causes_one_rebuild_per_half_window(renders, stale_bound, clock):
    _get()
    renders.body = "version two"
    for _ in range(5):
        dataversion.bump()
        assert _get()["X-Cache"] == "stale"
    assert renders.count == 1
    clock.offset = STALE_SECONDS / 2
    assert _get()["X-Cache"] == "stale"  # due: rebuilt once this answer is sent
    rebuilt = _get()
    assert (rebuilt["X-Cache"], rebuilt.content) == ("hit", b"<p>version two</p>")
    renders.body = "version three"
    dataversion.bump()
    assert _get().content == b"<p>version two</p>"
    assert renders.count == 2


def test_a_network_page_is_never_stale_beyond_the_bound(renders, stale_bound, clock):
    _get()
    dataversion.bump()
    renders.body = "version two"
    clock.offset = STALE_SECONDS + 1
    response = _get()
    assert (response["X-Cache"], response.content) == ("miss", b"<p>version two</p>")


def test_without_the_bound_a_change_shows_at_once(renders, settings):
    settings.NETWORK_STALE_SECONDS = 0
    _get()
    dataversion.bump()
    renders.body = "version two"
    assert _get().content == b"<p>version two</p>"


def test_a_renderer_that_died_holds_the_page_until_its_lock_expires(
    renders, stale_bound, clock, settings, monkeypatch
):
    settings.PAGE_RENDER_LOCK_SECONDS = 1
    _get()
    dataversion.bump()
    clock.offset = STALE_SECONDS / 2
    renders.body, renders.crash = "version two", True
    # Killed mid-render: nothing stored, the lock never given back.
    with monkeypatch.context() as killed:
        killed.setattr(flight.Page, "release", lambda page, token: None)
        assert _get()["X-Cache"] == "stale"  # its reader was answered before the render
    renders.crash = False
    held = _get()
    assert (held["X-Cache"], held.content) == ("stale", b"<p>version one</p>")
    assert renders.count == 2
    time.sleep(1.5)  # the lock's expiry (Redis counts it)
    assert _get()["X-Cache"] == "stale"  # this reader takes the page and rebuilds it
    rebuilt = _get()
    assert (rebuilt["X-Cache"], rebuilt.content) == ("hit", b"<p>version two</p>")


def test_a_reader_with_nothing_to_serve_waits_boundedly_then_renders(
    renders, settings, monkeypatch
):
    settings.PAGE_RENDER_LOCK_SECONDS = 60
    settings.PAGE_RENDER_WAIT_SECONDS = 0.2
    renders.crash = True
    with monkeypatch.context() as killed:
        killed.setattr(flight.Page, "release", lambda page, token: None)
        with pytest.raises(RuntimeError):
            _get()
    renders.crash = False
    response = _get()
    assert (response.status_code, response["X-Cache"]) == (200, "wait-miss")
    assert _get()["X-Cache"] == "hit"


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "opengov.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
)
def test_with_redis_down_every_reader_renders(renders):
    responses = [_get() for _ in range(2)]
    assert [(r.status_code, r["X-Cache"]) for r in responses] == [(200, "miss")] * 2
    assert renders.count == 2


def test_a_personal_reader_passes_the_cache(renders):
    reader = Client()
    reader.cookies["messages"] = "x"
    assert [reader.get("/counted/")["X-Cache"] for _ in range(2)] == ["pass", "pass"]
    assert renders.count == 2


# --- council pages: never stale after their council's change -------------------------------------


@pytest.mark.urls("opengov.urls")
def test_a_councils_own_change_is_on_its_pages_at_the_next_read(stale_bound):
    commitment = factories.CommitmentFactory(
        plan__stage=ActionPlan.Stage.IMPLEMENTATION, title_fr="Voirie", reference="VO-01"
    )
    with translation.override("fr"):
        page = commitment.get_absolute_url()
        home = reverse("home")
    french = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    assert _get(page, **french)["X-Cache"] == "miss"
    assert _get(home, **french)["X-Cache"] == "miss"
    Commitment.objects.filter(pk=commitment.pk).update(title_fr="Voirie rurale")
    commitment.refresh_from_db()
    commitment.save()  # the council's version, and the network's, bumped
    fresh = _get(page, **french)
    assert fresh["X-Cache"] == "miss"
    assert "Voirie rurale" in fresh.content.decode()
    assert _get(home, **french)["X-Cache"] == "stale"  # the network page may lag, boundedly
    dataversion.bump()  # every council's pages: the shared version
    assert _get(page, **french)["X-Cache"] == "miss"
