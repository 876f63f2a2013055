"""scripts/services.sh, what `make test` and `make quick` run first: on a machine where the
system's commands are stand-ins that record their calls, it installs only what is missing, runs
no apt-get at all when nothing is, starts only the services that do not answer, prints instead
of acting with --dry-run or when not root, and leaves the browser and proxy packages to
`make test` (--core)."""

import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "services.sh"
# Real commands the script uses only to read (linked into the stand-ins' folder).
REAL = ("ls", "sort", "tail", "seq", "sed", "cat")
# Stand-ins: each records its arguments; `fails` lists those that answer with an error.
STANDINS = (
    "id",
    "dpkg",
    "apt-get",
    "env",
    "pg_ctlcluster",
    "pg_isready",
    "psql",
    "createdb",
    "su",
    "redis-server",
    "redis-cli",
    "msgfmt",
    "pdftotext",
    "chromium",
    "sleep",
)
# What installs or starts something.
ACTING = {"apt-get", "env", "pg_ctlcluster", "redis-server", "createdb", "su"}
STANDIN = """#!/bin/bash
name=${0##*/}
echo "$name $*" >> "$STANDIN_LOG"
case " $STANDIN_FAILS " in *" $name "*) exit 1 ;; esac
case "$name" in
  id) echo "$STANDIN_UID" ;;
  dpkg) case " $STANDIN_NOT_INSTALLED " in *" $2 "*) exit 1 ;; esac ;;
  psql) case "$*" in *pg_database*) [ -n "$STANDIN_NO_DATABASE" ] || echo 1 ;; *) echo 1 ;; esac ;;
esac
exit 0
"""


def run(tmp_path, *args, missing=(), fails=(), not_installed=(), uid=0, no_database=False):
    """The script with stand-ins for the system: `missing` commands are absent from PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in REAL:
        target = bin_dir / name
        if not target.exists():
            target.symlink_to(shutil.which(name))
    for name in STANDINS:
        target = bin_dir / name
        if name in missing:
            target.unlink(missing_ok=True)
        else:
            target.write_text(STANDIN)
            target.chmod(target.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "calls.log"
    log.write_text("")
    (tmp_path / "postgresql" / "15").mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": str(bin_dir),
        "STANDIN_LOG": str(log),
        "STANDIN_FAILS": " ".join(fails),
        "STANDIN_NOT_INSTALLED": " ".join(not_installed),
        "STANDIN_UID": str(uid),
        "STANDIN_NO_DATABASE": "yes" if no_database else "",
        "TEST_DATABASE_URL": "postgres://postgres@127.0.0.1:5433/infitah_x",
        "TEST_REDIS_URL": "redis://127.0.0.1:6380/3",
        "POSTGRESQL_ETC": str(tmp_path / "postgresql"),
    }
    result = subprocess.run(
        ["/bin/bash", str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    calls = [line.split(" ", 1)[0] for line in log.read_text().splitlines()]
    return result, calls, log.read_text()


def test_services_with_everything_present_do_nothing_and_say_nothing(tmp_path):
    result, calls, _log = run(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert not ACTING & set(calls)


def test_services_install_only_what_is_missing_in_one_apt_get(tmp_path):
    result, _calls, log = run(
        tmp_path, missing=("msgfmt", "chromium"), not_installed=("caddy", "libharfbuzz-subset0")
    )
    assert result.returncode == 0, result.stderr
    assert "apt-get update -qq" in log
    install = next(line for line in log.splitlines() if "apt-get install" in line)
    named = install.split("-qq", 1)[1].split()
    assert named == ["gettext", "libharfbuzz-subset0", "chromium", "chromium-driver", "caddy"]


def test_services_stop_when_apt_get_fails(tmp_path):
    result, calls, _log = run(tmp_path, missing=("msgfmt",), fails=("env",))
    assert result.returncode == 1
    assert "apt-get could not install gettext" in result.stdout
    assert "pg_isready" not in calls


def test_services_dry_run_says_what_it_would_do_and_does_nothing(tmp_path):
    result, calls, _log = run(
        tmp_path,
        "--dry-run",
        missing=("redis-server", "chromium"),
        fails=("pg_isready", "redis-cli"),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "missing: redis-server chromium chromium-driver" in out
    assert "would run: apt-get update" in out
    assert "would run: env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq" in out
    assert "would run: pg_ctlcluster --skip-systemctl-redirect 15 main start" in out
    assert "would run: redis-server --daemonize yes --bind 127.0.0.1 --port 6380" in out
    assert "would create the database infitah_x once PostgreSQL answers" in out
    assert not ACTING & set(calls)


def test_services_core_leave_out_the_browser_and_the_proxies(tmp_path):
    result, calls, _log = run(
        tmp_path, "--core", missing=("chromium",), not_installed=("nginx-light", "caddy")
    )
    assert result.returncode == 0, result.stderr
    assert not ACTING & set(calls)
    assert result.stdout == ""


def test_services_not_as_root_print_the_install_and_install_nothing(tmp_path):
    result, calls, _log = run(tmp_path, missing=("msgfmt",), uid=1000)
    assert result.returncode == 0, result.stderr
    assert "sudo apt-get install -y gettext" in result.stdout
    assert not ACTING & set(calls)


def test_services_start_postgresql_and_redis_only_when_they_do_not_answer(tmp_path):
    # pg_isready and redis-cli keep failing: each is started once, then the script reports
    # that the tests cannot run (the wait loops are cut short by the stand-in sleep).
    result, calls, log = run(tmp_path, fails=("pg_isready", "redis-cli"))
    assert calls.count("pg_ctlcluster") == 1
    assert "redis-server --daemonize yes --bind 127.0.0.1 --port 6380" in log
    assert result.returncode == 1
    assert "PostgreSQL does not answer at 127.0.0.1:5433" in result.stdout
    assert "Redis does not answer at 127.0.0.1:6380" in result.stdout


def test_services_create_the_test_database_when_it_does_not_exist(tmp_path):
    result, _calls, log = run(tmp_path, no_database=True)
    assert result.returncode == 0, result.stderr
    assert "createdb -h 127.0.0.1 -p 5433 -U postgres infitah_x" in log


def test_make_test_and_quick_ensure_the_services_first():
    """`make test` runs the whole script, `make quick` and `make check` its --core part, each
    before anything that needs a service; CI runs `make test` and nothing else of its own."""

    def commands(target):
        out = subprocess.run(
            [
                shutil.which("make"),
                "-n",
                "--no-print-directory",  # run from `make test` itself, make says where it is
                "-o",
                ".venv/.installed",
                "-o",
                "install",
                target,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "MAKEFLAGS": ""},
        ).stdout
        return [line for line in out.splitlines() if line.strip()]

    test = commands("test")
    assert test[0].endswith("bash scripts/services.sh")
    quick = commands("quick")
    assert quick[0].endswith("bash scripts/services.sh --core")
    assert not any(line.endswith("services.sh") for line in quick)
    ci = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ci[-1] == "make test"
    assert not any("apt-get" in line or "pg_ctlcluster" in line for line in ci)


def test_services_refuse_an_unknown_option(tmp_path):
    result, calls, _log = run(tmp_path, "--nope")
    assert result.returncode == 2
    assert calls == []
