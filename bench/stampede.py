"""Benchmark of a cache stampede: N readers of the home page at once, just after a change.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infitah_demo \\
    REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/stampede.py [--readers 20]

Starts gunicorn (by default as the Dockerfile deploys it, scaled to this machine: 2 gthread
workers x 8 threads) on the given database with production settings, once per mode:

  off            NETWORK_STALE_SECONDS=0, PAGE_SINGLE_FLIGHT=false: every reader who finds no
                 entry of the current version renders the page (the behaviour before issue 21);
  single-flight  NETWORK_STALE_SECONDS=0: one reader renders, the others wait for its answer;
  swr            single flight and NETWORK_STALE_SECONDS=--stale-seconds: one reader renders,
                 the others get the previous answer (X-Cache: stale, with an Age).

Each round caches the home page, waits half the staleness bound (so that its rebuild is due,
as for a change after a quiet moment; during a burst of changes no reader renders at all),
bumps the network version (opengov.dataversion.bump, what any public change does), then sends
--readers GET requests at once (one thread and connection each, released by a barrier), and
reads each answer's X-Cache header (opengov.pagecache): renders are the answers marked "miss" or
"wait-miss"; the readers who waited for a render are those marked "miss", "wait" or
"wait-miss". Latencies are measured here, from the barrier to the last byte.

It only reads the database; it writes the page cache and the data version of the Redis given.
"""

import argparse
import http.client
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

# The repository root, not bench/, first on the path: bench/settings.py must not shadow anything.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import (  # noqa: E402
    add_server_arguments,
    collect_static,
    machine,
    percentile,
    print_machine,
    print_table,
    script_parser,
    server_env,
    setup_django,
    write_json,
)
from tests.support.processes import Gunicorn, http_get  # noqa: E402

RENDERED = {"miss", "wait-miss"}
WAITED = {"miss", "wait", "wait-miss"}


def modes(stale_seconds: int) -> dict[str, dict[str, str]]:
    return {
        "off": {"NETWORK_STALE_SECONDS": "0", "PAGE_SINGLE_FLIGHT": "false"},
        "single-flight": {"NETWORK_STALE_SECONDS": "0", "PAGE_SINGLE_FLIGHT": "true"},
        "swr": {"NETWORK_STALE_SECONDS": str(stale_seconds), "PAGE_SINGLE_FLIGHT": "true"},
    }


def parse_args() -> argparse.Namespace:
    parser = script_parser(__doc__)
    add_server_arguments(parser, as_deployed=True)
    parser.add_argument("--readers", type=int, default=20, help="readers at once (default 20)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per mode (default 5)")
    parser.add_argument(
        "--stale-seconds",
        type=int,
        default=10,
        help="NETWORK_STALE_SECONDS of the swr mode (default 10; production's default is 30)",
    )
    parser.add_argument(
        "--modes",
        nargs="+",
        default=["off", "single-flight", "swr"],
        choices=["off", "single-flight", "swr"],
        help="modes to measure (default all)",
    )
    parser.add_argument("--language", default="ar", choices=["ar", "fr"], help="default: ar")
    return parser.parse_args()


def fire(port: int, path: str, readers: int) -> list[tuple[int, str, float]]:
    """`readers` GETs of `path` at once: each one's status, X-Cache and seconds."""
    barrier = threading.Barrier(readers)
    answers: list[tuple[int, str, float]] = []
    guard = threading.Lock()

    def read():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.connect()
        barrier.wait()
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            answer = (response.status, response.getheader("X-Cache", "-"))
        except OSError as error:
            answer = (0, error.__class__.__name__)
        finally:
            conn.close()
        with guard:
            answers.append((*answer, time.perf_counter() - started))

    threads = [threading.Thread(target=read) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def measure(args, mode: str, env: dict[str, str], path: str) -> dict:
    from django.conf import settings

    from opengov import dataversion

    extra = modes(args.stale_seconds)[mode]
    # This process bumps the version: it records what the server's own bumps would.
    settings.NETWORK_STALE_SECONDS = int(extra["NETWORK_STALE_SECONDS"])
    server = Gunicorn(
        env | extra,
        Path(tempfile.mkdtemp(prefix=f"bench-stampede-{mode}-")) / "gunicorn.log",
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        timeout=120,
        backlog=2048,
    )
    server.start()
    answers: list[tuple[int, str, float]] = []
    try:
        for _round in range(args.rounds):
            for _ in range(2):  # cached, and its entry of this version stored
                http_get(server.port, path, timeout=120)
            time.sleep(settings.NETWORK_STALE_SECONDS / 2)
            dataversion.bump()
            answers += fire(server.port, path, args.readers)
        logged = server.errors_logged()
    finally:
        server.stop(graceful=True)
    states = Counter(state for _status, state, _seconds in answers)
    latencies = [seconds for _status, _state, seconds in answers]
    return {
        "mode": mode,
        "server": server.description,
        "requests": len(answers),
        "errors": sum(1 for status, _state, _seconds in answers if status != 200),
        "renders": sum(states[state] for state in RENDERED),
        "waited": sum(states[state] for state in WAITED),
        "states": dict(states),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "max_ms": max(latencies) * 1000 if latencies else float("nan"),
        "logged": logged,
        "log": str(server.log),
    }


def main() -> None:
    args = parse_args()
    base = server_env(args.database_url, args.redis_url)
    setup_django(base)
    from django.urls import reverse
    from django.utils import translation

    info = machine(args.database_url)
    static_root = collect_static(base)
    env = server_env(args.database_url, args.redis_url, static_root=static_root)
    with translation.override(args.language):
        path = reverse("home")
    results = [measure(args, mode, env, path) for mode in args.modes]

    print_machine(info)
    print(f"server:  {results[0]['server']}; database {args.database_url.rsplit('/', 1)[-1]}")
    print(
        f"load:    {args.rounds} rounds of {args.readers} readers of {path} at once, each just "
        f"after a bump of the network version\n"
    )
    rows = []
    for result in results:
        rounds = args.rounds
        rows.append(
            [
                result["mode"],
                result["requests"],
                f"{result['renders'] / rounds:.1f}",
                f"{100 * result['waited'] / max(result['requests'], 1):.0f}%",
                f"{result['p50_ms']:.0f}",
                f"{result['p95_ms']:.0f}",
                f"{result['max_ms']:.0f}",
                result["errors"],
                " ".join(f"{state}={n}" for state, n in sorted(result["states"].items())),
            ]
        )
    headers = ["mode", "requests", "renders/round", "waited", "p50 ms", "p95 ms", "max ms"]
    headers += ["errors", "X-Cache"]
    print_table(headers, rows, right=set(range(1, 8)))
    print(
        "\nrenders/round: answers rendered (X-Cache miss or wait-miss) per round of readers;"
        " waited: the share of requests that waited for a render (miss, wait, wait-miss)."
    )
    for result in results:
        print(f"{result['mode']}: ", end="")
        logged = result["logged"]
        print(
            f"server log: {logged['tracebacks']} tracebacks, {logged['worker timeouts']} worker "
            f"timeouts ({result['log']})"
        )
    write_json(args.json, {"machine": info, "readers": args.readers, "results": results})


if __name__ == "__main__":
    main()
