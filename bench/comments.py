"""Benchmark of comment posting: accepted posts per second, their latency, and the confirmation
e-mails a real Celery worker sends for them, with nothing lost.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infitah_bench \\
    REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/comments.py [--clients 20]

Starts an SMTP sink (a thread of this process), a Celery worker (`celery -A opengov worker`,
prefork, on a queue of its own) and gunicorn (2 sync workers, production settings), creates a
council of its own with a plan open for comments and three commitments, and has --clients wrk
clients post comments for --duration seconds. Each client first GETs a page of the plan as a new
visitor (its CSRF cookie and form token), then posts again and again, each comment from a new
e-mail address, to the plan or one of its commitments. Then it waits until the worker has sent
every confirmation e-mail and compares: posts the clients saw accepted (302 to "comment sent"),
comment rows, e-mails the sink received. The council, its plan and comments are deleted at the
end (--keep keeps them).

Every client comes from 127.0.0.1, so the per-address limit (COMMENT_LIMIT_PER_IP, 10 an hour by
default) is raised for the run through the environment; the output says so. Latency is wrk's
histogram of the POSTs (the CSRF GETs happen before wrk starts).
"""

import argparse
import sys
import tempfile
from pathlib import Path

# The repository root, not bench/, first on the path: bench/settings.py must not shadow anything.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import (  # noqa: E402
    CommentStack,
    Wrk,
    add_comment_arguments,
    add_server_arguments,
    machine,
    ms,
    print_machine,
    print_server_log,
    print_table,
    script_parser,
    write_json,
)


def parse_args() -> argparse.Namespace:
    parser = script_parser(__doc__)
    add_server_arguments(parser)
    add_comment_arguments(parser)
    parser.add_argument(
        "--clients", type=int, default=20, help="concurrent posting clients (default 20)"
    )
    parser.add_argument(
        "--duration", type=float, default=20, help="seconds of posting (default 20)"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-comments-"))
    stack = CommentStack(args, log_dir)
    info = machine(args.database_url)
    with stack:
        post = stack.post_options(args.clients)
        result = Wrk(
            "comment posts",
            stack.server.port,
            stack.plan.comment_paths,
            connections=args.clients,
            duration=args.duration,
            post=post,
        ).run()
        mail = stack.wait_for_mail(set(result.accepted_emails), args.mail_timeout)
        logged = stack.server.errors_logged()

    print_machine(info)
    stack.describe()
    print(
        f"load:    wrk, {args.clients} clients posting for {args.duration:g} s; latency from "
        "wrk's histogram\n"
    )
    print_table(
        [
            "requests",
            "accepted",
            "accepted/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "statuses",
            "sock err",
        ],
        [
            [
                result.requests,
                result.accepted,
                f"{result.accepted / result.seconds:.1f}",
                ms(result.p(50), result.requests),
                ms(result.p(95), result.requests),
                ms(result.p(99), result.requests),
                " ".join(f"{k}:{v}" for k, v in sorted(result.statuses.items())),
                result.socket_errors,
            ]
        ],
        right={0, 1, 2, 3, 4, 5, 7},
    )
    print()
    mail.print()
    print_server_log(stack.server, logged)
    write_json(
        args.json,
        {
            "machine": info,
            "server": stack.server.description,
            "clients": args.clients,
            "duration_s": args.duration,
            "posts": result.as_dict() | {"accepted": result.accepted},
            "mail": mail.as_dict(),
            "server_log": logged,
        },
    )
    if mail.lost:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
