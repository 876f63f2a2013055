"""What the benchmarks under bench/ share: the machine they ran on, the environment of a
production-like server, the comment benchmarks' stack (gunicorn, a Celery worker and an SMTP
sink, all from the harness the tests use too: tests/support/), the sample of public URLs, wrk
runs with a generated Lua script, percentiles and tables. Not a benchmark itself.

The server runs with bench.settings (opengov.settings plus a /bench/floor/ page), DEBUG off, the
hashed static manifest, persistent database connections and Redis as cache and broker: what
docker-compose.yml runs, less TLS (SECURE_HTTPS=false: the proxy terminates TLS there)."""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import html
import json
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from tests.support.processes import CeleryWorker, Gunicorn, http_get, wait_until
from tests.support.smtp import SMTPSink, smtp_env

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/infitah_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/10"
# Every client of a benchmark comes from 127.0.0.1, so the per-address comment limit (10 an hour
# by default) would refuse all but the first posts: the comment benchmarks raise it.
BENCH_COMMENT_LIMIT_PER_IP = 1_000_000_000
PERCENTILES = (50, 75, 90, 95, 99, 99.9)
# After the load, the comment and e-mail counts must stay still this long to be final.
SETTLE_SECONDS = 5

# The page types, in the order the tables show them.
PAGE_TYPES = (
    "home",
    "council",
    "plan",
    "commitment",
    "workshop",
    "proposals",
    "proposals search",
    "api list",
    "api comments",
)


# --- the machine ---------------------------------------------------------------------------------


def _version_of(command: list[str]) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - fixed tool names
            command, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "missing"
    out = (done.stdout or done.stderr).strip().splitlines()
    return out[0] if out else "?"


def postgres_version(database_url: str) -> str:
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=5) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error as error:
        return f"unreachable ({error.__class__.__name__})"


def machine(database_url: str | None = None) -> dict:
    """The facts a reader needs to compare figures between runs."""
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    info = {
        "nproc": os.cpu_count(),
        "load_average": os.getloadavg(),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "gunicorn": _version_of([PYTHON, "-m", "gunicorn", "--version"]),
        "wrk": _version_of(["wrk", "--version"]) if shutil.which("wrk") else "missing",
    }
    with contextlib.suppress(ImportError):
        import django

        info["django"] = django.get_version()
    if database_url:
        info["postgres"] = postgres_version(database_url)
    return info


def print_machine(info: dict) -> None:
    print(
        f"machine: {info['nproc']} cores ({info['cpu']}), {info['memory']}, {info['os']}; "
        f"python {info['python']}, django {info.get('django', '?')}, "
        f"postgres {info.get('postgres', '?')}"
    )
    print(f"tools:   {info['gunicorn']}; {info['wrk']}")
    load = info["load_average"]
    busy = " (BUSY: other work shares the cores; figures are not comparable)" if load[0] > 1 else ""
    print(f"loadavg: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} before the run{busy}")


# --- small helpers -------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation between closest ranks; nan if empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def print_table(headers: list[str], rows: list[list], right: set[int] | None = None) -> None:
    """A plain-text table; columns listed in `right` (default: all but the first) align right."""
    right = set(range(1, len(headers))) if right is None else right
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values):
        return "  ".join(
            v.rjust(w) if i in right else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(line(row))


def ms(microseconds: float, requests: int = 1) -> str:
    """Milliseconds for a table; "-" when the run completed no request."""
    return f"{microseconds / 1000:.1f}" if requests else "-"


# --- environment and Django ----------------------------------------------------------------------


def server_env(
    database_url: str, redis_url: str, *, static_root: Path | None = None, **extra: str
) -> dict[str, str]:
    """The environment of the server, the worker and this process's own Django: production
    settings (DEBUG off, hashed static files), plain HTTP on loopback."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-secret-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_HTTPS": "false",
        "STATIC_MANIFEST": "true",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    if static_root is not None:
        env["STATIC_ROOT"] = str(static_root)
    env.update(extra)
    return env


def setup_django(env: dict[str, str]) -> None:
    """Configure this process's Django like the server (same database, cache and settings)."""
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def collect_static(env: dict[str, str]) -> Path:
    """The hashed static files the server needs with DEBUG off, gathered once per set of source
    files into /tmp (whitenoise compresses them all: about 90 s on this machine) and reused."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    root = Path(tempfile.gettempdir()) / f"infitah-bench-static-{digest.hexdigest()[:16]}"
    if (root / "staticfiles.json").exists():
        return root
    print(f"collectstatic into {root} (once; about 90 s) ...", flush=True)
    partial = root.with_name(root.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run(  # noqa: S603 - our own manage.py
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        env={**env, "STATIC_ROOT": str(partial)},
        cwd=ROOT,
        check=True,
    )
    partial.rename(root)
    return root


# --- HTTP from Python (warm-up, CSRF tokens) -----------------------------------------------------


def csrf_credentials(port: int, page: str) -> tuple[str, str]:
    """GET a page as a new visitor: its CSRF cookie and the token of its comment form."""
    status, headers, body = http_get(port, page)
    if status != 200:
        raise SystemExit(f"GET {page} answered {status}")
    cookie = next(
        (
            c.split(";", 1)[0]
            for c in headers.get_all("Set-Cookie") or []
            if c.startswith("csrftoken=")
        ),
        None,
    )
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if cookie is None or match is None:
        raise SystemExit(f"{page} has no comment form (is the plan open for comments?)")
    return cookie, html.unescape(match.group(1).decode())


# --- the sample of public URLs -------------------------------------------------------------------


def _common_words(language: str, limit: int) -> list[str]:
    """The words proposals use most in `language` (4 letters or more): search terms that match."""
    from consultations.models import Proposal

    texts = (
        Proposal.objects.public()
        .order_by("-pk")
        .values_list(f"title_{language}", f"body_{language}")[:3000]
    )
    counts = Counter()
    for title, body in texts:
        words = re.findall(r"\w{4,}", f"{title or ''} {body or ''}")
        counts.update(word for word in words if not word.isdigit())
    return [word for word, _n in counts.most_common(limit)]


def sample_paths(language: str, per_type: int, seed: int = 1) -> dict[str, list[str]]:
    """Up to `per_type` paths of each public page type in `language`, drawn at random (seeded)
    among the public objects, so that load spreads over many rows as real readers do.
    Needs Django set up."""
    from django.urls import reverse
    from django.utils import translation

    from commitments.models import Comment, Commitment
    from consultations import selectors
    from consultations.models import ActionPlan, Council, Proposal, Workshop

    rng = random.Random(f"{seed}-{language}")  # noqa: S311 - a reproducible sample

    def pick(queryset):
        ids = list(queryset.values_list("pk", flat=True))
        return rng.sample(ids, min(per_type, len(ids)))

    paths: dict[str, list[str]] = {}
    with translation.override(language):
        paths["home"] = [reverse("home")]
        paths["council"] = [
            c.get_absolute_url() for c in Council.objects.filter(pk__in=pick(Council.objects))
        ]
        plans = ActionPlan.objects.public()
        paths["plan"] = [
            p.get_absolute_url() for p in plans.filter(pk__in=pick(plans)).select_related("council")
        ]
        commitments = Commitment.objects.of_public_plans()
        paths["commitment"] = [
            c.get_absolute_url()
            for c in commitments.filter(pk__in=pick(commitments)).select_related("plan__council")
        ]
        workshops = Workshop.objects.public()
        paths["workshop"] = [reverse("consultations:workshop", args=[pk]) for pk in pick(workshops)]
        proposals = reverse("consultations:proposals")
        pages = max(1, math.ceil(Proposal.objects.public().count() / selectors.per_page()))
        paths["proposals"] = [proposals] + [
            f"{proposals}?page={n}" for n in range(2, min(per_type, pages) + 1)
        ]
        paths["proposals search"] = [
            f"{proposals}?{urlencode({'q': word})}"
            for word in _common_words(language, min(per_type, 20))
        ]
    # The API is not under a language prefix; the run sends Accept-Language instead.
    councils = Council.objects.filter(
        pk__in=Commitment.objects.of_public_plans().values("plan__council")
    )
    paths["api list"] = [
        f"/api/v1/commitments/?council={quote(slug)}"
        for slug in rng.sample(
            sorted(councils.values_list("slug", flat=True)), min(per_type, councils.count())
        )
    ] or ["/api/v1/commitments/"]
    # The largest collection (2 million comments at national scale), paged by cursor: the first
    # page and pages deep into the list, reached by a cursor as a client walking it would.
    comments = Comment.objects.published().order_by("pk").values_list("pk", flat=True)
    total = comments.count()
    paths["api comments"] = ["/api/v1/comments/"] + [
        "/api/v1/comments/?" + urlencode({"cursor": _cursor_after(comments[n * total // per_type])})
        for n in range(1, per_type)
        if total
    ]
    return {kind: found for kind, found in paths.items() if found}


def _cursor_after(pk: int) -> str:
    """A cursor of the API's cursor pagination positioned after `pk` (what a "next" link holds)."""
    return base64.b64encode(urlencode({"p": pk}).encode()).decode()


# --- wrk -----------------------------------------------------------------------------------------

_LUA_DONE = r"""
function done(summary, latency, requests)
  local statuses, accepted = {}, {}
  for _, t in ipairs(all_threads) do
    for code, n in pairs(t:get("statuses")) do statuses[code] = (statuses[code] or 0) + n end
    local mine = t:get("accepted")
    if mine then for _, email in ipairs(mine) do accepted[#accepted + 1] = email end end
  end
  local parts = {}
  for code, n in pairs(statuses) do parts[#parts + 1] = string.format('"%d": %d', code, n) end
  local pcts = {}
  for _, p in ipairs({PERCENTILES}) do
    pcts[#pcts + 1] = string.format('"%s": %d', p, latency:percentile(p))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "mean": %.1f, "max": %d, "percentiles": {%s}}, ' ..
    '"statuses": {%s}, "accepted": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.timeout,
    latency.min, latency.mean, latency.max, table.concat(pcts, ", "),
    table.concat(parts, ", "), #accepted))
  if ACCEPTED_FILE ~= "" then
    local f = io.open(ACCEPTED_FILE, "w")
    for _, email in ipairs(accepted) do f:write(email, "\n") end
    f:close()
  end
end
"""

_LUA_GET = r"""
all_threads = {}
local count = 0
function setup(thread)
  count = count + 1
  thread:set("tid", count)
  table.insert(all_threads, thread)
end
function init(args)
  statuses = {}
  i = (tid * 7) % #PATHS  -- threads start at different places in the list
end
function request()
  i = i % #PATHS + 1
  return wrk.format("GET", PATHS[i], HEADERS)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
"""

# One connection per thread, so that request() and response() alternate and the response can be
# matched with the e-mail address of the comment it answers.
_LUA_POST = r"""
all_threads = {}
local count = 0
function setup(thread)
  count = count + 1
  local c = CREDENTIALS[(count - 1) % #CREDENTIALS + 1]
  thread:set("tid", count)
  thread:set("cookie", c[1])
  thread:set("token", c[2])
  table.insert(all_threads, thread)
end
function init(args)
  statuses, accepted, n, last = {}, {}, 0, nil
end
function request()
  n = n + 1
  last = EMAIL_PREFIX .. tid .. "-" .. n .. "@example.org"
  local body = "csrfmiddlewaretoken=" .. token .. "&email=" .. last:gsub("@", "%%40") ..
    "&consent=on&website=&" .. FORM_TAIL
  return wrk.format("POST", PATHS[(n + tid) % #PATHS + 1], {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local location = headers["Location"] or headers["location"] or ""
  if status == 302 and location:find("/comments/sent/", 1, true) then
    accepted[#accepted + 1] = last
  end
end
"""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string with only ASCII escapes is a valid Lua string


def _lua_list(values: list[str]) -> str:
    return "{" + ", ".join(_lua_string(v) for v in values) + "}"


@dataclass
class WrkResult:
    label: str
    requests: int
    seconds: float
    latency_us: dict
    statuses: dict[int, int]
    errors: dict[str, int]
    accepted: int = 0
    accepted_emails: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def p(self, pct: float) -> float:
        return float(self.latency_us["percentiles"][f"{pct:g}"])

    def count(self, low: int, high: int) -> int:
        return sum(n for code, n in self.statuses.items() if low <= code <= high)

    @property
    def non_2xx(self) -> int:
        return sum(n for code, n in self.statuses.items() if not 200 <= code <= 299)

    @property
    def socket_errors(self) -> int:
        return sum(self.errors.values())

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "requests_per_s": round(self.rps, 1),
            "latency_ms": {
                "min": self.latency_us["min"] / 1000,
                "mean": round(self.latency_us["mean"] / 1000, 2),
                "max": self.latency_us["max"] / 1000,
                **{f"p{k}": v / 1000 for k, v in self.latency_us["percentiles"].items()},
            },
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "non_2xx": self.non_2xx,
            "socket_errors": self.errors,
        }


class Wrk:
    """A wrk run against 127.0.0.1:<port>: GETs rotating over `paths`, or comment POSTs.
    Latency percentiles come from wrk's own histogram; status counts from the Lua script."""

    def __init__(
        self,
        label: str,
        port: int,
        paths: list[str],
        *,
        connections: int,
        duration: float,
        threads: int | None = None,
        headers: dict[str, str] | None = None,
        post: dict | None = None,
        timeout: int = 30,
    ):
        if not shutil.which("wrk"):
            raise SystemExit("wrk is missing: apt-get install -y wrk")
        self.label, self.port, self.connections = label, port, connections
        self.duration = max(1, round(duration))
        self.timeout = timeout
        self.directory = Path(tempfile.mkdtemp(prefix="bench-wrk-"))
        self.accepted_file = self.directory / "accepted.txt" if post else None
        lua = [
            f"PATHS = {_lua_list(paths)}",
            "HEADERS = {"
            + ", ".join(
                f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in (headers or {}).items()
            )
            + "}",
            f"ACCEPTED_FILE = {_lua_string(str(self.accepted_file or ''))}",
        ]
        if post:
            # One thread per client: each has its own CSRF cookie and token.
            self.threads = connections
            lua.append(
                "CREDENTIALS = {"
                + ", ".join(
                    f"{{{_lua_string(c)}, {_lua_string(t)}}}" for c, t in post["credentials"]
                )
                + "}"
            )
            lua.append(f"EMAIL_PREFIX = {_lua_string(post['email_prefix'])}")
            lua.append(f"FORM_TAIL = {_lua_string(urlencode(post['fields']))}")
            lua.append(_LUA_POST)
        else:
            self.threads = min(threads or 2, connections)
            lua.append(_LUA_GET)
        lua.append(
            _LUA_DONE.replace("{PERCENTILES}", "{" + ", ".join(f"{p:g}" for p in PERCENTILES) + "}")
        )
        self.script = self.directory / "script.lua"
        self.script.write_text("\n".join(lua))
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            "wrk",
            f"--threads={self.threads}",
            f"--connections={self.connections}",
            f"--duration={self.duration}s",
            f"--timeout={self.timeout}s",
            f"--script={self.script}",
            f"http://127.0.0.1:{self.port}",
        ]
        self.process = subprocess.Popen(  # noqa: S603 - wrk on loopback
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def result(self) -> WrkResult:
        out, err = self.process.communicate()
        line = next((x for x in out.splitlines() if x.startswith("BENCHJSON ")), None)
        if self.process.returncode != 0 or line is None:
            raise SystemExit(f"wrk failed ({self.process.returncode}):\n{out}\n{err}")
        data = json.loads(line.removeprefix("BENCHJSON "))
        emails = []
        if self.accepted_file and self.accepted_file.exists():
            emails = self.accepted_file.read_text().split()
        shutil.rmtree(self.directory, ignore_errors=True)
        return WrkResult(
            label=self.label,
            requests=data["requests"],
            seconds=data["duration_us"] / 1e6,
            latency_us=data["latency_us"],
            statuses={int(k): v for k, v in data["statuses"].items()},
            errors=data["errors"],
            accepted=data["accepted"],
            accepted_emails=emails,
        )

    def run(self) -> WrkResult:
        self.start()
        return self.result()


# --- the comment benchmarks' plan ----------------------------------------------------------------

COMMENT_AR = (
    "أقترح نشر محاضر دورات المجلس ومعطيات الميزانية في شكل مفتوح، "
    "مع لقاءات دورية مع جمعيات الأحياء."
)


@dataclass
class BenchPlan:
    """A council of the benchmark's own with a plan open for comments and a few commitments;
    removed at the end with every comment posted on it."""

    council_id: int
    plan_id: int
    commitment_ids: list[int]
    page_paths: list[str]
    comment_paths: list[str]

    @classmethod
    def create(cls, commitments: int = 3, language: str = "ar") -> BenchPlan:
        import datetime

        from django.db import transaction
        from django.urls import reverse
        from django.utils import timezone, translation

        from commitments.models import Commitment
        from consultations.models import ActionPlan, Council

        today = timezone.localdate()
        tag = uuid.uuid4().hex[:6]
        with transaction.atomic():
            council = Council.objects.create(
                kind=Council.Kind.COMMUNE,
                slug=f"bench-comments-{tag}",
                code=f"B{tag.upper()}",
                name_ar="جماعة قياس الأداء",
                name_fr="Commune du banc d'essai",
            )
            plan = ActionPlan.objects.create(
                council=council,
                start_year=today.year,
                end_year=today.year + 2,
                title_ar="خطة عمل للقياس",
                title_fr="Plan d'action du banc d'essai",
                stage=ActionPlan.Stage.CONSULTATION,
                consultation_opens_on=today - datetime.timedelta(days=1),
                consultation_closes_on=today + datetime.timedelta(days=10),
            )
            items = [
                Commitment.objects.create(
                    plan=plan,
                    reference=f"BEN-{today.year}-{n:02d}",
                    position=n,
                    title_ar=f"الالتزام {n}",
                    title_fr=f"Engagement {n}",
                    transparency=True,
                )
                for n in range(1, commitments + 1)
            ]
        with translation.override(language):
            page_paths = [plan.get_absolute_url()] + [c.get_absolute_url() for c in items]
            comment_paths = [
                reverse("commitments:plan_comment", args=[council.slug, plan.start_year])
            ] + [
                reverse(
                    "commitments:commitment_comment",
                    args=[council.slug, plan.start_year, c.reference],
                )
                for c in items
            ]
        return cls(council.pk, plan.pk, [c.pk for c in items], page_paths, comment_paths)

    def comments(self):
        from commitments.models import Comment

        return Comment.objects.filter(plan_id=self.plan_id)

    def remove(self) -> None:
        from django.db import transaction

        from commitments.models import Comment, Commitment
        from consultations.models import ActionPlan, Council

        with transaction.atomic():
            Comment.objects.filter(plan_id=self.plan_id).delete()
            Commitment.objects.filter(plan_id=self.plan_id).delete()
            ActionPlan.objects.filter(pk=self.plan_id).delete()
            Council.objects.filter(pk=self.council_id).delete()
            # The tracked models keep a history row per save and delete: drop those too.
            Commitment.history.model.objects.filter(id__in=self.commitment_ids).delete()
            ActionPlan.history.model.objects.filter(id=self.plan_id).delete()


def comment_fields() -> dict[str, str]:
    return {"author_name": "مواطن قياس الأداء", "body": COMMENT_AR}


class CommentStack:
    """The SMTP sink, the Celery worker and gunicorn of the comment benchmarks, on a queue of
    their own, with the per-address comment limit raised; a plan open for comments."""

    def __init__(self, args, log_dir: Path):
        self.args = args
        self.log_dir = log_dir
        self.queue = f"bench-{uuid.uuid4().hex[:8]}"
        self.sink = SMTPSink(keep_messages=False)
        base = server_env(args.database_url, args.redis_url)
        setup_django(base)
        static_root = collect_static(base)
        self.env = server_env(
            args.database_url,
            args.redis_url,
            static_root=static_root,
            CELERY_QUEUE=self.queue,
            COMMENT_LIMIT_PER_IP=str(BENCH_COMMENT_LIMIT_PER_IP),
            **smtp_env(self.sink.port),
        )
        self.server = Gunicorn(
            self.env,
            log_dir / "gunicorn.log",
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.threads,
            timeout=60,
            backlog=2048,
        )
        self.worker = CeleryWorker(
            self.env,
            log_dir / "worker.log",
            queue=self.queue,
            pool="prefork",
            concurrency=args.worker_concurrency,
            node=self.queue,
        )
        self.plan: BenchPlan | None = None

    def __enter__(self) -> CommentStack:
        try:
            self.sink.start()
            self.worker.start()
            self.server.start()
            self.plan = BenchPlan.create()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop(graceful=True)
        self.worker.stop(graceful=True)
        self.sink.stop()
        if self.plan is not None and not self.args.keep:
            self.plan.remove()
        with contextlib.suppress(Exception):
            import redis

            redis.Redis.from_url(self.args.redis_url).delete(self.queue)

    def describe(self) -> None:
        print(
            f"server:  {self.server.description}; celery worker prefork x "
            f"{self.args.worker_concurrency}, queue {self.queue}; SMTP sink on port "
            f"{self.sink.port}"
        )
        print(
            f"note:    COMMENT_LIMIT_PER_IP={BENCH_COMMENT_LIMIT_PER_IP} for this run (every "
            "client is 127.0.0.1); the per-e-mail limit is unchanged, each post uses a new address"
        )

    def credentials(self, clients: int) -> list[tuple[str, str]]:
        """One new visitor per client: GET a page of the plan, keep its cookie and token."""
        pages = self.plan.page_paths
        return [csrf_credentials(self.server.port, pages[i % len(pages)]) for i in range(clients)]

    def post_options(self, clients: int) -> dict:
        return {
            "credentials": self.credentials(clients),
            "email_prefix": f"{self.queue}-",
            "fields": comment_fields(),
        }

    def wait_for_mail(self, accepted: set[str], timeout: float) -> MailReport:
        """Wait until every comment row of the plan has had its e-mail, then compare."""
        comments = self.plan.comments()
        started = time.monotonic()
        # Requests in flight when wrk stopped are still served: the counts must also stay still.
        last = {"counts": None, "since": started}

        def all_sent() -> bool:
            self.worker.alive()
            rows, mailed = comments.count(), self.sink.count()
            if (rows, mailed) != last["counts"]:
                last.update(counts=(rows, mailed), since=time.monotonic())
            return (
                time.monotonic() - last["since"] >= SETTLE_SECONDS
                and rows >= len(accepted)
                and not comments.filter(confirmation_sent_at__isnull=True).exists()
                and mailed >= rows
            )

        with contextlib.suppress(SystemExit):
            wait_until(all_sent, timeout, "the confirmation e-mails", interval=0.5, fail=sys.exit)
        waited = time.monotonic() - started
        rows = {
            email.lower(): created.timestamp()
            for email, created in comments.values_list("email", "created_at")
        }
        received = self.sink.arrivals()
        mailed: dict[str, float] = {}
        for when, recipient in received:
            mailed.setdefault(recipient.lower(), when)
        delays = [mailed[e] - rows[e] for e in rows if e in mailed]
        times = sorted(when for when, _r in received)
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        return MailReport(
            accepted=len(accepted),
            rows=len(rows),
            emails=len(received),
            lost_posts=len(accepted - rows.keys()),
            rows_without_email=len(rows.keys() - mailed.keys()),
            duplicate_emails=len(received) - len(mailed),
            unexpected_emails=len(mailed.keys() - rows.keys()),
            extra_rows=len(rows.keys() - accepted),
            emails_per_s=(len(received) - 1) / span if span else math.nan,
            drain_s=max(0.0, waited - SETTLE_SECONDS),
            delay_p50=percentile(delays, 50),
            delay_p95=percentile(delays, 95),
            delay_max=max(delays) if delays else math.nan,
        )


@dataclass
class MailReport:
    accepted: int
    rows: int
    emails: int
    lost_posts: int  # accepted (302 seen by the client) but no row
    rows_without_email: int
    duplicate_emails: int
    unexpected_emails: int
    extra_rows: int  # rows whose answer the client never saw (in flight when wrk stopped)
    emails_per_s: float
    drain_s: float
    delay_p50: float
    delay_p95: float
    delay_max: float

    @property
    def lost(self) -> int:
        return self.lost_posts + self.rows_without_email

    def print(self) -> None:
        print(
            f"comments: {self.accepted} accepted posts, {self.rows} rows, {self.emails} "
            f"confirmation e-mails received"
            + (
                f" ({self.extra_rows} rows saved after wrk stopped waiting)"
                if self.extra_rows
                else ""
            )
        )
        print(
            f"e-mails:  {self.emails_per_s:.1f} e-mails/s through the worker; post-to-inbox delay "
            f"p50 {self.delay_p50:.2f} s, p95 {self.delay_p95:.2f} s, max {self.delay_max:.2f} s; "
            f"{self.drain_s:.1f} s to drain after the load"
        )
        print(
            f"lost: {self.lost}  (accepted without a row: {self.lost_posts}; rows without an "
            f"e-mail: {self.rows_without_email}; duplicate e-mails: {self.duplicate_emails}; "
            f"e-mails for no row: {self.unexpected_emails})"
        )

    def as_dict(self) -> dict:
        data = {
            k: None if isinstance(v, float) and math.isnan(v) else v for k, v in vars(self).items()
        }
        return data | {"lost": self.lost}


def script_parser(doc: str, *, epilog_from: int = 2) -> argparse.ArgumentParser:
    """A bench script's parser: its docstring's first paragraph as the description, and the
    paragraphs from `epilog_from` on as the epilog, laid out as written."""
    return argparse.ArgumentParser(
        description=" ".join(doc.split("\n\n")[0].split()),
        epilog=doc.split("\n\n", epilog_from)[epilog_from],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_server_arguments(parser, *, as_deployed: bool = False) -> None:
    """The server options; `as_deployed`: gthread with 8 threads by default, as the Dockerfile
    deploys (else sync, one thread)."""
    worker_class, threads = ("gthread", 8) if as_deployed else ("sync", 1)
    deployed = "as the Dockerfile deploys" if as_deployed else "the Dockerfile deploys gthread"
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help="the database to serve (default: $DATABASE_URL)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
        help="cache and broker (default: $REDIS_URL, else %(default)s)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--worker-class",
        default=worker_class,
        choices=["sync", "gthread"],
        help=f"gunicorn worker class (default {worker_class}; {deployed})",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=threads,
        help=f"threads per gthread worker (default {threads})",
    )
    parser.add_argument(
        "--json", metavar="FILE", help="also write the figures as JSON ('-': stdout)"
    )


def add_comment_arguments(parser) -> None:
    parser.add_argument(
        "--worker-concurrency",
        type=int,
        default=2,
        help="Celery worker processes (default 2, as docker-compose.yml)",
    )
    parser.add_argument(
        "--mail-timeout",
        type=float,
        default=300,
        help="longest wait for the e-mails after the load, in seconds (default 300)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the benchmark's council, plan and comments"
    )


def print_server_log(server: Gunicorn, logged: dict[str, int]) -> None:
    print(
        f"server log: {logged['tracebacks']} tracebacks, {logged['worker timeouts']} worker "
        f"timeouts ({server.log})"
    )


def write_json(target: str | None, data: dict) -> None:
    if not target:
        return
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    if target == "-":
        print(text)
    else:
        Path(target).write_text(text + "\n")
