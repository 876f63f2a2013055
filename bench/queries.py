"""SQL queries per public page, on a small and a national-scale database: equal counts mean no
page runs a query per row (N+1).

    .venv/bin/python bench/queries.py \\
        small=postgres://postgres@127.0.0.1:5432/infitah_demo \\
        national=postgres://postgres@127.0.0.1:5432/infitah_national

Each database is read by its own Python process through Django's test client (no server, no
Redis: a local-memory cache, so the API's first request is a cache miss). For every page type it
requests up to --per-type objects drawn at random (seeded) and counts the queries of each
request with CaptureQueriesContext; a cell shows the fewest and most queries over those objects.
"api list (cached)" is the same API request again, answered from the cache. It only reads.
Defaults: small = $DATABASE_URL, national = infitah_national on the same server.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

# The repository root, not bench/, first on the path: bench/settings.py must not shadow anything.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    PAGE_TYPES,
    ROOT,
    machine,
    print_machine,
    print_table,
    sample_paths,
    script_parser,
    server_env,
    setup_django,
    write_json,
)

API_LISTS = ("councils", "plans", "commitments", "workshops", "proposals", "comments")


def count_queries(database_url: str, languages: list[str], per_type: int, seed: int) -> dict:
    """In this process: the queries of each sampled page, by page type and language."""
    setup_django(
        server_env(database_url, "", STATIC_MANIFEST="false", CELERY_TASK_ALWAYS_EAGER="true")
    )
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # lets the test client's host in
    client = Client()
    client.get("/bench/floor/")  # first-request work (URL resolvers, translations) out of the way

    def measure(path: str, language: str) -> dict:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        return {
            "path": path,
            "status": response.status_code,
            "queries": len(captured),
            "sql_ms": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1),
        }

    found: dict[str, dict[str, list[dict]]] = {}
    for language in languages:
        sample = sample_paths(language, per_type, seed=seed)
        rows: dict[str, list[dict]] = {}
        for kind in PAGE_TYPES:
            rows[kind] = [measure(path, language) for path in sample.get(kind, [])]
            if kind == "api list":
                rows["api list (cached)"] = [
                    measure(path, language) for path in sample.get(kind, [])
                ]
        for name in API_LISTS:
            rows[f"api /{name}/"] = [measure(f"/api/v1/{name}/", language)]
        found[language] = rows
    return found


def cell(measures: list[dict]) -> str:
    if not measures:
        return "-"
    counts = [m["queries"] for m in measures]
    low, high = min(counts), max(counts)
    text = str(low) if low == high else f"{low}-{high}"
    bad = [m["status"] for m in measures if m["status"] != 200]
    return text + (f" ({len(bad)} x {bad[0]})" if bad else "")


def parse_args() -> argparse.Namespace:
    parser = script_parser(__doc__, epilog_from=1)
    national = DEFAULT_DATABASE_URL.rsplit("/", 1)[0] + "/infitah_national"
    parser.add_argument(
        "databases",
        nargs="*",
        metavar="LABEL=URL",
        default=[
            f"small={os.environ.get('DATABASE_URL', DEFAULT_DATABASE_URL)}",
            f"national={national}",
        ],
        help="databases to compare, in column order (default: small=$DATABASE_URL, "
        "national=infitah_national)",
    )
    parser.add_argument("--per-type", type=int, default=5, help="objects per page type (default 5)")
    parser.add_argument("--languages", nargs="+", default=["ar"], choices=["ar", "fr"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--json", metavar="FILE", help="also write the figures as JSON ('-': stdout)"
    )
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.child:
        result = count_queries(args.child, args.languages, args.per_type, args.seed)
        print("BENCHJSON " + json.dumps(result))
        return

    databases = [item.split("=", 1) for item in args.databases]
    results = {}
    for label, url in databases:
        command = [sys.executable, __file__, "--child", url, "--per-type", str(args.per_type)]
        command += ["--seed", str(args.seed), "--languages", *args.languages]
        done = subprocess.run(  # noqa: S603 - our own script, same interpreter
            command, capture_output=True, text=True, check=False, cwd=ROOT
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("BENCHJSON ")), None)
        if done.returncode != 0 or line is None:
            sys.stderr.write(done.stderr[-4000:])
            raise SystemExit(f"{label} ({url}) failed")
        results[label] = json.loads(line.removeprefix("BENCHJSON "))

    print_machine(machine(databases[0][1]))
    print(
        "databases: "
        + "; ".join(f"{label} = {url.rsplit('/', 1)[-1]}" for label, url in databases)
        + f"; up to {args.per_type} objects per page type\n"
    )
    labels = [label for label, _url in databases]
    first = results[labels[0]]
    rows, unequal = [], []
    for language in args.languages:
        for kind in first[language]:
            cells = [results[label][language].get(kind, []) for label in labels]
            # The most queries of any sampled object: an object with empty relations skips
            # their prefetch, so the fewest differ between databases without anything wrong.
            most = [max((m["queries"] for m in c), default=None) for c in cells]
            equal = "yes" if len(set(most)) == 1 else "NO"
            if equal == "NO":
                unequal.append(f"{kind} ({language}): {' vs '.join(map(str, most))}")
            sql = [max((m["sql_ms"] for m in c), default=0) for c in cells]
            rows.append([kind, language, *(cell(c) for c in cells), equal, *sql])
    print_table(
        ["page", "lang", *labels, "equal", *(f"sql ms {label}" for label in labels)],
        rows,
        right=set(range(2, 3 + 2 * len(labels))),
    )
    print(
        "\nqueries: fewest-most over the sampled objects; equal: the most are the same in every"
        " database;\nsql ms: the most time a request of that type spent in the database (one run,"
        " no warm-up: indicative only)."
    )
    if unequal:
        print(f"most queries that differ: {'; '.join(unequal)}")
    write_json(args.json, {"databases": dict(databases), "results": results})


if __name__ == "__main__":
    main()
