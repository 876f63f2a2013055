"""A PostgreSQL cluster of our own in a temporary folder, on a free port: a test may stop, kill
and restart it without touching the shared server."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

from tests.support.processes import Process, fail, free_port


def postgres_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of our own in a temporary folder, on a free port: it can be stopped
    and restarted without touching the shared server. Run as the postgres user when we are root
    (PostgreSQL refuses to run as root)."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="infitah-faults-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.directory, "postgres", "postgres")
        self._migrate: Process | None = None

    def _run(self, *command: str, timeout: float = 60, check: bool = True) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        result = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and result.returncode != 0:
            log = self.directory / "server.log"
            server_log = log.read_text(errors="replace") if log.exists() else ""
            fail(f"{command[:2]} failed:\n{result.stdout}{result.stderr}\n{server_log}")

    def _pg_ctl(self, action: str, *extra: str, check: bool = True) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            postgres_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "server.log"),
            "-o",
            options,
            "-w",
            action,
            *extra,
            check=check,
        )

    def init(self) -> None:
        self._run(
            postgres_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", "-m", mode)

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def query(self, database: str, sql: str, params=()) -> list[tuple]:
        with (
            psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as db,
            db.cursor() as cursor,
        ):
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def migrate_in_background(self, database: str) -> None:
        """Start `manage.py migrate` on `database`; migrated() waits for it."""
        env = {**os.environ, "DATABASE_URL": self.url(database), "REDIS_URL": ""}
        log = self.directory / "migrate.log"
        command = [sys.executable, "manage.py", "migrate", "--noinput"]
        self._migrate = Process(command, env, log).start()

    def migrated(self) -> PrivatePostgres:
        """Wait until the migration has run; it fails the test if the migration failed."""
        returncode = self._migrate.process.wait(timeout=180)
        if returncode != 0:
            fail(f"manage.py migrate failed:\n{self._migrate.output()}")
        return self

    def destroy(self) -> None:
        if self._migrate is not None:
            self._migrate.kill_group()
        self._pg_ctl("stop", "-m", "immediate", check=False)  # if still running
        shutil.rmtree(self.directory, ignore_errors=True)
