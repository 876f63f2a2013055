"""PostgreSQL restarted under load, on a private cluster (never the shared server): a gunicorn
server and a Celery worker run on it while citizens read pages and post comments from a few
threads, and the cluster restarts (pg_ctl restart -m fast) in the middle.

No comment that was answered with success is lost; a request caught by the restart gets our
error page, never a hang; the same server answers again afterwards (its workers' persistent
connections are health-checked, CONN_HEALTH_CHECKS); and every confirmation e-mail goes, those
whose job met the database down by a retry (and the beat sweep behind it); a job cut after the
mail server took the e-mail records it once the database is back instead of sending it twice;
and a citizen whose comment could not be saved gets a 503 page that says so (not the generic
"nothing was lost").

These tests do not use the test database: everything they read is on the private cluster.
"""

import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape as _escape
from django.utils.translation import gettext

from opengov.celery import app
from tests.faults.conftest import service_env, wait_until
from tests.support.broker import PrivateRedis, celery_sending_to
from tests.support.processes import ROOT, CeleryWorker, Gunicorn, spawn_worker
from tests.support.smtp import SMTPSink

pytestmark = [
    pytest.mark.real_services,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

CITIZENS = 3  # threads posting comments and reading pages
TIMEOUT = 20  # seconds: a request taking longer counts as a hang
WAIT = 60  # seconds: the longest any wait for the worker may take
# The worker's log line when a confirmation job ends, however it ends.
JOB_ENDED = re.compile(r"send_comment_confirmation\[[^\]]+\] (succeeded|raised unexpected|retry)")
# What templates/500.html tells the reader.
NOTHING_LOST = (
    "Something went wrong on our side. Nothing you entered was lost; please try again in a few "
    "minutes."
)

SEED = """
import datetime, json
from django.utils import timezone
from consultations.models import ActionPlan
from tests import factories
today = timezone.localdate()
plan = factories.ActionPlanFactory(
    stage=ActionPlan.Stage.CONSULTATION,
    consultation_opens_on=today - datetime.timedelta(days=1),
    consultation_closes_on=today + datetime.timedelta(days=10),
)
factories.MilestoneFactory(commitment=factories.CommitmentFactory(plan=plan))
print(json.dumps([plan.council.slug, plan.start_year]))
"""


def _open_consultation(private_postgres) -> list:
    """(council slug, start year) of a plan open for comments, created on the private cluster
    once it is migrated."""
    private_postgres.migrated()
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED],
        cwd=ROOT,
        env=service_env(
            database_url=private_postgres.url("infitah"), redis_url="", queue="-", email_port=25
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


class GatedSMTPSink(SMTPSink):
    """The SMTP sink, with a gate a test can close to hold the mail server's last answer: the
    whole message is received (and recorded), then "250 queued" waits for the gate to open."""

    def __init__(self):
        super().__init__()
        self.gate = threading.Event()
        self.gate.set()

    def record(self, recipients: list[str], raw: bytes) -> None:
        super().record(recipients, raw)
        self.gate.wait(timeout=WAIT)

    def stop(self) -> None:
        self.gate.set()
        super().stop()


@dataclasses.dataclass
class Site:
    web: Gunicorn
    worker: CeleryWorker
    sink: GatedSMTPSink
    plan_path: str
    comment_path: str

    def log_mark(self) -> int:
        return len(self.worker.output())


@pytest.fixture(scope="module")
def site(private_postgres, tmp_path_factory):
    """gunicorn and a Celery worker (on a private Redis) serving the private cluster, mailing to
    an SMTP sink; shared by the tests of this module, which use distinct e-mail addresses. Both
    boot while the cluster is migrated (neither reads a table until it serves a request)."""
    folder = tmp_path_factory.mktemp("site")
    broker = PrivateRedis(folder)
    broker.start()
    with celery_sending_to(broker.url, queue_prefix="test-faults") as queue:
        sink = GatedSMTPSink()
        sink.start()
        env = service_env(
            database_url=private_postgres.url("infitah"),
            redis_url=broker.url,
            queue=queue,
            email_port=sink.port,
        )
        web = worker = None
        try:
            web = Gunicorn({**env, "LOG_LEVEL": "WARNING"}, folder / "web.log", workers=2)
            web.start(wait=False)
            worker = spawn_worker(env, folder / "worker.log", wait=False)
            consultation = _open_consultation(private_postgres)
            web.wait_ready()
            worker.wait_ready()
            with translation.override("ar"):
                paths = (
                    reverse("commitments:plan", args=consultation),
                    reverse("commitments:plan_comment", args=consultation),
                )
            yield Site(web, worker, sink, *paths)
        finally:
            for service in (worker, web, sink, broker):
                if service is not None:
                    service.stop()


@dataclasses.dataclass
class Outcome:
    kind: str  # "page" or "comment"
    started: float
    ended: float
    status: int | None = None  # None: no answer at all
    body: str = ""
    location: str = ""
    email: str = ""
    error: str = ""


def _send(session, method, url, outcomes, kind, **kwargs) -> Outcome:
    outcome = Outcome(kind=kind, started=time.monotonic(), ended=0.0, email=kwargs.pop("email", ""))
    try:
        response = session.request(method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
    except requests.RequestException as error:
        outcome.error = repr(error)
    else:
        outcome.status = response.status_code
        outcome.body = response.text
        outcome.location = response.headers.get("Location", "")
    outcome.ended = time.monotonic()
    outcomes.append(outcome)
    return outcome


def _comment_form(number: int, address: str, token: str) -> dict:
    return {
        "author_name": f"Citoyen {number}",
        "email": address,
        "body": f"تعليق رقم {number}: يجب نشر ميزانية الجماعة بالتفصيل.",
        "consent": "on",
        "website": "",
        "csrfmiddlewaretoken": token,
    }


def _token(body: str) -> str | None:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    return found.group(1) if found else None


def _citizen(number: int, site: Site, stop: threading.Event, outcomes: list) -> None:
    """Read the plan's page (and the form's CSRF token), post a comment, read the home page."""
    session = requests.Session()
    posted = 0
    while not stop.is_set():
        page = _send(session, "GET", site.web.url + site.plan_path, outcomes, "page")
        token = _token(page.body)
        if page.status == 200 and token:
            posted += 1
            address = f"citizen{number}-{posted}@example.org"
            _send(
                session,
                "POST",
                site.web.url + site.comment_path,
                outcomes,
                "comment",
                email=address,
                data=_comment_form(posted, address, token),
            )
        _send(session, "GET", site.web.url + "/ar/", outcomes, "page")


def _form_session(site: Site) -> tuple[requests.Session, str]:
    """A reader's session on the plan's page, and the comment form's CSRF token."""
    session = requests.Session()
    page = session.get(site.web.url + site.plan_path, timeout=TIMEOUT)
    assert page.status_code == 200
    return session, _token(page.text)


def _post_comment(session: requests.Session, site: Site, token: str, address: str):
    return session.post(
        site.web.url + site.comment_path,
        data=_comment_form(1, address, token),
        timeout=TIMEOUT,
        allow_redirects=False,
    )


def _comments(private_postgres) -> dict[str, object]:
    """E-mail address → confirmation_sent_at of every comment on the cluster."""
    return dict(
        private_postgres.query(
            "infitah", "SELECT email, confirmation_sent_at FROM commitments_comment"
        )
    )


def test_postgres_restart_under_load_loses_no_comment_and_the_server_recovers(
    site, private_postgres
):
    with translation.override("ar"):
        # A request the restart cuts gets the "database unavailable" page (503, Retry-After).
        error_page = render_to_string("503.html")
    sent_path = reverse("commitments:comment_sent")
    mark = site.log_mark()
    outcomes: list[Outcome] = []
    stop = threading.Event()
    citizens = [
        threading.Thread(target=_citizen, args=(n, site, stop, outcomes), daemon=True)
        for n in range(1, CITIZENS + 1)
    ]
    for citizen in citizens:
        citizen.start()
    try:
        wait_until(
            lambda: sum(o.status == 302 for o in outcomes) >= 2 * CITIZENS,
            what="the citizens' first comments",
        )
        restart_began = time.monotonic()
        private_postgres.restart()
        restart_ended = time.monotonic()
        wait_until(
            lambda: (
                sum(o.status == 302 and o.started > restart_ended for o in outcomes) >= 2 * CITIZENS
            ),
            what="comments after the restart",
        )
    finally:
        stop.set()
        for citizen in citizens:
            citizen.join(timeout=TIMEOUT + 5)
    assert not any(citizen.is_alive() for citizen in citizens), "a request hung"

    # The restart happened under load: requests were on their way while it ran.
    assert any(o.started < restart_ended and o.ended > restart_began for o in outcomes)

    # Every request got an answer (no hang, no dropped connection): a page, a redirect after a
    # comment, or our error page.
    unanswered = [o for o in outcomes if o.status is None]
    assert unanswered == [], unanswered[:3]
    for outcome in outcomes:
        if outcome.status in (500, 503):
            assert outcome.status == 503, outcome.body[:500]
            assert outcome.body == error_page, outcome.body[:500]
        elif outcome.kind == "comment":
            assert outcome.status == 302, outcome.body[:2000]
            assert outcome.location.startswith(sent_path)
        else:
            assert outcome.status == 200, outcome.body[:2000]

    # No comment answered with success is lost.
    comments = {
        address: sent
        for address, sent in _comments(private_postgres).items()
        if address.startswith("citizen")
    }
    accepted = {o.email for o in outcomes if o.kind == "comment" and o.status == 302}
    assert accepted - set(comments) == set()

    # The same server answers again, without restarting itself or its workers.
    for _ in range(6):
        assert requests.get(site.web.url + site.plan_path, timeout=TIMEOUT).status_code == 200
    assert requests.get(site.web.url + "/healthz", timeout=TIMEOUT).status_code == 200
    assert site.web.process.poll() is None
    assert site.web.output().count("Booting worker") == 2, site.web.output()
    assert site.worker.process.poll() is None

    # Every confirmation e-mail goes: those whose job met the restart are queued again by the
    # beat sweep once they are old enough.
    wait_until(
        lambda: len(JOB_ENDED.findall(site.worker.output()[mark:])) >= len(comments),
        what="the worker to run every comment's job",
        diagnostics=site.worker.diagnostics,
    )
    _age_comments(private_postgres, "citizen%")
    app.send_task("commitments.requeue_comment_confirmations")
    wait_until(
        lambda: all(_comments(private_postgres)[address] for address in comments),
        what="every confirmation e-mail to go",
        diagnostics=site.worker.diagnostics,
    )
    wait_until(
        lambda: all(site.sink.count(to=address) for address in comments),
        timeout=10,
        what="the sink",
    )
    _drain(site)  # anything sent twice would have been sent by now
    # Sent twice only when the restart cut the job after the mail server had it (see
    # test_confirmation_job_cut_after_sending_is_not_sent_twice).
    cut = len(
        re.findall(r"send_comment_confirmation\[[^\]]+\] raised", site.worker.output()[mark:])
    )
    twice = sum(site.sink.count(to=address) - 1 for address in comments)
    assert twice <= cut


def _age_comments(private_postgres, addresses: str) -> None:
    """Make the comments whose e-mail is LIKE `addresses` look old enough for the beat sweep."""
    private_postgres.query(
        "infitah",
        "UPDATE commitments_comment SET created_at = created_at - interval '10 minutes' "
        "WHERE email LIKE %s",
        (addresses,),
    )


def _drain(site: Site) -> None:
    """Return once the worker has ended every job queued before now. It takes one job at a
    time, in order (a solo pool, prefetch 1, late acks), so a task sent now ends after them: a
    job that sends an e-mail twice, or a second job for the same comment, has sent it by then.
    (A retry waits 30 s or more, tasks.send_comment_confirmation: no pause here covers it.)
    The task sent is the publications sweep, which finds nothing to do on this cluster."""
    done = re.compile(r"requeue_publications\[[^\]]+\] succeeded")
    mark = site.log_mark()
    app.send_task("commitments.requeue_publications")
    wait_until(
        lambda: done.search(site.worker.output()[mark:]),
        what="the worker to end the jobs queued before",
        diagnostics=site.worker.diagnostics,
    )


def _sweep(site: Site, mark: int) -> list[str]:
    """Run the beat sweep of confirmation e-mails in the worker; how many each run since `mark`
    queued again."""
    done = re.compile(r"requeue_comment_confirmations\[[^\]]+\] succeeded in [\d.]+s: (\d+)")
    before = len(done.findall(site.worker.output()[mark:]))
    app.send_task("commitments.requeue_comment_confirmations")
    wait_until(
        lambda: len(done.findall(site.worker.output()[mark:])) > before,
        what="the sweep",
        diagnostics=site.worker.diagnostics,
    )
    return done.findall(site.worker.output()[mark:])


def _confirmation_job_meets_the_database_down(site, private_postgres, address) -> str:
    """Post a comment while the worker is held (busy elsewhere), stop PostgreSQL, let the worker
    run the comment's confirmation job against the stopped database, start PostgreSQL again.
    Returns the worker's log line of how that job ended."""
    mark = site.log_mark()
    session, token = _form_session(site)
    os.kill(site.worker.process.pid, signal.SIGSTOP)
    try:
        response = _post_comment(session, site, token, address)
        assert response.status_code == 302, response.text[:2000]
        private_postgres.stop()
    finally:
        os.kill(site.worker.process.pid, signal.SIGCONT)
    job = re.compile(r"send_comment_confirmation\[[^\]]+\] (raised unexpected|retry):.*")
    try:
        wait_until(
            lambda: job.search(site.worker.output()[mark:]),
            what="the job",
            diagnostics=site.worker.diagnostics,
        )
    finally:
        private_postgres.start()
    assert _comments(private_postgres)[address] is None
    return job.search(site.worker.output()[mark:]).group(0)


def test_confirmation_job_that_meets_the_database_down_goes_once_it_is_back(site, private_postgres):
    address = "nadia@example.org"
    _confirmation_job_meets_the_database_down(site, private_postgres, address)
    mark = site.log_mark()

    # The beat sweep queues it again once it is old enough; it goes once.
    _age_comments(private_postgres, address)
    assert _sweep(site, mark) == ["1"]
    wait_until(
        lambda: _comments(private_postgres)[address],
        what="the confirmation e-mail to go",
        diagnostics=site.worker.diagnostics,
    )
    assert _sweep(site, mark) == ["1", "0"], "a later sweep sends nothing"
    _drain(site)  # a second e-mail would have been sent by now
    assert site.sink.count(to=address) == 1


def test_confirmation_job_that_meets_the_database_down_is_retried(site, private_postgres):
    outcome = _confirmation_job_meets_the_database_down(
        site, private_postgres, "youssef@example.org"
    )
    assert " retry: Retry in " in outcome, outcome


def test_confirmation_job_cut_after_sending_is_not_sent_twice(site, private_postgres):
    address = "hamza@example.org"
    mark = site.log_mark()
    session, token = _form_session(site)
    site.sink.gate.clear()
    try:
        assert _post_comment(session, site, token, address).status_code == 302
        # The mail server has the whole message and is about to say "queued" when PostgreSQL
        # restarts under the job (which holds the comment's row lock meanwhile).
        wait_until(lambda: site.sink.count(to=address), what="the e-mail to reach the mail server")
        private_postgres.restart()
    finally:
        site.sink.gate.set()
    wait_until(
        lambda: JOB_ENDED.search(site.worker.output()[mark:]),
        what="the job",
        diagnostics=site.worker.diagnostics,
    )

    # The beat sweep, once the comment is old enough, must not send it again.
    _age_comments(private_postgres, address)
    _sweep(site, mark)
    wait_until(
        lambda: _comments(private_postgres)[address],
        what="the e-mail to be recorded as sent",
        diagnostics=site.worker.diagnostics,
    )
    _drain(site)  # a second e-mail would have been sent by now
    assert site.sink.count(to=address) == 1


def test_comment_posted_while_postgres_is_down_is_not_said_to_be_kept(site, private_postgres):
    session, token = _form_session(site)
    address = "amina@example.org"
    private_postgres.stop()
    try:
        response = _post_comment(session, site, token, address)
    finally:
        private_postgres.start()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert address not in _comments(private_postgres)
    claims = {_escape(NOTHING_LOST)}
    for language in ("ar", "fr"):
        with translation.override(language):
            claims.add(_escape(gettext(NOTHING_LOST)))
    assert not any(claim in response.text for claim in claims), response.text
