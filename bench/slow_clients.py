"""Benchmark of slow clients: readers' latency and errors while uploaders send their bodies
slowly, for each gunicorn worker class, straight to gunicorn and behind the shipped nginx.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infitah_bench \\
    REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/slow_clients.py [--slow 6]

For each worker class (--classes: sync, gthread) and each way in (--via: direct, nginx), starts
gunicorn (--workers, and --threads for gthread) with production settings on a free port, and,
for "nginx", nginx with deploy/nginx/infitah-locations.conf in front of it (the tested part of
deploy/nginx.conf, plain HTTP). Then --slow uploaders each open a connection and post a form
body of --body bytes at --rate bytes a second to the language switch (a public form, below
PUBLIC_MAX_BODY_BYTES, with a CSRF cookie so that Django reads the body): what a visitor on a
bad line, or someone holding workers on purpose, sends. An uploader that finishes starts again.
Two seconds later --readers clients GET the home page one after another for --duration seconds,
each request given --timeout seconds. Needs nginx for the "nginx" rows (apt-get install
nginx-light) and a migrated database (an empty one will do: the home page is all it reads).

Static files are served from the source folders (STATIC_MANIFEST=false), so no collectstatic is
needed: the readers' page is the same either way.

The table gives, per row, the readers' completed requests, p50 and p95 latency (from the
readers' own clock, closed loop: they include the time waiting for a free worker) and errors
(timeouts, refused or reset connections, answers other than 200). A worker that reads a slow
body is busy until the body is complete: with sync workers each slow uploader holds a process;
with gthread it holds one thread; behind nginx it holds nothing (nginx reads the whole body
before gunicorn sees the request).
"""

import argparse
import http.client
import random
import socket
import string
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# The repository root, not bench/, first on the path: bench/settings.py must not shadow anything.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import (  # noqa: E402
    ROOT,
    add_server_arguments,
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
from tests.support.processes import Gunicorn  # noqa: E402
from tests.support.proxies import Nginx  # noqa: E402

LOCATIONS = ROOT / "deploy" / "nginx" / "infitah-locations.conf"
UPLOAD_PATH = "/i18n/setlang/"
READ_PATH = "/ar/"


def parse_args() -> argparse.Namespace:
    parser = script_parser(__doc__)
    add_server_arguments(parser)
    parser.set_defaults(workers=3, threads=4)
    parser.add_argument(
        "--classes",
        default="sync,gthread",
        help="worker classes to compare, comma-separated (default sync,gthread)",
    )
    parser.add_argument(
        "--via",
        default="direct,nginx",
        help="ways in, comma-separated: direct, nginx (default both)",
    )
    parser.add_argument("--slow", type=int, default=6, help="slow uploaders (default 6)")
    parser.add_argument("--readers", type=int, default=4, help="reading clients (default 4)")
    parser.add_argument(
        "--rate", type=int, default=1024, help="bytes a second per uploader (default 1024)"
    )
    parser.add_argument(
        "--body", type=int, default=60_000, help="bytes of each upload (default 60000)"
    )
    parser.add_argument(
        "--duration", type=float, default=20, help="seconds of reading (default 20)"
    )
    parser.add_argument(
        "--timeout", type=float, default=10, help="seconds a reader waits for an answer"
    )
    return parser.parse_args()


def nginx_in_front(log_dir: Path, upstream_port: int) -> Nginx:
    """nginx with the shipped locations in front of `upstream_port`."""
    folder = log_dir / "nginx"
    for name in ("static", "media"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return Nginx(
        folder,
        "  access_log off;\n"
        f"  upstream infitah {{ server 127.0.0.1:{upstream_port}; keepalive 16; }}\n"
        "  server {\n    listen 127.0.0.1:{port};\n"
        f"    root {folder};\n    include {LOCATIONS};\n  }}",
    )


@dataclass
class Readings:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float | None, error: str | None = None) -> None:
        with self.lock:
            if error is None:
                self.latencies.append(seconds)
            else:
                self.errors[error] = self.errors.get(error, 0) + 1


def slow_upload(port: int, size: int, rate: int, stop: threading.Event, uploads: list) -> None:
    """Post a body of `size` bytes at `rate` bytes a second, again and again until `stop`."""
    cookie = "".join(random.choices(string.ascii_letters + string.digits, k=32))  # noqa: S311
    piece = max(1, rate // 10)
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
                sock.sendall(
                    (
                        f"POST {UPLOAD_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Content-Type: application/x-www-form-urlencoded\r\n"
                        f"Content-Length: {size}\r\nCookie: csrftoken={cookie}\r\n"
                        "Connection: close\r\n\r\n"
                    ).encode()
                )
                body = b"language=ar&next=/" + b"x" * (size - 18)
                for start in range(0, size, piece):
                    if stop.wait(piece / rate):
                        return
                    sock.sendall(body[start : start + piece])
                sock.recv(1024)
                uploads.append(1)
        except OSError:
            stop.wait(0.5)


def read(port: int, timeout: float, until: float, readings: Readings) -> None:
    while time.monotonic() < until:
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn.request("GET", READ_PATH)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                readings.add(time.monotonic() - started)
            else:
                readings.add(None, f"HTTP {response.status}")
        except TimeoutError:
            readings.add(None, "timeout")
        except OSError as error:
            readings.add(None, type(error).__name__)
        finally:
            conn.close()


def measure(args, env, worker_class: str, via: str, log_dir: Path) -> dict:
    threads = args.threads if worker_class == "gthread" else 1
    folder = Path(tempfile.mkdtemp(prefix=f"{worker_class}-{via}-", dir=log_dir))
    server = Gunicorn(
        env,
        folder / "gunicorn.log",
        workers=args.workers,
        worker_class=worker_class,
        threads=threads,
        timeout=60,
        backlog=2048,
    )
    proxy = nginx_in_front(folder, server.port) if via == "nginx" else None
    stop = threading.Event()
    uploads: list[int] = []
    readings = Readings()
    try:
        server.start()
        if proxy is not None:
            proxy.start()
        port = proxy.port if proxy is not None else server.port
        uploaders = [
            threading.Thread(
                target=slow_upload, args=(port, args.body, args.rate, stop, uploads), daemon=True
            )
            for _ in range(args.slow)
        ]
        for thread in uploaders:
            thread.start()
        time.sleep(2)  # the uploads are under way before the first reader comes
        until = time.monotonic() + args.duration
        readers = [
            threading.Thread(target=read, args=(port, args.timeout, until, readings))
            for _ in range(args.readers)
        ]
        for thread in readers:
            thread.start()
        for thread in readers:
            thread.join()
    finally:
        stop.set()
        if proxy is not None:
            proxy.stop()
        server.stop(graceful=True)
    latencies = readings.latencies
    return {
        "worker_class": worker_class,
        "threads": threads,
        "via": via,
        "answered": len(latencies),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "max_ms": max(latencies) * 1000 if latencies else float("nan"),
        "errors": sum(readings.errors.values()),
        "error_kinds": readings.errors,
        "uploads_completed": len(uploads),
        "server_log": server.errors_logged(),
        "server": server,
    }


def main() -> None:
    args = parse_args()
    env = server_env(
        args.database_url,
        args.redis_url,
        STATIC_MANIFEST="false",
        PUBLIC_MAX_BODY_BYTES=str(max(64 * 1024, args.body)),
    )
    setup_django(env)
    info = machine(args.database_url)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-slow-clients-"))
    rows = [
        measure(args, env, worker_class, via, log_dir)
        for worker_class in args.classes.split(",")
        for via in args.via.split(",")
    ]

    print_machine(info)
    print(
        f"server:  gunicorn {args.workers} workers (gthread: x {args.threads} threads), "
        f"timeout 60 s; database {args.database_url.rsplit('/', 1)[-1]}"
    )
    print(
        f"load:    {args.slow} uploaders posting {args.body} bytes at {args.rate} B/s each to "
        f"{UPLOAD_PATH}; {args.readers} readers GET {READ_PATH} for {args.duration:g} s, "
        f"{args.timeout:g} s timeout\n"
    )
    print_table(
        ["worker class", "via", "answered", "p50 ms", "p95 ms", "max ms", "errors", "uploads"],
        [
            [
                f"{r['worker_class']}" + (f" x{r['threads']}" if r["threads"] > 1 else ""),
                r["via"],
                r["answered"],
                f"{r['p50_ms']:.1f}",
                f"{r['p95_ms']:.1f}",
                f"{r['max_ms']:.1f}",
                r["errors"] if not r["error_kinds"] else f"{r['errors']} {r['error_kinds']}",
                r["uploads_completed"],
            ]
            for r in rows
        ],
    )
    print(
        "\nanswered: readers' requests answered 200 in the window; errors: the others (timeouts, "
        "refused or reset connections, other statuses); uploads: slow uploads that completed."
    )
    for r in rows:
        print(f"{r['worker_class']} {r['via']}: ", end="")
        print_server_log(r["server"], r["server_log"])
    write_json(
        args.json,
        {
            "machine": info,
            "args": vars(args),
            "rows": [{k: v for k, v in r.items() if k != "server"} for r in rows],
        },
    )


if __name__ == "__main__":
    main()
