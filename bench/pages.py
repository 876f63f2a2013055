"""Benchmark of the public pages under load: latency percentiles and throughput per page type.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infitah_national \\
    REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/pages.py [--duration 20]

Starts gunicorn (2 sync workers by default) on 127.0.0.1:<free port> with production settings
(DEBUG off, hashed static files gathered once into /tmp, Redis cache, persistent database
connections; plain HTTP) against the given database, warms it up, then runs wrk at a fixed
number of clients (default 20, 20 s) against each page type in turn: a bare "floor" page
(bench/urls.py), home, council, plan, commitment, workshop, the proposals list, a proposals
search and the API's commitments list. Each type rotates over up to --per-type (50) objects drawn
at random from the database. It needs a migrated database with data (load_demo or
generate_scale) and wrk (apt-get install -y wrk); it only reads (the page cache aside).

Pages and API answers are cached whole in Redis until the public data changes
(opengov/pagecache/), so each page type is measured twice (--cache): "hit", as anonymous
readers get it once the warm-up has cached every sampled URL, and "off", rendered from the
database as after any change to the data, by a second server started with PAGE_CACHE_SECONDS=0.
Each server's rows start with its own floor row.

Why sync workers: the pages spend their time in Python (ORM, templates), which the GIL runs one
thread at a time, so threads add no throughput on 2 cores. (The Dockerfile and
docker-compose.yml deploy gthread workers, so that a slow client that reaches gunicorn holds a
thread, not a process: bench/slow_clients.py.) --worker-class gthread
--threads N measures the other choice.

Latency percentiles are wrk's own (its histogram, closed loop: they include the time a request
waits for a free worker); "non-2xx" counts every other status; "p95/floor" divides the page's
p95 by the floor page's p95 on the same server.
"""

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# The repository root, not bench/, first on the path: bench/settings.py must not shadow anything.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import (  # noqa: E402
    PAGE_TYPES,
    Wrk,
    WrkResult,
    add_server_arguments,
    collect_static,
    machine,
    ms,
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
WARMUP_TIMEOUT = 30  # seconds for one warm-up request
# The environment of each page cache state: "off" renders every page from the database.
CACHE_STATES = {"hit": {}, "off": {"PAGE_CACHE_SECONDS": "0"}}


@dataclass
class Run:
    kind: str
    language: str
    cache: str  # a key of CACHE_STATES
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    result: WrkResult | None = None
    drain_s: float = 0.0


def parse_args() -> argparse.Namespace:
    parser = script_parser(__doc__)
    add_server_arguments(parser)
    parser.add_argument("--clients", type=int, default=20, help="wrk connections (default 20)")
    parser.add_argument("--duration", type=float, default=20, help="seconds per row (default 20)")
    parser.add_argument(
        "--warmup", type=float, default=5, help="seconds of load before measuring (default 5)"
    )
    parser.add_argument(
        "--per-type", type=int, default=50, help="objects per page type (default 50)"
    )
    parser.add_argument(
        "--languages", nargs="+", default=["ar"], choices=["ar", "fr"], help="default: ar"
    )
    parser.add_argument(
        "--types",
        nargs="+",
        default=list(PAGE_TYPES),
        choices=PAGE_TYPES,
        metavar="TYPE",
        help=f"page types to measure (default all: {', '.join(PAGE_TYPES)})",
    )
    parser.add_argument(
        "--cache",
        nargs="+",
        default=list(CACHE_STATES),
        choices=list(CACHE_STATES),
        help="page cache states to measure (default both: hit, off)",
    )
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the object sample")
    return parser.parse_args()


def plan_runs(args, cache: str) -> list[Run]:
    runs = [Run("floor", "-", cache, [FLOOR_PATH])]
    for language in args.languages:
        sample = sample_paths(language, args.per_type, seed=args.seed)
        for kind in args.types:
            if kind in sample:
                runs.append(Run(kind, language, cache, sample[kind], {"Accept-Language": language}))
            else:
                print(f"no {kind} page in the database: skipped", file=sys.stderr)
    return runs


def warm_up(server: Gunicorn, runs: list[Run], args) -> list[str]:
    """GET every URL once, then load them all for a while. Returns the URLs that did not answer
    200. A page type whose request times out is not warmed further: it would take too long."""
    broken = []
    for run in runs:
        for path in run.paths:
            where = f"{path} ({run.kind}, {run.language}, cache {run.cache})"
            try:
                status = http_get(server.port, path, run.headers, timeout=WARMUP_TIMEOUT)[0]
            except OSError as error:
                broken.append(f"{error.__class__.__name__} {where}")
                break
            if status != 200:
                broken.append(f"{status} {where}")
    if args.warmup > 0:
        every = [path for run in runs for path in run.paths]
        Wrk(
            "warm-up",
            server.port,
            every,
            connections=args.clients,
            duration=args.warmup,
            threads=args.wrk_threads,
        ).run()
        server.settle()
    return broken


def measure(args, cache: str, static_root: Path) -> tuple[Gunicorn, list[Run], list[str], dict]:
    """Start a server in this cache state, warm it up, run wrk on every page type, stop it."""
    runs = plan_runs(args, cache)
    env = server_env(args.database_url, args.redis_url, static_root=static_root)
    server = Gunicorn(
        env | CACHE_STATES[cache],
        Path(tempfile.mkdtemp(prefix=f"bench-pages-{cache}-")) / "gunicorn.log",
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        timeout=60,
        backlog=2048,
    )
    server.start()
    try:
        broken = warm_up(server, runs, args)
        for run in runs:
            run.result = Wrk(
                run.kind,
                server.port,
                run.paths,
                connections=args.clients,
                duration=args.duration,
                threads=args.wrk_threads,
                headers=run.headers,
            ).run()
            run.drain_s = server.settle()
        logged = server.errors_logged()
    finally:
        server.stop(graceful=True)
    return server, runs, broken, logged


def main() -> None:
    args = parse_args()
    base = server_env(args.database_url, args.redis_url)
    setup_django(base)
    info = machine(args.database_url)
    static_root = collect_static(base)
    phases = [measure(args, cache, static_root) for cache in args.cache]

    print_machine(info)
    print(
        f"server:  {phases[0][0].description}; DEBUG off, hashed static files, Redis cache; "
        f"database {args.database_url.rsplit('/', 1)[-1]}"
    )
    print(
        f"load:    wrk, {args.clients} connections, {args.duration:g} s per row after "
        f"{args.warmup:g} s of warm-up; latency from wrk's histogram\n"
    )
    rows = []
    for _server, runs, _broken, _logged in phases:
        floor_p95 = runs[0].result.p(95)
        for run in runs:
            r = run.result
            rows.append(
                [
                    run.kind,
                    run.language,
                    run.cache,
                    len(run.paths),
                    f"{r.rps:.1f}",
                    ms(r.p(50), r.requests),
                    ms(r.p(95), r.requests),
                    ms(r.p(99), r.requests),
                    r.non_2xx,
                    r.socket_errors,
                    f"{r.p(95) / floor_p95:.1f}" if floor_p95 and r.requests else "-",
                    f"{run.drain_s:.0f}",
                ]
            )
    headers = ["page", "lang", "cache", "urls", "req/s", "p50 ms", "p95 ms", "p99 ms"]
    headers += ["non-2xx", "sock err", "p95/floor", "drain s"]
    print_table(headers, rows, right=set(range(3, len(headers))))
    print(
        "\ncache: hit = every sampled URL cached by the warm-up, as anonymous readers get it;"
        " off = PAGE_CACHE_SECONDS=0, rendered from the database.\np95/floor: against the floor"
        " row of the same server. drain s: how long the server took, after wrk stopped, to"
        " serve what was still queued (the next row starts after it)."
    )
    for server, _runs, broken, logged in phases:
        if broken:
            print(f"\nURLs that did not answer 200 in the warm-up ({len(broken)}):")
            for line in broken[:20]:
                print(f"  {line}")
        print()
        print_server_log(server, logged)
    write_json(
        args.json,
        {
            "machine": info,
            "server": phases[0][0].description,
            "clients": args.clients,
            "duration_s": args.duration,
            "results": [
                {
                    "page": run.kind,
                    "language": run.language,
                    "cache": run.cache,
                    "urls": len(run.paths),
                    **run.result.as_dict(),
                    "drain_s": round(run.drain_s, 1),
                }
                for _server, runs, _broken, _logged in phases
                for run in runs
            ],
            "broken_urls": [line for phase in phases for line in phase[2]],
            "server_logs": {
                cache: phase[3] for cache, phase in zip(args.cache, phases, strict=True)
            },
        },
    )


if __name__ == "__main__":
    main()
