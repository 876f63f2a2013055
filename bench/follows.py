"""Benchmark of the followers' notifications: one milestone update saved through the admin, told
to 10,000 followers of a busy commitment among 100,000 follows of one council, by a real Celery
worker handing the e-mails to an SMTP server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infitah_bench \\
    REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/follows.py \\
        [--followers 10000] [--follows 100000]

Starts an SMTP sink (a thread of this process), a Celery worker (`celery -A opengov worker`,
prefork x 2 as docker-compose.yml, on a queue of its own) and gunicorn (production settings).
Creates, with bulk inserts, a council of its own with a plan in implementation, --commitments
commitments and a staff account of that council; --followers subscribers follow the busy
commitment (active, immediate), and more subscribers bring the council's follows to --follows:
the other commitments, the plan and the council itself, some weekly, a few stopped, several per
subscriber (so that "one e-mail per address" is put to the test: someone following the busy
commitment, its plan and its council gets one e-mail).

The staff account signs in through the admin login page (no second factor: it has no device)
and saves a progress entry on a milestone of the busy commitment through the milestone's admin
page, as a person would; the time of that POST is the request's latency. The bench then waits
until the worker has fanned the event out and every e-mail has reached the sink, and prints:
the time from the request to the end of the fan-out and to the last e-mail, e-mails per second,
the recipients compared with the subscribers a query says must be told (each exactly once), the
peak resident memory (VmHWM) of the worker's processes, and the rows made. The delivery's
batching delay is 0 and the per-address hourly cap is lifted for the run (NOTIFY_BATCH_DELAY,
NOTIFY_MAX_MAILS_PER_HOUR). The council and every row of the run are deleted at the end
(--keep keeps them). Exits non-zero when an address got no e-mail, two, or one it should not.
"""

import argparse
import contextlib
import datetime
import html.parser
import http.client
import random
import re
import secrets
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

# The repository root, not bench/, first on the path: bench/settings.py must not shadow anything.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import (  # noqa: E402
    add_server_arguments,
    collect_static,
    machine,
    print_machine,
    print_server_log,
    server_env,
    setup_django,
    write_json,
)
from tests.support.processes import CeleryWorker, Gunicorn, wait_until  # noqa: E402
from tests.support.smtp import SMTPSink, smtp_env  # noqa: E402

SETTLE_SECONDS = 5  # after the last expected e-mail, how long to wait for a duplicate
ADMIN = "/ar/admin"  # the admin in the default language (/admin/ redirects there)
WEEKLY_SHARE = 0.25  # of the follows other than the busy commitment's
ENDED_SHARE = 0.03
PLAN_SHARE = COUNCIL_SHARE = 0.15  # of those follows; the rest on the other commitments


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=" ".join(__doc__.split("\n\n")[0].split()),
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_server_arguments(parser)
    parser.add_argument(
        "--followers",
        type=int,
        default=10_000,
        help="subscribers following the busy commitment at once (default 10,000)",
    )
    parser.add_argument(
        "--follows",
        type=int,
        default=100_000,
        help="follows across the council, the busy commitment's included (default 100,000)",
    )
    parser.add_argument(
        "--commitments", type=int, default=20, help="commitments of the plan (default 20)"
    )
    parser.add_argument(
        "--worker-concurrency",
        type=int,
        default=2,
        help="Celery worker processes (default 2, as docker-compose.yml)",
    )
    parser.add_argument(
        "--mail-timeout",
        type=float,
        default=1800,
        help="longest wait for the e-mails after the request, in seconds (default 1800)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the follows")
    parser.add_argument(
        "--keep", action="store_true", help="keep the council, its follows and notifications"
    )
    args = parser.parse_args()
    if not 0 < args.followers <= args.follows:
        parser.error("--followers must be positive and at most --follows")
    if args.commitments < 2:
        parser.error("--commitments must be at least 2")
    return args


# --- the data ------------------------------------------------------------------------------------


@dataclass
class BenchCouncil:
    """The benchmark's council, plan, commitments, staff account, subscribers and follows."""

    tag: str
    council_id: int
    plan_id: int
    commitment_ids: list[int]
    milestone_ids: list[int]
    busy_commitment_id: int
    milestone_id: int  # the milestone the request updates
    username: str
    password: str
    subscribers: int = 0
    follows: int = 0
    seconds: float = 0.0

    @property
    def email_prefix(self) -> str:
        return f"bench-follows-{self.tag}-"

    @classmethod
    def create(cls, args) -> "BenchCouncil":
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db import transaction
        from django.utils import timezone

        from commitments.models import Commitment, Milestone
        from consultations.models import ActionPlan, Council
        from opengov import roles

        started = time.monotonic()
        today = timezone.localdate()
        tag = uuid.uuid4().hex[:6]
        password = secrets.token_urlsafe(16)
        with transaction.atomic():
            council = Council.objects.create(
                kind=Council.Kind.COMMUNE,
                slug=f"bench-follows-{tag}",
                code=f"F{tag.upper()}",
                name_ar="جماعة قياس التتبع",
                name_fr="Commune du banc d'essai des suivis",
            )
            plan = ActionPlan.objects.create(
                council=council,
                start_year=today.year - 1,
                end_year=today.year + 1,
                title_ar="خطة عمل قيد التنفيذ للقياس",
                title_fr="Plan d'action en cours du banc d'essai",
                stage=ActionPlan.Stage.IMPLEMENTATION,
            )
            commitments = Commitment.objects.bulk_create(
                [
                    Commitment(
                        plan=plan,
                        reference=f"FOL-{today.year}-{n:02d}",
                        position=n,
                        title_ar=f"الالتزام رقم {n}",
                        title_fr=f"Engagement n° {n}",
                        lead_agency_ar="المجلس الجماعي",
                        lead_agency_fr="Conseil communal",
                        start_date=datetime.date(today.year - 1, 1, 1),
                        end_date=datetime.date(today.year + 1, 12, 31),
                        transparency=True,
                    )
                    for n in range(1, args.commitments + 1)
                ]
            )
            busy = commitments[0]
            # One milestone under way (the one updated: still under way, with a note, so the
            # completion level does not move and the update is one event), one done, one not
            # started: "limited" before and after.
            Status = Milestone.Status
            milestones = Milestone.objects.bulk_create(
                [
                    Milestone(
                        commitment=busy,
                        title_ar=f"المرحلة {n}",
                        title_fr=f"Jalon {n}",
                        start_date=datetime.date(today.year - 1, 1, 1),
                        due_date=datetime.date(today.year + 1, 6, 30),
                        status=status,
                        completed_on=datetime.date(today.year - 1, 6, 1)
                        if status == Status.COMPLETED
                        else None,
                    )
                    for n, status in enumerate(
                        (Status.IN_PROGRESS, Status.COMPLETED, Status.NOT_STARTED), start=1
                    )
                ]
            )
            user = get_user_model().objects.create_user(
                username=f"bench-follows-{tag}", password=password, is_staff=True
            )
            user.groups.add(Group.objects.get(name=roles.COUNCIL_STAFF))
            council.staff.add(user)
        made = cls(
            tag=tag,
            council_id=council.pk,
            plan_id=plan.pk,
            commitment_ids=[c.pk for c in commitments],
            milestone_ids=[m.pk for m in milestones],
            busy_commitment_id=busy.pk,
            milestone_id=milestones[0].pk,
            username=user.username,
            password=password,
        )
        made.add_follows(args)
        made.seconds = time.monotonic() - started
        return made

    def add_follows(self, args) -> None:
        """The subscribers and their follows, inserted in bulk. The first --followers
        subscribers follow the busy commitment; every other subscriber follows one thing at
        least; the remaining follows go half to the busy commitment's followers (so they also
        follow its plan, its council, other commitments) and half to anyone."""
        from django.db import transaction
        from django.utils import timezone

        from commitments.models import Follow, Subscriber

        rng = random.Random(args.seed)  # noqa: S311 - a reproducible layout, not a secret
        followers, total = args.followers, args.follows
        pool = min(max(followers, total // 4), followers + (total - followers))
        others = [("commitment", pk) for pk in self.commitment_ids[1:]]

        def any_target():
            draw = rng.random()
            if draw < PLAN_SHARE:
                return ("plan", self.plan_id)
            if draw < PLAN_SHARE + COUNCIL_SHARE:
                return ("council", self.council_id)
            return rng.choice(others)

        pairs: dict[tuple[int, tuple[str, int]], None] = {}
        for n in range(followers):
            pairs[(n, ("commitment", self.busy_commitment_id))] = None
        for n in range(followers, pool):
            pairs[(n, any_target())] = None
        capacity = pool * (len(others) + 2) + followers
        while len(pairs) < min(total, capacity):
            n = rng.randrange(followers) if rng.random() < 0.5 else rng.randrange(pool)
            pairs.setdefault((n, any_target()), None)

        now = timezone.now()
        with transaction.atomic():
            subscribers = Subscriber.objects.bulk_create(
                [
                    Subscriber(
                        email=f"{self.email_prefix}{n}@example.org",
                        mailbox=f"{self.email_prefix}{n}@example.org",
                        language="ar" if rng.random() < 0.7 else "fr",
                        confirmed_at=now,
                    )
                    for n in range(pool)
                ],
                batch_size=5000,
            )
            rows = []
            for n, (target, pk) in pairs:
                subscriber = subscribers[n]
                busy = target == "commitment" and pk == self.busy_commitment_id
                ended = not busy and rng.random() < ENDED_SHARE
                weekly = not busy and rng.random() < WEEKLY_SHARE
                rows.append(
                    Follow(
                        subscriber_id=subscriber.pk,
                        **{f"{target}_id": pk},
                        state=Follow.State.ENDED if ended else Follow.State.ACTIVE,
                        frequency=Follow.Frequency.WEEKLY if weekly else Follow.Frequency.IMMEDIATE,
                        language=subscriber.language,
                        consent_at=now,
                        confirmed_at=now,
                        ended_at=now if ended else None,
                    )
                )
            Follow.objects.bulk_create(rows, batch_size=5000)
        self.subscribers, self.follows = len(subscribers), len(rows)

    def expected_recipients(self) -> set[str]:
        """The addresses a milestone update of the busy commitment must reach at once: those
        whose most specific active follow among the commitment, its plan and its council is
        immediate (written apart from the fan-out's SQL, with EXISTS)."""
        from django.db.models import Exists, OuterRef

        from commitments.models import Follow, Subscriber

        def follows(**target):
            return Follow.objects.active().filter(subscriber=OuterRef("pk"), **target)

        def immediate(**target):
            return Exists(follows(**target).filter(frequency=Follow.Frequency.IMMEDIATE))

        commitment = {"commitment_id": self.busy_commitment_id}
        plan = {"plan_id": self.plan_id}
        council = {"council_id": self.council_id}
        told = Subscriber.objects.filter(email__startswith=self.email_prefix).filter(
            immediate(**commitment)
            | (~Exists(follows(**commitment)) & immediate(**plan))
            | (~Exists(follows(**commitment)) & ~Exists(follows(**plan)) & immediate(**council))
        )
        return {email.lower() for email in told.values_list("email", flat=True)}

    def events(self):
        from commitments.models import FollowEvent

        return FollowEvent.objects.filter(council_id=self.council_id)

    def remove(self) -> None:
        """Everything the run made, with set-based deletes (the ORM's cascade would load the
        100,000 follows first)."""
        from django.contrib.auth import get_user_model
        from django.db import connection, transaction

        from commitments.models import (
            Commitment,
            Follow,
            FollowEvent,
            Milestone,
            MilestoneUpdate,
            Notification,
            Subscriber,
        )
        from consultations.models import ActionPlan, Council

        with transaction.atomic(), connection.cursor() as cursor:
            events = FollowEvent._meta.db_table
            subscribers = Subscriber._meta.db_table
            cursor.execute(
                f"DELETE FROM {Notification._meta.db_table} WHERE event_id IN "  # noqa: S608
                f"(SELECT id FROM {events} WHERE council_id = %s)",
                [self.council_id],
            )
            cursor.execute(f"DELETE FROM {events} WHERE council_id = %s", [self.council_id])  # noqa: S608
            cursor.execute(
                f"DELETE FROM {Follow._meta.db_table} WHERE subscriber_id IN "  # noqa: S608
                f"(SELECT id FROM {subscribers} WHERE email LIKE %s)",
                [self.email_prefix + "%"],
            )
            cursor.execute(
                f"DELETE FROM {subscribers} WHERE email LIKE %s",  # noqa: S608
                [self.email_prefix + "%"],
            )
            MilestoneUpdate.objects.filter(milestone_id__in=self.milestone_ids).delete()
            Milestone.objects.filter(pk__in=self.milestone_ids).delete()
            Commitment.objects.filter(pk__in=self.commitment_ids).delete()
            ActionPlan.objects.filter(pk=self.plan_id).delete()
            Council.objects.filter(pk=self.council_id).delete()
            get_user_model().objects.filter(username=self.username).delete()
            Commitment.history.model.objects.filter(id__in=self.commitment_ids).delete()
            Milestone.history.model.objects.filter(id__in=self.milestone_ids).delete()
            ActionPlan.history.model.objects.filter(id=self.plan_id).delete()


# --- the admin, as a browser would use it --------------------------------------------------------


class FormReader(html.parser.HTMLParser):
    """The fields of one form of a page (by its id) as the browser would post them: text,
    hidden and number inputs, checked boxes and radios, selected options, text areas. Files and
    buttons are left out."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._selected = name, None, False
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self.fields.append((self._select, value))
                self._selected = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            if not self._selected and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


class Browser:
    """Plain HTTP to 127.0.0.1:`port` keeping cookies, as a staff member's browser."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _eq, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, response.headers, content.decode("utf-8", "replace")

    def form(self, path: str, form_id: str) -> list[tuple[str, str]]:
        status, headers, page = self.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status} {headers.get('Location', '')}")
        reader = FormReader(form_id)
        reader.feed(page)
        if not reader.fields:
            raise SystemExit(f"{path} has no form #{form_id}")
        return reader.fields

    def sign_in(self, username: str, password: str) -> None:
        fields = dict(self.form(f"{ADMIN}/login/", "login-form"))
        fields.update(username=username, password=password, next=f"{ADMIN}/")
        status, _headers, page = self.request("POST", f"{ADMIN}/login/", urlencode(fields))
        if status != 302:
            errors = re.findall(r'class="errornote"[^>]*>(.*?)<', page, re.S)
            raise SystemExit(f"the admin sign-in answered {status}: {errors}")

    def sign_out(self) -> None:
        token = self.cookies.get("csrftoken", "")
        with contextlib.suppress(OSError):
            self.request("POST", f"{ADMIN}/logout/", urlencode({"csrfmiddlewaretoken": token}))


def milestone_update_form(browser: Browser, milestone_id: int) -> tuple[str, str]:
    """The milestone's admin page, as posted back with one new progress entry filled in: still
    under way, with a note in both languages. Returns (path, body)."""
    path = f"{ADMIN}/commitments/milestone/{milestone_id}/change/"
    fields = [(k, v) for k, v in browser.form(path, "milestone_form") if "__prefix__" not in k]
    values = dict(fields)
    index = int(values["updates-INITIAL_FORMS"])
    new = {
        f"updates-{index}-status": "in_progress",
        f"updates-{index}-note_ar": "تم نشر أول دفعة من المعطيات المفتوحة على البوابة.",
        f"updates-{index}-note_fr": "Premier lot de données ouvertes publié sur le portail.",
    }
    fields = [(k, v) for k, v in fields if k not in new] + list(new.items())
    fields = [(k, v) for k, v in fields if k != "updates-TOTAL_FORMS"]
    fields.append(("updates-TOTAL_FORMS", str(max(index + 1, int(values["updates-TOTAL_FORMS"])))))
    fields.append(("_save", "Save"))
    return path, urlencode(fields)


# --- memory of the worker ------------------------------------------------------------------------


def _status_kib(pid: int, field: str) -> int | None:
    with contextlib.suppress(OSError):
        found = re.search(rf"^{field}:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M)
        if found:
            return int(found.group(1))
    return None


class PeakMemory:
    """VmHWM (the kernel's peak resident size) of the worker's main process and each pool
    process, read every half second (a pool process that exits takes its figure with it)."""

    def __init__(self, worker: CeleryWorker):
        self.worker = worker
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        for pid in [self.worker.process.pid, *self.worker.children()]:
            kib = _status_kib(pid, "VmHWM")
            if kib is not None:
                self.peaks[pid] = max(kib, self.peaks.get(pid, 0))

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def start(self) -> "PeakMemory":
        self.sample()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()

    def report(self) -> dict[str, float]:
        main = self.worker.process.pid
        pool = [kib for pid, kib in self.peaks.items() if pid != main]
        return {
            "main_mib": round(self.peaks.get(main, 0) / 1024, 1),
            "pool_max_mib": round(max(pool, default=0) / 1024, 1),
            "pool_mib": [round(kib / 1024, 1) for kib in sorted(pool)],
            "total_mib": round(sum(self.peaks.values()) / 1024, 1),
        }


# --- the run -------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-follows-"))
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    sink = SMTPSink(keep_messages=False)
    base = server_env(args.database_url, args.redis_url)
    setup_django(base)
    info = machine(args.database_url)
    static_root = collect_static(base)
    env = server_env(
        args.database_url,
        args.redis_url,
        static_root=static_root,
        CELERY_QUEUE=queue,
        NOTIFY_BATCH_DELAY="0",
        NOTIFY_MAX_MAILS_PER_HOUR="1000000",
        **smtp_env(sink.port),
    )
    server = Gunicorn(
        env,
        log_dir / "gunicorn.log",
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        timeout=60,
    )
    worker = CeleryWorker(
        env,
        log_dir / "worker.log",
        queue=queue,
        pool="prefork",
        concurrency=args.worker_concurrency,
        node=queue,
    )
    bench: BenchCouncil | None = None
    try:
        print(f"creating {args.follows:,} follows ...", flush=True)
        bench = BenchCouncil.create(args)
        expected = bench.expected_recipients()
        sink.start()
        worker.start()
        server.start()
        memory = PeakMemory(worker).start()
        result = run(args, bench, server, worker, sink, expected)
        memory.stop()
        logged = server.errors_logged()
        worker_errors = worker.output().count("Traceback (most recent call last)")
    finally:
        server.stop(graceful=True)
        worker.stop(graceful=True)
        sink.stop()
        if bench is not None and not args.keep:
            bench.remove()
        with contextlib.suppress(Exception):
            import redis

            redis.Redis.from_url(args.redis_url).delete(queue)

    peak = memory.report()
    print()
    print_machine(info)
    print(
        f"server:  {server.description}; celery worker prefork x {args.worker_concurrency}, "
        f"queue {queue}; SMTP sink on port {sink.port}"
    )
    print(
        "note:    NOTIFY_BATCH_DELAY=0 and NOTIFY_MAX_MAILS_PER_HOUR=1000000 for this run "
        "(defaults 60 s and 6)"
    )
    print(
        f"data:    {bench.subscribers:,} subscribers, {bench.follows:,} follows "
        f"({args.followers:,} of the busy commitment) over {args.commitments} commitments, "
        f"the plan and the council; made in {bench.seconds:.1f} s"
    )
    print()
    print(
        f"request: POST of the milestone's admin page answered {result['status']} in "
        f"{result['request_ms']:.0f} ms; notifications in the database when it answered: "
        f"{result['notifications_at_response']}"
    )
    print(
        f"fan-out: finished {result['fan_out_s']:.2f} s after the request; "
        f"{result['events']} event(s), {result['notifications']:,} notifications "
        f"({result['immediate']:,} immediate, {result['weekly']:,} weekly)"
    )
    print(
        f"e-mails: {result['emails']:,} received, {result['expected']:,} expected; last one "
        f"{result['last_mail_s']:.1f} s after the request (first {result['first_mail_s']:.2f} s); "
        f"{result['mails_per_s']:.1f} e-mails/s from first to last, "
        f"{result['mails_per_s_overall']:.1f} e-mails/s from the request"
    )
    print(
        f"check:   missing {result['missing']}, duplicate {result['duplicates']}, unexpected "
        f"{result['unexpected']}, unsent immediate notifications {result['unsent']}"
    )
    print(
        f"memory:  worker peak RSS (VmHWM) main {peak['main_mib']} MiB, pool processes "
        f"{', '.join(f'{m} MiB' for m in peak['pool_mib'])}; all together {peak['total_mib']} MiB"
    )
    print_server_log(server, logged)
    print(f"worker log: {worker_errors} tracebacks ({worker.log})")
    write_json(
        args.json,
        {
            "machine": info,
            "server": server.description,
            "worker_concurrency": args.worker_concurrency,
            "subscribers": bench.subscribers,
            "follows": bench.follows,
            "followers": args.followers,
            "data_seconds": round(bench.seconds, 1),
            "result": result,
            "worker_peak_memory": peak,
            "server_log": logged,
            "worker_tracebacks": worker_errors,
        },
    )
    if result["missing"] or result["duplicates"] or result["unexpected"] or result["unsent"]:
        raise SystemExit(1)


def run(args, bench: BenchCouncil, server, worker, sink, expected: set[str]) -> dict:
    from django.db.models import Count, Q

    from commitments.models import Notification

    browser = Browser(server.port)
    browser.sign_in(bench.username, bench.password)
    path, body = milestone_update_form(browser, bench.milestone_id)

    sent_at = time.time()
    started = time.perf_counter()
    status, _headers, page = browser.request("POST", path, body)
    request_ms = (time.perf_counter() - started) * 1000
    notifications = Notification.objects.filter(event__council_id=bench.council_id)
    at_response = notifications.count()
    if status != 302:
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
        raise SystemExit(f"the milestone's admin page answered {status}: {errors}")
    browser.sign_out()
    print(f"request answered in {request_ms:.0f} ms; waiting for the e-mails ...", flush=True)

    events = bench.events()
    wait_until(
        lambda: worker.alive() and events.exists() and not events.filter(fanned_out_at=None),
        args.mail_timeout,
        "the fan-out",
        interval=0.1,
        diagnostics=worker.diagnostics,
    )
    fanned_out = max(events.values_list("fanned_out_at", flat=True)).timestamp()
    unsent = notifications.filter(sent_at=None, frequency="immediate")
    wait_until(
        lambda: worker.alive() and sink.count() >= len(expected) and not unsent.exists(),
        args.mail_timeout,
        f"{len(expected):,} e-mails",
        interval=0.5,
        diagnostics=lambda: f"{sink.count()} e-mails so far\n{worker.diagnostics()[-4000:]}",
    )
    time.sleep(SETTLE_SECONDS)  # a duplicate would arrive meanwhile

    arrivals = sink.arrivals()
    recipients = [to.lower() for _when, to in arrivals]
    received = set(recipients)
    times = sorted(when for when, _to in arrivals)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    counts = notifications.aggregate(
        total=Count("pk"),
        immediate=Count("pk", filter=Q(frequency="immediate")),
        weekly=Count("pk", filter=Q(frequency="weekly")),
    )
    return {
        "status": status,
        "request_ms": round(request_ms, 1),
        "notifications_at_response": at_response,
        "events": events.count(),
        "fan_out_s": round(fanned_out - sent_at, 2),
        "notifications": counts["total"],
        "immediate": counts["immediate"],
        "weekly": counts["weekly"],
        "expected": len(expected),
        "emails": len(arrivals),
        "first_mail_s": round(times[0] - sent_at, 2) if times else None,
        "last_mail_s": round(times[-1] - sent_at, 2) if times else None,
        "mails_per_s": round((len(times) - 1) / span, 1) if span else None,
        "mails_per_s_overall": round(len(times) / (times[-1] - sent_at), 1) if times else None,
        "missing": len(expected - received),
        "duplicates": len(recipients) - len(received),
        "unexpected": len(received - expected),
        "unsent": unsent.count(),
    }


if __name__ == "__main__":
    main()
