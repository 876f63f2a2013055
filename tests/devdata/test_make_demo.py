"""`make demo` (the Makefile, run with a stand-in Python that records each manage.py command and
its environment): every command runs under SITE_URL = the address given by HOST and PORT (or
DEMO_SITE_URL), which Django then answers (ALLOWED_HOSTS); the plans are published again when
the demo ran at another address before, so the PDFs' links and QR codes follow; and the demo
asks for no system package nor service."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a demo run does not remake here: the virtualenv and the compiled catalogues.
KEEP = ("-o", ".venv/.installed", "-o", "install", "-o", "translations")
PYTHON = """#!/bin/bash
echo "SITE_URL=$SITE_URL ALLOWED_HOSTS=$ALLOWED_HOSTS DATABASE_URL=$DATABASE_URL \
REDIS_URL=$REDIS_URL $*" >> "$DEMO_LOG"
"""


def make_demo(folder: Path, *arguments: str, **env: str) -> list[str]:
    """`make demo` in `folder` (a copy of the Makefile); the manage.py commands it ran."""
    log = folder / "commands.log"
    log.write_text("")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"HOST", "PORT", "DEMO_SITE_URL", "MAKEFLAGS", "MAKELEVEL"}
    }
    environment.update(env, DEMO_LOG=str(log))
    subprocess.run(
        [shutil.which("make"), "-s", *KEEP, "demo", *arguments],
        cwd=folder,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return log.read_text().splitlines()


def demo_folder(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(PYTHON)
    python.chmod(0o755)
    return tmp_path


def publish_plans(commands: list[str]) -> str:
    (line,) = [c for c in commands if "manage.py publish_plans" in c]
    return line.split("manage.py ", 1)[1]


def test_make_demo_port_from_the_environment_sets_site_url_everywhere(tmp_path):
    folder = demo_folder(tmp_path)
    commands = make_demo(folder, PORT="8150")
    assert [c.split("manage.py ", 1)[1].split()[0] for c in commands] == [
        "migrate",
        "load_demo",
        "publish_plans",
        "rebuild_search_vocabulary",
        "ensure_admin",
        "runserver",
    ]
    for command in commands:
        assert command.startswith("SITE_URL=http://127.0.0.1:8150 "), command
        assert " DATABASE_URL= REDIS_URL= " in command, command  # SQLite, no Redis
    assert commands[-1].endswith("runserver 127.0.0.1:8150")
    # A first run: nothing tells at which address the PDFs were made.
    assert publish_plans(commands) == "publish_plans --again"
    assert (folder / "var" / "site-url").read_text().strip() == "http://127.0.0.1:8150"

    # The same address again: the PDFs are kept.
    assert publish_plans(make_demo(folder, PORT="8150")) == "publish_plans"
    # Another address: published again, for it.
    commands = make_demo(
        folder, "HOST=0.0.0.0", "PORT=8151", "DEMO_SITE_URL=http://demo.example:8151"
    )
    assert publish_plans(commands) == "publish_plans --again"
    assert all(c.startswith("SITE_URL=http://demo.example:8151 ") for c in commands)
    assert "ALLOWED_HOSTS=localhost,127.0.0.1,[::1],0.0.0.0,demo.example " in commands[-1]
    assert commands[-1].endswith("runserver 0.0.0.0:8151")


def test_make_demo_host_and_port_arguments_set_site_url(tmp_path):
    commands = make_demo(demo_folder(tmp_path), "HOST=192.0.2.7", "PORT=8152")
    assert all(c.startswith("SITE_URL=http://192.0.2.7:8152 ") for c in commands)
    assert "ALLOWED_HOSTS=localhost,127.0.0.1,[::1],192.0.2.7,192.0.2.7 " in commands[-1]


def test_make_demo_needs_no_system_package_nor_service():
    planned = subprocess.run(
        [shutil.which("make"), "-n", "-o", ".venv/.installed", "-o", "install", "demo"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL"}},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "manage.py runserver" in planned
    for word in ("services.sh", "apt-get", "pg_ctlcluster", "redis-server", "sudo"):
        assert word not in planned, word
