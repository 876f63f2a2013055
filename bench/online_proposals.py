"""Benchmark of online proposals at national scale: the proposals list sorted by support, a
proposal's page and a support request: latency, queries per request, the SQL of the sort.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infitah_bench18 \\
    REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/online_proposals.py [--requests 200]

It needs the national data set with online proposals and supports whose proposals windows are
open today: `manage.py generate_scale --councils 1590 --base-date <today>` into a migrated
database (3-4 minutes on this machine; docs/performance.md). It reuses that database as it is.

Three parts. (1) Queries per request, in this process through Django's test client (page cache
off): for each sampled URL the queries of one request (CaptureQueriesContext), on the plans with
the most online proposals and on the most supported proposals (thousands of supports) as well
as random ones, so a count that grew with the data would show. (2) Latency through gunicorn
(2 sync workers, production settings), one request at a time (--requests per row, rotating
over the sample), with the page cache ("hit", what readers get) and without it ("off", a
second server with PAGE_CACHE_SECONDS=0, as just after a change); a support request is never
cached. (3) EXPLAIN ANALYZE of the sort by support, on the busiest plan and network-wide.

The list sorted by support (`?sort=support`) is measured only when the list honours it (one
of its queries orders by support_count); otherwise the output says so and the list is
measured without it. Every support request uses a new address, so each one saves a pending
support and queues its confirmation e-mail (no worker runs: the queue is purged at the end);
the pending supports made are deleted at the end. Every request comes from 127.0.0.1, so the
per-address support limit is raised for the run (the output says so).
"""

import argparse
import http.client
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

# The repository root, not bench/, first on the path: bench/settings.py must not shadow anything.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import (  # noqa: E402
    BENCH_COMMENT_LIMIT_PER_IP,
    add_server_arguments,
    collect_static,
    csrf_credentials,
    machine,
    percentile,
    print_machine,
    print_server_log,
    print_table,
    script_parser,
    server_env,
    setup_django,
    write_json,
)
from tests.support.processes import Gunicorn, http_get  # noqa: E402

EMAIL_PREFIX = "bench-support-"
FLOOR_PATH = "/bench/floor/"  # a bare Django page (bench/urls.py): the server's own floor
LIMITS = {"SUPPORT_LIMIT_PER_IP": str(BENCH_COMMENT_LIMIT_PER_IP)}
CACHE_STATES = {"hit": {}, "off": {"PAGE_CACHE_SECONDS": "0"}}
KINDS = ("list by support, plan", "list by support, network", "list, plan", "proposal", "support")


def parse_args() -> argparse.Namespace:
    parser = script_parser(__doc__)
    add_server_arguments(parser)
    parser.add_argument(
        "--requests", type=int, default=200, help="requests per row, one at a time (default 200)"
    )
    parser.add_argument(
        "--per-type", type=int, default=20, help="plans and proposals sampled (default 20)"
    )
    parser.add_argument("--language", default="ar", choices=["ar", "fr"])
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample")
    return parser.parse_args()


# --- the data -----------------------------------------------------------------------------------


def data_rows() -> dict[str, int]:
    from consultations.models import ActionPlan, Proposal, ProposalSupport

    online = Proposal.objects.filter(workshop__isnull=True, consent_at__isnull=False)
    top = online.order_by("-support_count").values_list("support_count", flat=True).first()
    return {
        "proposals": Proposal.objects.count(),
        "online proposals": online.count(),
        "published online": online.filter(publication="published").count(),
        "supports": ProposalSupport.objects.count(),
        "plans open for proposals": ActionPlan.objects.open_for_proposals().count(),
        "most supports on one proposal": top or 0,
    }


def sample(args) -> dict[str, list[str]]:
    """The URLs of each kind: the plans open for proposals with the most online proposals, and
    supportable proposals (the most supported ones and random ones)."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import translation

    from consultations.models import ActionPlan, Proposal

    rng = random.Random(args.seed)  # noqa: S311 - a reproducible sample
    open_plans = ActionPlan.objects.open_for_proposals().public()
    busiest = list(
        open_plans.annotate(n=Count("proposals", filter=Q(proposals__consent_at__isnull=False)))
        .order_by("-n")
        .values_list("pk", "council_id")[: args.per_type * 3]
    )
    plans = rng.sample(busiest, min(args.per_type, len(busiest)))
    supportable = Proposal.objects.public().filter(
        plan__in=open_plans, duplicate_of__isnull=True, workshop__isnull=True
    )
    most = list(supportable.order_by("-support_count").values_list("pk", flat=True)[:5])
    ids = list(supportable.values_list("pk", flat=True)[:5000])
    others = rng.sample(ids, min(max(0, args.per_type - len(most)), len(ids)))
    if not plans or not most:
        raise SystemExit(
            "No plan open for proposals today with online proposals: generate the data with "
            "`manage.py generate_scale --councils 1590 --base-date <today>` (see the docstring)."
        )
    plans_of = {
        p.pk: p.plan
        for p in Proposal.objects.filter(pk__in=most + others).select_related("plan__council")
    }
    with translation.override(args.language):
        listing = reverse("consultations:proposals")
        by_plan = [{"council": council, "plan": plan} for plan, council in plans]
        return {
            "list by support, plan": [
                f"{listing}?{urlencode(q | {'sort': 'support'})}" for q in by_plan
            ],
            "list by support, network": [f"{listing}?sort=support"]
            + [f"{listing}?sort=support&page={n}" for n in range(2, 6)],
            "list, plan": [f"{listing}?{urlencode(q)}" for q in by_plan],
            "proposal": [reverse("commitments:proposal", args=[pk]) for pk in most + others],
            "support": [reverse("commitments:proposal_support", args=[pk]) for pk in most + others],
            # Where a client can get a CSRF token without the proposal's page: the plan's page
            # (its follow form).
            "plan pages": [plans_of[pk].get_absolute_url() for pk in most + others],
        }


def support_form(csrf_token: str | None = None) -> dict[str, str]:
    """A valid support form: a new address, consent, the honeypot empty, shown a minute ago."""
    from opengov import formtime

    fields = {
        "email": f"{EMAIL_PREFIX}{uuid.uuid4().hex[:12]}@example.org",
        "consent": "on",
        "website": "",
        formtime.FIELD: formtime.stamp(time.time() - 60),
    }
    if csrf_token:
        fields["csrfmiddlewaretoken"] = csrf_token
    return fields


# --- (1) queries per request ---------------------------------------------------------------------


def count_queries(paths: dict[str, list[str]], language: str) -> tuple[dict, bool]:
    """Queries, status and time of one request per sampled URL (this process, cache off);
    and whether the list honours ?sort=support."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    # A page not written yet (another branch) answers 500 here and is left out of the run.
    client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
    client.get(paths["list, plan"][0])  # first-request work out of the way
    found: dict[str, list[dict]] = {}
    sorted_by_support = False
    for kind in KINDS:
        found[kind] = []
        for path in paths[kind]:
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                if kind == "support":
                    response = client.post(path, support_form())
                else:
                    response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if kind.startswith("list by support"):
                sorted_by_support |= any(
                    '"support_count" DESC' in q["sql"] for q in captured.captured_queries
                )
            found[kind].append(
                {"path": path, "status": response.status_code, "queries": len(captured),
                 "ms": round(elapsed, 1)}
            )  # fmt: skip
    return found, sorted_by_support


# --- (2) latency through gunicorn --------------------------------------------------------------


def http_post(port: int, path: str, fields: dict, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST",
            path,
            body=urlencode(fields),
            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def latency(server: Gunicorn, kind: str, sample: dict, requests: int, language: str) -> dict:
    headers = {"Accept-Language": language}
    credentials = {}
    if kind == "support":
        # The proposal's page gives a visitor its CSRF cookie and token; without it, the plan's
        # page does (a form's token is good for every form sent with the same cookie).
        for path, plan_page in zip(sample["support"], sample["plan pages"], strict=True):
            page = path.removesuffix("support/")
            if http_get(server.port, page, headers)[0] != 200:
                page = plan_page
            credentials[path] = csrf_credentials(server.port, page)
    paths = sample[kind] if kind != "floor" else [FLOOR_PATH]
    # Warm-up: each URL into the cache (when there is one), and every worker past its first
    # requests (lazy imports, translations, URL resolvers: 0.3 s each).
    for _round in range(2 * server.workers):
        for path in paths if kind != "support" else []:
            http_get(server.port, path, headers)
    times, statuses = [], {}
    for n in range(requests):
        path = paths[n % len(paths)]
        started = time.perf_counter()
        if kind == "support":
            cookie, token = credentials[path]
            status = http_post(server.port, path, support_form(token), cookie)
        else:
            status = http_get(server.port, path, headers)[0]
        times.append((time.perf_counter() - started) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "requests": requests,
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "statuses": statuses,
    }


def measure_latency(args, paths, kinds, static_root) -> tuple[dict, dict, str]:
    results, logs, description = {}, {}, ""
    for cache, extra in CACHE_STATES.items():
        env = server_env(args.database_url, args.redis_url, static_root=static_root)
        # This process turned its own page cache off: the server starts from the default.
        env.pop("PAGE_CACHE_SECONDS", None)
        server = Gunicorn(
            env | LIMITS | extra,
            Path(tempfile.mkdtemp(prefix=f"bench-online-{cache}-")) / "gunicorn.log",
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.threads,
            timeout=60,
        )
        server.start()
        description = server.description
        try:
            for kind in ["floor", *kinds]:
                if kind == "support" and cache == "hit":
                    continue  # a POST is never cached: measured once
                results[(kind, cache)] = latency(server, kind, paths, args.requests, args.language)
            logs[cache] = (server, server.errors_logged())
        finally:
            server.stop(graceful=True)
    return results, logs, description


# --- (3) the SQL of the sort -----------------------------------------------------------------


def explain_sort() -> list[list]:
    from django.db import connection
    from django.db.models import Count

    from consultations.models import Proposal

    busiest = (
        Proposal.objects.filter(consent_at__isnull=False)
        .values("plan")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["plan"]
    )
    by_support = Proposal.objects.public().order_by("-support_count", "-id")
    most = Proposal.objects.order_by("-support_count").first()
    queries = {
        f"plan {busiest}: published by support, 20": by_support.filter(plan=busiest)[:20],
        "network: published by support, 20": by_support[:20],
        f"supports of proposal {most.pk} ({most.support_count:,})": most.supports.filter(
            state="confirmed"
        )
        .values("proposal")
        .annotate(n=Count("id")),
    }
    rows = []
    for label, queryset in queries.items():
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0][0]
        indexes, node = [], [plan["Plan"]]
        while node:
            current = node.pop()
            if "Index Name" in current:
                indexes.append(f"{current['Node Type']} {current['Index Name']}")
            elif current["Node Type"] == "Seq Scan":
                indexes.append(f"Seq Scan {current['Relation Name']}")
            node.extend(current.get("Plans", []))
        rows.append([label, f"{plan['Execution Time']:.2f}", "; ".join(indexes)])
    return rows


# --- the run ----------------------------------------------------------------------------------


def clean_up() -> int:
    """Delete the pending supports this run asked for; purge the confirmation tasks queued."""
    from consultations.models import ProposalSupport
    from opengov.celery import app

    deleted, _ = ProposalSupport.objects.filter(
        state="pending", email__startswith=EMAIL_PREFIX, email__endswith="@example.org"
    ).delete()
    app.control.purge()
    return deleted


def main() -> None:
    args = parse_args()
    base = server_env(args.database_url, args.redis_url)
    # This process renders through the test client: page cache off, static files unhashed.
    setup_django(base | LIMITS | {"PAGE_CACHE_SECONDS": "0", "STATIC_MANIFEST": "false"})
    info = machine(args.database_url)
    rows = data_rows()
    paths = sample(args)
    static_root = collect_static(base)
    try:
        queries, sorted_by_support = count_queries(paths, args.language)
        kinds = [k for k in KINDS if all(m["status"] in (200, 302) for m in queries[k])]
        if not sorted_by_support:
            kinds = [k for k in kinds if not k.startswith("list by support")]
        missing = [k for k in KINDS if k not in kinds and not k.startswith("list by support")]
        timed, logs, description = measure_latency(args, paths, kinds, static_root)
        sql = explain_sort()
    finally:
        deleted = clean_up()

    print_machine(info)
    print(f"server:  {description}; DEBUG off, Redis cache; database "
          f"{args.database_url.rsplit('/', 1)[-1]}")  # fmt: skip
    print("data:    " + "; ".join(f"{k} {v:,}" for k, v in rows.items()))
    print(
        f"load:    one request at a time, {args.requests} per row over {args.per_type} sampled "
        f"plans or proposals; support limit per address raised to {BENCH_COMMENT_LIMIT_PER_IP:,}"
    )
    if not sorted_by_support:
        print("sort:    the list does not honour ?sort=support yet: measured without it only")
    for kind in missing:
        statuses = sorted({m["status"] for m in queries[kind]})
        print(f"skipped: {kind} (answered {statuses} in the test client: not available yet?)")
    print()
    table = []
    for kind in ["floor", *kinds]:
        measured = queries.get(kind, [{"queries": 0, "ms": 0}])
        counts = [m["queries"] for m in measured]
        in_process = statistics.median(m["ms"] for m in measured)
        for cache in CACHE_STATES:
            found = timed.get((kind, cache))
            if found is None:
                continue
            table.append([
                kind, cache if kind != "support" else "-", found["requests"],
                f"{found['p50']:.1f}", f"{found['p95']:.1f}", f"{found['p99']:.1f}",
                " ".join(f"{k}:{v}" for k, v in sorted(found["statuses"].items())),
                f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}",
                f"{in_process:.0f}",
            ])  # fmt: skip
    print_table(
        ["request", "cache", "n", "p50 ms", "p95 ms", "p99 ms", "statuses", "queries", "ms (1)"],
        table,
        right={2, 3, 4, 5, 7, 8},
    )
    print(
        "\nqueries: fewest-most per request over the sample (test client, cache off); ms (1): "
        "median time of those\nrequests in this process. A support request answers 302 to "
        "'check your e-mail'.\n"
    )
    print_table(["query (EXPLAIN ANALYZE)", "ms", "plan nodes"], sql, right={1})
    print(f"\ncleanup: {deleted} pending supports made by the run deleted; task queue purged")
    for cache, (server, logged) in logs.items():
        print(f"[{cache}] ", end="")
        print_server_log(server, logged)
    write_json(
        args.json,
        {
            "machine": info,
            "server": description,
            "rows": rows,
            "sorted_by_support": sorted_by_support,
            "queries": queries,
            "latency": {f"{k} ({c})": v for (k, c), v in timed.items()},
            "sql": sql,
        },
    )


if __name__ == "__main__":
    main()
