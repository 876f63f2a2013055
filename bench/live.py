"""Live benchmark (issue 21): readers on every public page type while councils are writing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infitah_national \\
    REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/live.py [--duration 60]

Starts gunicorn (by default as the Dockerfile deploys it, scaled to this machine: 2 gthread
workers x 8 threads) with production settings (bench/settings.py: DEBUG off, hashed static
files, Redis as page cache and broker; the page cache on, NETWORK_STALE_SECONDS at its default
unless the environment sets it) on the given database, GETs every sampled URL once (so that the
run starts from a warm cache, as a server that has been up for a while), then for --duration
seconds at once:

  readers  --clients (20) threads in a process of their own, each on one keep-alive connection,
           closed loop: each request picks a page type by its weight (WEIGHTS), a language
           (Arabic, or French with probability --french), and one of up to --per-type URLs of
           that type drawn at random from the database; the "floor" type is bench/urls.py's bare
           Django page, measured in the same run under the same load;
  writers  --writes-per-second (2) writes in this process, each on a council drawn at random,
           through the services the admin and the public flows call (so signals, triggers and
           data-version bumps fire as in production): a proposal entered by staff in a working
           group (consultations' models, full_clean and save, as the admin's inline), a citizen's
           comment posted, confirmed and, if the plan moderates, published by a moderator
           (commitments.comments.services), a milestone's progress recorded
           (commitments.progress.services), and once a minute an adopted plan moved to
           implementation (commitments.services.plan_change_stage).

Each write records its council, the time of its commit and what the council's page shows of it:
the comment's text (on the commitment page's last page of that conversation), the progress
update's note (commitment page), the count of received proposals (plan page), the plan's stage
(plan page). Before the write that page is fetched (so that its entry of the old version is
cached, and to prove the change is not there yet); right after the commit it is fetched again
and the change must be on it: otherwise it is a stale council page (the target is none).

Per page type the table gives p50/p95/p99 (measured by the readers, from the request to the last
byte), the share of requests that waited for a render (X-Cache miss, wait or wait-miss; renders
are miss and wait-miss: opengov/pagecache/), 5xx answers, socket errors, and p95 divided by the
floor's p95. Target: every page type p95 <= 3x floor p95, no 5xx, no stale council page. The
readers share the cores with the server: their own CPU time and the load average before and
after are printed beside the figures.

It writes into the database (new proposals, comments and progress updates, plans moved to
implementation, a superuser "bench-live" as the moderator): run it on a copy.
"""

import argparse
import contextlib
import http.client
import json
import math
import multiprocessing
import os
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode

# The repository root, not bench/, first on the path: bench/settings.py must not shadow anything.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import (  # noqa: E402
    COMMENT_AR,
    add_server_arguments,
    collect_static,
    machine,
    percentile,
    print_machine,
    print_server_log,
    print_table,
    sample_paths,
    script_parser,
    server_env,
    setup_django,
    write_json,
)
from tests.support.processes import Gunicorn, http_get  # noqa: E402

FLOOR_PATH = "/bench/floor/"
# How often readers ask for each page type (relative weights), in the order the table shows them.
WEIGHTS = {
    "floor": 5,
    "home": 10,
    "directory": 5,
    "council": 10,
    "plan": 10,
    "commitment": 14,
    "workshop": 6,
    "proposals": 8,
    "proposals search": 6,
    "search": 6,
    "api list": 6,
    "api comments": 4,
    "opendata": 4,
}
LANGUAGES = ("ar", "fr")
WRITE_KINDS = ("proposal", "comment", "milestone")
STAGE_CHANGE_EVERY = 60  # seconds between two plan stage changes
TARGET_RATIO = 3.0  # every page type's p95 at most this many times the floor's
RENDERED = {"miss", "wait-miss"}
WAITED = {"miss", "wait", "wait-miss"}
RECEIVED_COUNT = re.compile(rb'status=received">[^<]*?(\d+)</a>')
# The marker a write leaves on its council's page: ASCII, so escaping cannot change it.
MARKER_PREFIX = "live-"


def parse_args(argv=None) -> argparse.Namespace:
    parser = script_parser(__doc__)
    add_server_arguments(parser, as_deployed=True)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=20, help="reading clients (default 20)")
    parser.add_argument(
        "--writes-per-second", type=float, default=2, help="writes per second (default 2)"
    )
    parser.add_argument(
        "--french", type=float, default=0.4, help="share of readers in French (default 0.4)"
    )
    parser.add_argument(
        "--per-type", type=int, default=20, help="URLs per page type and language (default 20)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the samples and the mix")
    parser.add_argument(
        "--no-collectstatic",
        action="store_true",
        help="serve the static files without the hashed manifest (a quick run; tests)",
    )
    return parser.parse_args(argv)


# --- the readers (a process of their own: their Python does not share this one's GIL) -----------


def read_load(port, mix, weights, french, clients, duration, seed, started, out) -> None:
    """`clients` threads reading `mix` ({kind: {language: [path]}}) for `duration` seconds;
    writes every answer (kind, language, status, X-Cache, seconds) and the process's CPU time
    to `out` as JSON. Sets `started` once the threads run."""
    kinds = list(weights)
    shares = [weights[kind] for kind in kinds]
    answers: list[list] = []
    guard = threading.Lock()
    deadline = time.monotonic() + duration

    def client(number: int) -> None:
        rng = random.Random(f"{seed}-reader-{number}")  # noqa: S311 - a load mix
        mine = []
        conn = None
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights=shares)[0]
            by_language = mix[kind]
            language = "fr" if rng.random() < french and "fr" in by_language else "ar"
            if language not in by_language:
                language = next(iter(by_language))
            path = rng.choice(by_language[language])
            headers = {"Accept-Language": language}
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status, state = response.status, response.getheader("X-Cache", "-")
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except OSError as error:
                status, state = 0, error.__class__.__name__
                conn.close()
                conn = None
            mine.append([kind, language, status, state, time.perf_counter() - began])
        if conn is not None:
            conn.close()
        with guard:
            answers.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    started.set()
    for thread in threads:
        thread.join()
    cpu = os.times()
    Path(out).write_text(json.dumps({"answers": answers, "cpu_s": cpu.user + cpu.system}))


# --- the sample of URLs --------------------------------------------------------------------------


def reader_mix(per_type: int, seed: int) -> dict[str, dict[str, list[str]]]:
    """{page type: {language: [path]}}: bench/_common.sample_paths plus the council directory,
    the search page and the open-data page. Needs Django set up."""
    from django.urls import reverse
    from django.utils import translation

    from bench._common import _common_words

    mix: dict[str, dict[str, list[str]]] = defaultdict(dict)
    mix["floor"]["-"] = [FLOOR_PATH]
    for language in LANGUAGES:
        for kind, paths in sample_paths(language, per_type, seed=seed).items():
            mix[kind][language] = paths
        with translation.override(language):
            directory = reverse("consultations:councils")
            search = reverse("sitesearch:search")
            opendata = reverse("opendata")
        mix["directory"][language] = [directory] + [
            f"{directory}?{urlencode(query)}"
            for query in ({"page": 2}, {"page": 3}, {"kind": "region"}, {"kind": "commune"})
        ]
        words = _common_words(language, min(per_type, 20))
        mix["search"][language] = [f"{search}?{urlencode({'q': word})}" for word in words]
        mix["opendata"][language] = [opendata]
    return {kind: mix[kind] for kind in WEIGHTS if mix.get(kind)}


# --- the writers ---------------------------------------------------------------------------------


@dataclass
class Check:
    """One write and what its council's page showed right after its commit."""

    kind: str
    council: str
    path: str
    committed_at: float = 0.0  # time.time() once the write's last transaction committed
    status: int = 0  # of the fetch after the commit
    x_cache: str = "-"
    seconds: float = 0.0  # of the fetch after the commit
    visible: bool = False
    visible_before: bool = False  # the change already on the page before the write: no test
    refused: str = ""  # the service refused the write (ValidationError), or the page before
    late_s: float = 0.0  # how late the write started after its slot


class Writers:
    """Targets drawn at random over the councils, and one write of each kind on them."""

    def __init__(self, port: int, seed: int, pool: int = 400):
        from django.contrib.auth import get_user_model

        from commitments.models import Comment, Commitment, Milestone
        from consultations.models import ActionPlan, WorkingGroup

        self.port = port
        self.rng = random.Random(f"{seed}-writers")  # noqa: S311
        self.guard = threading.Lock()
        user, _created = get_user_model().objects.get_or_create(
            username="bench-live",
            defaults={"is_staff": True, "is_superuser": True, "email": "bench-live@example.org"},
        )
        self.admin = user
        public = ActionPlan.objects.public()
        dialogue = public.filter(stage__in=Comment.DIALOGUE_STAGES)
        implementation = public.filter(stage=ActionPlan.Stage.IMPLEMENTATION)
        self.targets = {
            "comment": list(
                Commitment.objects.filter(plan__in=dialogue)
                .order_by("?")[:pool]
                .values_list("pk", flat=True)
            ),
            "milestone": list(
                Milestone.objects.filter(commitment__plan__in=implementation)
                .exclude(status__in=[Milestone.Status.COMPLETED, Milestone.Status.CANCELLED])
                .order_by("?")[:pool]
                .values_list("pk", flat=True)
            ),
            "proposal": list(
                WorkingGroup.objects.filter(
                    workshop__plan__in=public.exclude(stage=ActionPlan.Stage.CLOSED)
                )
                .order_by("?")[:pool]
                .values_list("pk", flat=True)
            ),
            "stage": list(
                public.filter(stage=ActionPlan.Stage.ADOPTED)
                .order_by("?")[:pool]
                .values_list("pk", flat=True)
            ),
        }

    def available(self) -> dict[str, int]:
        return {kind: len(ids) for kind, ids in self.targets.items()}

    def _pick(self, kind: str) -> int:
        with self.guard:
            ids = self.targets[kind]
            if kind == "stage":  # a plan moves once
                return ids.pop()
            return self.rng.choice(ids)

    def _page(self, path: str, language: str) -> tuple[int, str, bytes, float]:
        began = time.perf_counter()
        try:
            status, headers, body = http_get(
                self.port, path, {"Accept-Language": language}, timeout=60
            )
        except OSError as error:
            return 0, error.__class__.__name__, b"", time.perf_counter() - began
        return status, headers.get("X-Cache", "-"), body, time.perf_counter() - began

    def write(self, kind: str, language: str, late_s: float = 0.0) -> Check:
        """One write of `kind` on a random target, between two fetches of its council's page."""
        from django.core.exceptions import ValidationError

        prepare = getattr(self, f"_{kind}")
        check, write, shows = prepare(self._pick(kind), language)
        check.late_s = late_s
        status, _state, body, _seconds = self._page(check.path, language)
        if status != 200:
            check.refused = f"page before the write answered {status}"
            return check
        check.visible_before = shows(body)
        try:
            write()
        except ValidationError as error:
            check.refused = "; ".join(error.messages)[:200]
            return check
        check.committed_at = time.time()
        check.status, check.x_cache, body, check.seconds = self._page(check.path, language)
        check.visible = check.status == 200 and shows(body)
        return check

    # Each returns the check, the write (which commits) and how to tell its change on the page.

    def _comment(self, pk: int, language: str):
        from django.db import transaction
        from django.utils import translation

        from commitments.comments.selectors import COMMENTS_PER_PAGE
        from commitments.comments.services import comment_confirm, comment_post, comment_publish
        from commitments.models import Comment, Commitment

        commitment = Commitment.objects.select_related("plan__council").get(pk=pk)
        plan = commitment.plan
        phase = Comment.open_phase(plan, commitment)
        marker = f"{MARKER_PREFIX}{uuid.uuid4().hex[:12]}"
        conversation = Comment.objects.published().filter(
            plan=plan, commitment=commitment, phase=phase, parent__isnull=True
        )
        # The page the new comment lands on: the last one, once it is there.
        last = math.ceil((conversation.count() + 1) / COMMENTS_PER_PAGE)
        parameter = "questions" if phase == Comment.Phase.IMPLEMENTATION else "comments"
        with translation.override(language):
            path = commitment.get_absolute_url()
        if last > 1:
            path += f"?{parameter}={last}"

        def write():
            with transaction.atomic():
                comment = comment_post(
                    plan=plan,
                    commitment=commitment,
                    parent=None,
                    author_name="مواطن القياس الحي",
                    email=f"{marker}@example.org",
                    body=f"{COMMENT_AR} {marker}",
                    language=language,
                    fingerprint="bench-live",
                )
            comment = comment_confirm(comment=comment)
            if comment.state != Comment.State.PUBLISHED:  # the plan moderates its comments
                comment_publish(comment=comment, by=self.admin)

        council = plan.council.slug
        return Check("comment", council, path), write, lambda body: marker.encode() in body

    def _milestone(self, pk: int, language: str):
        from django.utils import translation

        from commitments.models import Milestone
        from commitments.progress.services import milestone_record_progress

        milestone = Milestone.objects.select_related("commitment__plan__council").get(pk=pk)
        marker = f"{MARKER_PREFIX}{uuid.uuid4().hex[:12]}"
        with translation.override(language):
            path = milestone.commitment.get_absolute_url()

        def write():
            milestone_record_progress(
                milestone=milestone,
                status=Milestone.Status.IN_PROGRESS,
                note_ar=f"تقدم الأشغال {marker}",
                note_fr=f"Avancement des travaux {marker}",
                by=self.admin,
            )

        council = milestone.commitment.plan.council.slug
        return Check("milestone", council, path), write, lambda body: marker.encode() in body

    def _proposal(self, pk: int, language: str):
        from django.db import transaction
        from django.utils import translation

        from consultations.models import Proposal, WorkingGroup

        group = WorkingGroup.objects.select_related("workshop__plan__council").get(pk=pk)
        plan = group.workshop.plan
        marker = f"{MARKER_PREFIX}{uuid.uuid4().hex[:12]}"
        received = Proposal.objects.public().filter(plan=plan, status=Proposal.Status.RECEIVED)
        with translation.override(language):
            path = plan.get_absolute_url()
        expected: set[int] = set()

        def write():
            # As the admin's working-group inline saves it: cleaned, then saved, atomically.
            with transaction.atomic():
                proposal = Proposal(
                    working_group=group,
                    council=plan.council,
                    kind=Proposal.Kind.PROPOSAL,
                    title_ar=f"مقترح القياس الحي {marker}",
                    title_fr=f"Proposition du banc d'essai {marker}",
                    body_ar="نشر معطيات الميزانية في شكل مفتوح.",
                    body_fr="Publier les données du budget en format ouvert.",
                    submitted_by="Association du banc d'essai",
                )
                proposal.full_clean()
                proposal.save()
            expected.add(received.count())

        def shows(body: bytes) -> bool:
            found = RECEIVED_COUNT.search(body)
            shown = int(found.group(1)) if found else 0
            if not expected:  # before the write: the count it will have is not known yet
                return shown == received.count() + 1
            # Another writer may have added one to the same plan since: the count now also goes.
            return shown in expected | {received.count()}

        return Check("proposal", plan.council.slug, path), write, shows

    def _stage(self, pk: int, language: str):
        from django.utils import translation

        from commitments.services import plan_change_stage
        from consultations.models import ActionPlan

        plan = ActionPlan.objects.select_related("council").get(pk=pk)
        with translation.override(language):
            path = plan.get_absolute_url()

        def write():
            plan_change_stage(plan=plan, to_stage=ActionPlan.Stage.IMPLEMENTATION, by=self.admin)

        marker = b'class="stage stage-implementation"'
        return Check("stage", plan.council.slug, path), write, lambda body: marker in body


def run_writers(writers: Writers, args, stop_at: float) -> list[Check]:
    """Writes at --writes-per-second, each on a slot of a fixed schedule (not after the previous
    one: a slow write does not slow the rate), on up to 16 threads; a stage change every
    STAGE_CHANGE_EVERY seconds, the first 5 s in."""
    from django.db import close_old_connections

    rng = random.Random(f"{args.seed}-schedule")  # noqa: S311
    interval = 1 / args.writes_per_second
    checks: list[Check] = []
    began = time.monotonic()
    futures = []
    with ThreadPoolExecutor(max_workers=16, thread_name_prefix="writer") as pool:
        slot, next_stage = 0, 5.0
        while True:
            due = began + slot * interval
            if due >= stop_at:
                break
            time.sleep(max(0.0, due - time.monotonic()))
            if due - began >= next_stage and writers.targets["stage"]:
                kind, next_stage = "stage", next_stage + STAGE_CHANGE_EVERY
            else:
                kind = rng.choice([k for k in WRITE_KINDS if writers.targets[k]])
            language = "fr" if rng.random() < args.french else "ar"

            def one(kind=kind, language=language, due=due):
                close_old_connections()
                return writers.write(kind, language, late_s=time.monotonic() - due)

            futures.append(pool.submit(one))
            slot += 1
    for future in futures:
        checks.append(future.result())
    return checks


# --- the run -------------------------------------------------------------------------------------


def warm_up(port: int, mix: dict) -> tuple[float, list[str]]:
    """GET every URL of the mix once, four at a time: the seconds it took and those not 200."""
    jobs = [(path, lang) for by_lang in mix.values() for lang, ps in by_lang.items() for path in ps]
    broken: list[str] = []
    began = time.monotonic()

    def get(job):
        path, language = job
        with contextlib.suppress(OSError):
            status = http_get(port, path, {"Accept-Language": language}, timeout=120)[0]
            if status == 200:
                return
            broken.append(f"{status} {path}")
            return
        broken.append(f"error {path}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(get, jobs))
    return time.monotonic() - began, broken


def summarise(answers: list[list], duration: float) -> list[dict]:
    """One row per page type: counts, percentiles (ms), X-Cache states, errors."""
    by_kind: dict[str, list[list]] = defaultdict(list)
    for answer in answers:
        by_kind[answer[0]].append(answer)
    rows = []
    for kind in WEIGHTS:
        mine = by_kind.get(kind, [])
        latencies = [a[4] for a in mine if a[2]]
        states = Counter(a[3] for a in mine if a[2])
        n = len(mine)
        rows.append(
            {
                "page": kind,
                "languages": sorted({a[1] for a in mine}),
                "requests": n,
                "rps": n / duration,
                "p50_ms": percentile(latencies, 50) * 1000,
                "p95_ms": percentile(latencies, 95) * 1000,
                "p99_ms": percentile(latencies, 99) * 1000,
                "waited": sum(states[s] for s in WAITED) / n if n else math.nan,
                "rendered": sum(states[s] for s in RENDERED) / n if n else math.nan,
                "x_cache": dict(states),
                "5xx": sum(1 for a in mine if a[2] >= 500),
                "other_non_2xx": sum(1 for a in mine if 0 < a[2] < 500 and not 200 <= a[2] < 300),
                "socket_errors": sum(1 for a in mine if a[2] == 0),
            }
        )
    floor = next(row for row in rows if row["page"] == "floor")
    for row in rows:
        row["p95_over_floor"] = row["p95_ms"] / floor["p95_ms"] if floor["requests"] else math.nan
        row["ok"] = (
            row["requests"] > 0
            and row["p95_over_floor"] <= TARGET_RATIO
            and row["5xx"] == 0
            and row["socket_errors"] == 0
        )
    return rows


def check_summary(checks: list[Check]) -> list[dict]:
    rows = []
    for kind in (*WRITE_KINDS, "stage"):
        mine = [c for c in checks if c.kind == kind]
        done = [c for c in mine if not c.refused]
        latencies = [c.seconds for c in done]
        rows.append(
            {
                "write": kind,
                "attempted": len(mine),
                "committed": len(done),
                "refused": len(mine) - len(done),
                "councils": len({c.council for c in done}),
                "stale": sum(1 for c in done if c.status == 200 and not c.visible),
                "check_errors": sum(1 for c in done if c.status != 200),
                "vacuous": sum(1 for c in done if c.visible_before),
                "check_p50_ms": percentile(latencies, 50) * 1000,
                "check_p95_ms": percentile(latencies, 95) * 1000,
                "x_cache": dict(Counter(c.x_cache for c in done)),
            }
        )
    return rows


def fmt(value: float, digits: int = 0) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def main(argv=None) -> int:
    args = parse_args(argv)
    queue = f"bench-live-{uuid.uuid4().hex[:8]}"
    base = server_env(args.database_url, args.redis_url, CELERY_QUEUE=queue)
    if args.no_collectstatic:
        base["STATIC_MANIFEST"] = "false"
    setup_django(base)
    info = machine(args.database_url)
    static_root = None if args.no_collectstatic else collect_static(base)
    env = server_env(args.database_url, args.redis_url, static_root=static_root, CELERY_QUEUE=queue)
    env["STATIC_MANIFEST"] = base["STATIC_MANIFEST"]
    from django.conf import settings

    stale_seconds = settings.NETWORK_STALE_SECONDS
    env["NETWORK_STALE_SECONDS"] = str(stale_seconds)  # the server and this process agree
    server = Gunicorn(
        env,
        Path(tempfile.mkdtemp(prefix="bench-live-")) / "gunicorn.log",
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        timeout=60,
        backlog=2048,
    )
    mix = reader_mix(args.per_type, args.seed)
    server.start()
    try:
        warm_s, broken = warm_up(server.port, mix)
        writers = Writers(server.port, args.seed)
        load_before = os.getloadavg()
        context = multiprocessing.get_context("spawn")
        started = context.Event()
        out = Path(tempfile.mkdtemp(prefix="bench-live-readers-")) / "answers.json"
        weights = {kind: WEIGHTS[kind] for kind in mix}
        readers = context.Process(
            target=read_load,
            args=(
                server.port,
                mix,
                weights,
                args.french,
                args.clients,
                args.duration,
                args.seed,
                started,
                str(out),
            ),
        )
        readers.start()
        if not started.wait(60):
            raise SystemExit("the readers did not start")
        cpu_before = os.times()
        load_ended = time.time() + args.duration  # when the readers stop
        checks = run_writers(writers, args, time.monotonic() + args.duration)
        readers.join()
        cpu_after = os.times()
        load_after = os.getloadavg()
        if readers.exitcode != 0:
            raise SystemExit(f"the readers' process failed ({readers.exitcode})")
        server.settle()
        logged = server.errors_logged()
    finally:
        server.stop(graceful=True)
        with contextlib.suppress(Exception):
            import redis

            redis.Redis.from_url(args.redis_url).delete(queue)
    read = json.loads(out.read_text())
    rows = summarise(read["answers"], args.duration)
    writes = check_summary(checks)
    writer_cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)

    print_machine(info)
    print(
        f"loadavg: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} when the load "
        f"started; {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} when it ended"
    )
    print(
        f"server:  {server.description}; DEBUG off, page cache in Redis "
        f"({args.redis_url.rsplit('/', 1)[-1]}), NETWORK_STALE_SECONDS={stale_seconds}; "
        f"database {args.database_url.rsplit('/', 1)[-1]}"
    )
    print(
        f"load:    {args.clients} readers (closed loop, keep-alive; {args.french:.0%} in French), "
        f"{args.writes_per_second:g} writes/s, {args.duration:g} s, after a warm-up GET of each "
        f"of {sum(len(p) for by in mix.values() for p in by.values())} URLs ({warm_s:.0f} s)"
    )
    print(
        f"clients: readers' process {read['cpu_s']:.1f} CPU s, writers and checks "
        f"{writer_cpu:.1f} CPU s over {args.duration:g} s (they share the cores with the server)\n"
    )
    headers = ["page", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "waited", "renders"]
    headers += ["5xx", "sock err", "p95/floor", f"<= {TARGET_RATIO:g}x"]
    table = [
        [
            row["page"],
            row["requests"],
            fmt(row["rps"], 1),
            fmt(row["p50_ms"], 1),
            fmt(row["p95_ms"], 1),
            fmt(row["p99_ms"], 1),
            fmt(100 * row["waited"], 1) + "%",
            fmt(100 * row["rendered"], 1) + "%",
            row["5xx"],
            row["socket_errors"],
            fmt(row["p95_over_floor"], 2),
            "yes" if row["ok"] else "NO",
        ]
        for row in rows
    ]
    print_table(headers, table)
    print(
        "\nwaited: requests that waited for a render (X-Cache miss, wait, wait-miss); renders:"
        " rendered by the request (miss, wait-miss). X-Cache per page type:"
    )
    for row in rows:
        states = " ".join(f"{state}={n}" for state, n in sorted(row["x_cache"].items()))
        other = f"; other non-2xx {row['other_non_2xx']}" if row["other_non_2xx"] else ""
        print(f"  {row['page']}: {states}{other}")
    print()
    headers = ["write", "attempted", "committed", "refused", "councils", "stale", "check err"]
    headers += ["vacuous", "check p50 ms", "check p95 ms"]
    print_table(
        headers,
        [
            [
                w["write"],
                w["attempted"],
                w["committed"],
                w["refused"],
                w["councils"],
                w["stale"],
                w["check_errors"],
                w["vacuous"],
                fmt(w["check_p50_ms"], 1),
                fmt(w["check_p95_ms"], 1),
            ]
            for w in writes
        ],
    )
    stale = sum(w["stale"] for w in writes)
    errors = sum(row["5xx"] for row in rows) + sum(w["check_errors"] for w in writes)
    committed = sum(w["committed"] for w in writes)
    within = sum(1 for c in checks if c.committed_at and c.committed_at <= load_ended)
    late = [c.late_s for c in checks]
    print(
        f"\nwrites: {committed} committed, {within} while the readers ran "
        f"({within / args.duration:.2f}/s), each checked on its council's page before and "
        f"right after its commit; late start p95 "
        f"{fmt(percentile(late, 95) * 1000)} ms. stale: the change not on the page after the "
        "commit; vacuous: already on it before (not a test)."
    )
    for check in checks:
        if check.refused:
            print(f"  refused {check.kind} ({check.council}): {check.refused}")
    slow = [row["page"] for row in rows if not row["ok"]]
    print(
        f"\ntarget:  every page type p95 <= {TARGET_RATIO:g}x floor p95: "
        + ("met" if not slow else f"NOT met ({', '.join(slow)})")
        + f"; 5xx and socket errors: {errors + sum(r['socket_errors'] for r in rows)}"
        + f"; stale council pages after a commit: {stale}"
    )
    if broken:
        print(f"\nURLs not 200 in the warm-up ({len(broken)}): {', '.join(broken[:10])}")
    print_server_log(server, logged)
    write_json(
        args.json,
        {
            "machine": info,
            "load_average_start": load_before,
            "load_average_end": load_after,
            "server": server.description,
            "network_stale_seconds": stale_seconds,
            "clients": args.clients,
            "duration_s": args.duration,
            "reader_cpu_s": read["cpu_s"],
            "writer_cpu_s": writer_cpu,
            "writes_committed_during_load": within,
            "pages": rows,
            "writes": writes,
            "checks": [asdict(check) for check in checks],
            "stale": stale,
            "warm_up_broken": broken,
            "server_log": logged,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
