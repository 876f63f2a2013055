"""Soak test: minutes of mixed load (pages and comment posts) with the Celery worker running;
fails (exit code 1) on any 5xx, socket error or lost comment.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infitah_bench \\
    REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/soak.py [--duration 300]

The same stack as bench/comments.py (SMTP sink, Celery worker, gunicorn with 2 sync workers and
production settings, a council of its own with a plan open for comments, removed at the end),
and --clients wrk clients on loopback for --duration seconds: 80% of them (--post-share 0.2)
read pages, every public page type in equal shares over up to --per-type objects each, in
Arabic and French; the others post comments as bench/comments.py does. The share is one of
clients: the share of requests follows from each kind's latency and is printed. Every 30 s it
prints the progress and the memory of the server and worker processes.

At the end it waits for every confirmation e-mail, then prints the count of 5xx answers, the
latency percentiles of each kind (wrk's histograms: one wrk run per kind), and lost comments
(posts the clients saw accepted vs comment rows vs e-mails received). The per-address comment
limit is raised for the run (every client is 127.0.0.1).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

# The repository root, not bench/, first on the path: bench/settings.py must not shadow anything.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import (  # noqa: E402
    PAGE_TYPES,
    CommentStack,
    Wrk,
    add_comment_arguments,
    add_server_arguments,
    machine,
    ms,
    print_machine,
    print_server_log,
    print_table,
    sample_paths,
    script_parser,
    write_json,
)

PROGRESS_EVERY = 30  # seconds


def parse_args() -> argparse.Namespace:
    parser = script_parser(__doc__)
    add_server_arguments(parser)
    add_comment_arguments(parser)
    parser.add_argument("--duration", type=float, default=300, help="seconds (default 300)")
    parser.add_argument("--clients", type=int, default=50, help="wrk clients (default 50)")
    parser.add_argument(
        "--post-share",
        type=float,
        default=0.2,
        help="share of the clients that post comments (default 0.2; 0: pages only)",
    )
    parser.add_argument(
        "--per-type", type=int, default=50, help="objects per page type (default 50)"
    )
    parser.add_argument("--languages", nargs="+", default=["ar", "fr"], choices=["ar", "fr"])
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def page_mix(languages: list[str], per_type: int, seed: int) -> list[str]:
    """Paths of every page type and language, interleaved so that each type gets the same share
    of requests whatever its number of objects."""
    lists = []
    for language in languages:
        sample = sample_paths(language, per_type, seed=seed)
        lists += [sample[kind] for kind in PAGE_TYPES if kind in sample]
    longest = max(len(paths) for paths in lists)
    return [paths[i % len(paths)] for i in range(longest) for paths in lists]


def rss(stack: CommentStack) -> str:
    web = stack.server.children_rss_mib()
    work = stack.worker.children_rss_mib()
    return (
        f"web workers {' '.join(f'{m:.0f}' for m in web)} MiB, "
        f"celery {' '.join(f'{m:.0f}' for m in work)} MiB"
    )


def main() -> None:
    args = parse_args()
    post_clients = round(args.clients * args.post_share)
    page_clients = args.clients - post_clients
    if page_clients < 1:
        raise SystemExit("--post-share leaves no client to read pages")
    log_dir = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    stack = CommentStack(args, log_dir)
    info = machine(args.database_url)
    paths = page_mix(args.languages, args.per_type, args.seed)

    with stack:
        print_machine(info)
        stack.describe()
        print(
            f"load:    {args.duration:g} s, {page_clients} clients reading {len(paths)} page URLs "
            f"and {post_clients} posting comments\n",
            flush=True,
        )
        memory_before = rss(stack)
        loads = [
            Wrk("pages", stack.server.port, paths, connections=page_clients, duration=args.duration)
        ]
        if post_clients:
            loads.append(
                Wrk(
                    "comment posts",
                    stack.server.port,
                    stack.plan.comment_paths,
                    connections=post_clients,
                    duration=args.duration,
                    post=stack.post_options(post_clients),
                )
            )
        started = time.monotonic()
        for load in loads:
            load.start()
        next_progress = PROGRESS_EVERY
        while any(load.process.poll() is None for load in loads):
            time.sleep(0.5)
            elapsed = time.monotonic() - started
            if elapsed >= next_progress and elapsed < args.duration - 1:
                next_progress += PROGRESS_EVERY
                print(
                    f"  {elapsed:4.0f} s: {stack.plan.comments().count()} comments saved, "
                    f"{stack.sink.count()} e-mails; {rss(stack)}",
                    flush=True,
                )
        page_result, *post_results = [load.result() for load in loads]
        memory_after = rss(stack)
        accepted = {email for r in post_results for email in r.accepted_emails}
        mail = stack.wait_for_mail(accepted, args.mail_timeout)
        logged = stack.server.errors_logged()

    results = [page_result, *post_results]
    total = sum(r.requests for r in results)
    rows = []
    for result, clients, unexpected in [
        (page_result, page_clients, page_result.non_2xx),
        *((r, post_clients, r.requests - r.accepted) for r in post_results),
    ]:
        rows.append(
            [
                result.label,
                clients,
                result.requests,
                f"{100 * result.requests / total:.0f}%" if total else "-",
                f"{result.rps:.1f}",
                ms(result.p(50), result.requests),
                ms(result.p(95), result.requests),
                ms(result.p(99), result.requests),
                ms(result.latency_us["max"], result.requests),
                result.count(500, 599),
                unexpected,
                result.socket_errors,
            ]
        )
    print()
    print_table(
        [
            "kind",
            "clients",
            "requests",
            "share",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "5xx",
            "unexpected",
            "sock err",
        ],
        rows,
    )
    print('unexpected: pages not 2xx, posts not redirected to "comment sent"\n')
    mail.print()
    print(f"memory: before {memory_before}; after {memory_after}")
    print_server_log(stack.server, logged)

    errors_5xx = sum(r.count(500, 599) for r in results)
    socket_errors = sum(r.socket_errors for r in results)
    failed = errors_5xx or socket_errors or mail.lost
    print(
        f"\n5xx: {errors_5xx}; socket errors: {socket_errors}; lost comments: {mail.lost} -> "
        + ("FAIL" if failed else "OK")
    )
    write_json(
        args.json,
        {
            "machine": info,
            "server": stack.server.description,
            "duration_s": args.duration,
            "clients": {"pages": page_clients, "posts": post_clients},
            "pages": page_result.as_dict(),
            "posts": [r.as_dict() | {"accepted": r.accepted} for r in post_results],
            "mail": mail.as_dict(),
            "memory": {"before": memory_before, "after": memory_after},
            "server_log": logged,
            "ok": not failed,
        },
    )
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
