"""Uncached render time of every public page type, one request at a time, in this process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infitah_national \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/render.py --per-type 5

Django's test client (no server, no network), PAGE_CACHE_SECONDS=0: every request renders its
page, as the first reader after a change does. For each page type and language it draws up to
--per-type objects at random (seeded), requests each once to warm up (first-request work: URL
resolvers, templates, the database's own cache), then --repeat times, and prints the median and
95th percentile of the timed requests, the queries (fewest-most), their time and the size of
the answer. The machine's load average is printed first: figures taken while other work shares
the cores are upper bounds. It only reads.

The API is not under a language prefix: its requests send Accept-Language.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
SEARCH_WORDS = {"ar": ["الشفافية", "المشاركة", "الماء"], "fr": ["transparence", "participation"]}
API_LISTS = ("commitments", "proposals", "comments", "plans", "councils", "workshops")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=" ".join(__doc__.split("\n\n")[0].split()),
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="the database to read (default: $DATABASE_URL)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
        help="cache and broker (default: $REDIS_URL, else %(default)s)",
    )
    parser.add_argument("--per-type", type=int, default=5, help="objects per page type (5)")
    parser.add_argument("--repeat", type=int, default=3, help="timed requests per object (3)")
    parser.add_argument("--languages", nargs="+", default=["ar", "fr"], choices=["ar", "fr"])
    parser.add_argument("--only", nargs="+", metavar="TYPE", help="only these page types")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--json", metavar="FILE", help="also write the figures as JSON ('-': stdout)"
    )
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    return args


def sample(language: str, per_type: int, seed: int) -> dict[str, list[str]]:
    """The paths of every public page type in `language`: bench._common's sample plus the pages
    it leaves out (directory, progress, repository, proposal, search, API lists, open data)."""
    import random

    from django.urls import reverse
    from django.utils import translation

    from bench._common import sample_paths
    from commitments.models import Commitment
    from consultations.models import ActionPlan, Proposal

    rng = random.Random(f"{seed}-{language}-more")  # noqa: S311 - a reproducible sample
    paths = sample_paths(language, per_type, seed=seed)
    paths.pop("api list", None)
    paths.pop("api comments", None)
    with translation.override(language):
        paths["council directory"] = [
            reverse("consultations:councils"),
            reverse("consultations:councils") + "?kind=commune",
        ]
        plan_ids = list(ActionPlan.objects.public().values_list("pk", flat=True))
        plans = ActionPlan.objects.filter(
            pk__in=rng.sample(plan_ids, min(per_type, len(plan_ids)))
        ).select_related("council")
        paths["progress report"] = [
            reverse("commitments:progress_report", args=[p.council.slug, p.start_year])
            for p in plans
        ]
        paths["plan repository"] = [
            reverse("commitments:plan_repository", args=[p.council.slug, p.start_year])
            for p in plans
        ]
        proposal_ids = list(Proposal.objects.public().values_list("pk", flat=True)[:200_000])
        paths["proposal"] = [
            reverse("commitments:proposal", args=[pk])
            for pk in rng.sample(proposal_ids, min(per_type, len(proposal_ids)))
        ]
        search = reverse("sitesearch:search")
        paths["search"] = [f"{search}?{urlencode({'q': w})}" for w in SEARCH_WORDS[language]]
        paths["open data"] = [reverse("opendata")]
    for name in API_LISTS:
        paths[f"api /{name}/"] = [f"/api/v1/{name}/"]
    councils = list(
        Commitment.objects.of_public_plans()
        .values_list("plan__council__slug", flat=True)
        .distinct()[:2000]
    )
    paths["api commitments of a council"] = [
        f"/api/v1/commitments/?{urlencode({'council': slug})}"
        for slug in rng.sample(councils, min(per_type, len(councils)))
    ]
    return paths


def measure(client, path: str, language: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, HTTP_ACCEPT_LANGUAGE=language)  # warm-up, not counted
    times, queries, sql = [], [], []
    status = size = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
            times.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
        sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        status, size = response.status_code, len(response.content)
    return {"path": path, "status": status, "ms": times, "queries": queries, "sql": sql,
            "bytes": size}  # fmt: skip


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(ROOT))
    from bench._common import (
        machine,
        percentile,
        print_machine,
        print_table,
        server_env,
        setup_django,
        write_json,
    )

    setup_django(
        server_env(
            args.database_url,
            args.redis_url,
            STATIC_MANIFEST="false",
            PAGE_CACHE_SECONDS="0",
            CELERY_TASK_ALWAYS_EAGER="true",
        )
    )
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's host in
    print_machine(machine(args.database_url))
    print(f"database: {args.database_url.rsplit('/', 1)[-1]}; PAGE_CACHE_SECONDS=0\n")
    client = Client()
    client.get("/bench/floor/")
    rows, found = [], {}
    for language in args.languages:
        paths = sample(language, args.per_type, args.seed)
        for kind, kind_paths in paths.items():
            if args.only and kind not in args.only:
                continue
            measures = [measure(client, p, language, args.repeat) for p in kind_paths]
            found.setdefault(language, {})[kind] = measures
            times = [t for m in measures for t in m["ms"]]
            counts = [q for m in measures for q in m["queries"]]
            bad = sorted({m["status"] for m in measures if m["status"] != 200})
            rows.append([
                kind, language, len(kind_paths),
                f"{statistics.median(times):.1f}", f"{percentile(times, 95):.1f}",
                f"{min(counts)}-{max(counts)}" if min(counts) != max(counts) else str(counts[0]),
                f"{statistics.median(s for m in measures for s in m['sql']):.1f}",
                f"{statistics.median(m['bytes'] for m in measures) / 1024:.0f}",
                ",".join(map(str, bad)) or "200",
            ])  # fmt: skip
    print_table(
        ["page", "lang", "objects", "median ms", "p95 ms", "queries", "sql ms", "KB", "status"],
        rows,
        right={2, 3, 4, 5, 6, 7},
    )
    load = os.getloadavg()
    print(f"\nloadavg after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    write_json(args.json, {"database": args.database_url, "results": found})


if __name__ == "__main__":
    main()
