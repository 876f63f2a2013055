"""The shipped reverse proxies (deploy/): nginx and Caddy on loopback and free ports, in front
of a gunicorn (tests.support.processes), plain HTTP: the proxy's TLS is left out (the shipped
configurations include the same location and site files the tests run; see deploy/)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.support.processes import ROOT, Process, free_port, listening, skip

DEPLOY = ROOT / "deploy"


class Nginx(Process):
    """nginx in the foreground with a configuration written for the run: `http_text` is the body
    of the http block (an upstream and a server that includes the shipped locations), in which
    {port} stands for the port nginx listens on."""

    name = "nginx"

    def __init__(self, directory: Path, http_text: str):
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        for name in ("client_body", "proxy", "logs"):
            (directory / name).mkdir(parents=True, exist_ok=True)
        self.config = directory / "nginx.conf"
        # Root's temporary folders are private: workers running as "nobody" could not read them.
        user = "user root;\n" if os.geteuid() == 0 else ""
        self.config.write_text(
            f"{user}daemon off;\nworker_processes 1;\n"
            f"pid {directory}/nginx.pid;\nerror_log {directory}/logs/error.log info;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            f"  access_log {directory}/logs/access.log;\n"
            f"  client_body_temp_path {directory}/client_body;\n"
            f"  proxy_temp_path {directory}/proxy;\n"
            + http_text.replace("{port}", str(self.port))
            + "\n}\n"
        )
        command = [nginx_binary(), "-p", str(directory), "-c", str(self.config)]
        super().__init__(command, dict(os.environ), directory / "logs" / "out.log")

    def check(self) -> subprocess.CompletedProcess:
        return nginx_test(self.config, self.directory)

    def start(self) -> Nginx:
        super().start()
        self.wait_for(lambda: listening(self.port), "nginx to listen", timeout=20)
        return self

    def errors(self) -> str:
        log = self.directory / "logs" / "error.log"
        return log.read_text(errors="replace") if log.exists() else ""

    def diagnostics(self) -> str:
        return f"nginx error log:\n{self.errors()}"


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        skip("needs nginx (apt-get install nginx-light; `make services` installs it)")
    return found


def nginx_test(config: Path, prefix: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on `config`, with `prefix` for relative paths."""
    return subprocess.run(
        [nginx_binary(), "-t", "-p", str(prefix), "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


class Caddy(Process):
    """Caddy in the foreground with the shipped Caddyfile, its site address replaced by plain
    HTTP on a free loopback port and its admin endpoint off; `upstream` and `files` fill the
    Caddyfile's {$INFITAH_UPSTREAM} and {$INFITAH_FILES}."""

    name = "caddy"

    def __init__(self, directory: Path, *, upstream: str, files: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = shipped_caddyfile(directory, site=f"http://127.0.0.1:{self.port}")
        env = {
            **os.environ,
            "HOME": str(directory),
            "XDG_DATA_HOME": str(directory / "data"),
            "XDG_CONFIG_HOME": str(directory / "config"),
            "INFITAH_UPSTREAM": upstream,
            "INFITAH_FILES": str(files),
        }
        command = [caddy_binary(), "run", "--adapter", "caddyfile", "--config", str(self.config)]
        super().__init__(command, env, directory / "caddy.log", cwd=directory)

    def validate(self) -> subprocess.CompletedProcess:
        return caddy_validate(self.config, self.env)

    def start(self) -> Caddy:
        super().start()
        self.wait_for(lambda: listening(self.port), "caddy to listen", timeout=20)
        return self


def shipped_caddyfile(directory: Path, *, site: str | None = None) -> Path:
    """deploy/Caddyfile and the file it imports, copied into `directory`; with `site`, the site
    address replaced by it and the admin endpoint and automatic HTTPS turned off (a test run)."""
    text = (DEPLOY / "Caddyfile").read_text()
    if site is not None:
        assert text.count("infitah.example.ma {") == 1
        text = text.replace("infitah.example.ma {", f"{site} {{")
        assert text.startswith("#") and "\n{\n" in text
        text = text.replace("\n{\n", "\n{\n\tadmin off\n\tauto_https off\n", 1)
    (directory / "caddy").mkdir(exist_ok=True)
    shutil.copy(DEPLOY / "caddy" / "infitah.caddy", directory / "caddy" / "infitah.caddy")
    config = directory / "Caddyfile"
    config.write_text(text)
    return config


def caddy_binary() -> str:
    found = shutil.which("caddy")
    if found is None:
        skip("needs caddy (apt-get install caddy; `make services` installs it)")
    return found


def caddy_validate(config: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [caddy_binary(), "validate", "--adapter", "caddyfile", "--config", str(config)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
