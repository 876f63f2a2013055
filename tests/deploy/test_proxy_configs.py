"""The shipped reverse-proxy configurations (deploy/): nginx -t and caddy validate on the files as
shipped, then each proxy run on loopback in front of a real gunicorn of the project (one sync
worker, so one request held by a slow client would block every other): too-large bodies refused
by the proxy with 413, a slow body held by the proxy until complete, the client's address
written over whatever X-Forwarded-For it sent, static files from the collected folder, uploaded
files as sandboxed attachments. TLS is left out of the runs: nginx's run includes the same
locations file as the shipped server block; Caddy's runs the shipped Caddyfile with only its
site address and admin endpoint changed."""

import re
import select
import shutil
import subprocess

import pytest
import requests

from tests.support.processes import Gunicorn, wait_until, web_env
from tests.support.proxies import (
    DEPLOY,
    Caddy,
    Nginx,
    caddy_validate,
    nginx_test,
    shipped_caddyfile,
)
from tests.support.rawhttp import chunk, read_response, send_head, send_quietly

# Each test runs the proxies and gunicorn as processes of their own.
pytestmark = pytest.mark.real_services

PUBLIC_POST = "/ar/councils/any/plans/2026/comments/"
FORM = "application/x-www-form-urlencoded"
PUBLIC_LIMIT = 64 * 1024
# An HTML file with a script, uploaded as "evidence": it must never run in the portal's origin.
HOSTILE = b"<html><script>document.title = 'ran'</script></html>"


@pytest.fixture(scope="module")
def web(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("proxied-web")
    with django_db_blocker.unblock():
        env = web_env()
    server = Gunicorn(env, folder / "gunicorn.log", access_log=True).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """What the proxies serve from disk: static/ (collected) and media/ (uploads)."""
    root = tmp_path_factory.mktemp("served")
    (root / "static" / "css").mkdir(parents=True)
    (root / "static" / "css" / "collected.css").write_text("main { margin: 0; }\n")
    (root / "media" / "evidence").mkdir(parents=True)
    (root / "media" / "evidence" / "report.html").write_bytes(HOSTILE)
    return root


def nginx_in_front(directory, web, files) -> Nginx:
    locations = DEPLOY / "nginx" / "infitah-locations.conf"
    return Nginx(
        directory,
        "  include /etc/nginx/mime.types;\n"
        f"  upstream infitah {{ server 127.0.0.1:{web.port}; }}\n"
        "  server {\n"
        "    listen 127.0.0.1:{port};\n"
        f"    root {files};\n"
        f"    include {locations};\n"
        "  }",
    )


@pytest.fixture(scope="module", params=["nginx", "caddy"])
def proxy(request, web, files, tmp_path_factory):
    directory = tmp_path_factory.mktemp(request.param)
    if request.param == "nginx":
        server = nginx_in_front(directory, web, files)
    else:
        server = Caddy(directory, upstream=f"127.0.0.1:{web.port}", files=files)
    server.start()
    yield server
    server.stop()


# --- the files as shipped ------------------------------------------------------------------------


def self_signed(directory) -> tuple[str, str]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=infitah.example.ma", "-keyout", str(key), "-out", str(cert)),
        ],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return str(cert), str(key)


def test_shipped_nginx_conf_passes_nginx_t(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("needs openssl for a throwaway certificate")
    text = (DEPLOY / "nginx.conf").read_text()
    cert, key = self_signed(tmp_path)
    # Only the certificate paths change: there is no Let's Encrypt certificate here.
    text, replaced = re.subn(r"/etc/letsencrypt/live/[^;]+/fullchain\.pem", cert, text)
    text, replaced_key = re.subn(r"/etc/letsencrypt/live/[^;]+/privkey\.pem", key, text)
    assert (replaced, replaced_key) == (1, 1)
    (tmp_path / "nginx.conf").write_text(text)
    shutil.copy(DEPLOY / "nginx" / "infitah-locations.conf", tmp_path)
    shutil.copy("/etc/nginx/mime.types", tmp_path)
    checked = nginx_test(tmp_path / "nginx.conf", tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_shipped_caddyfile_validates(tmp_path):
    config = shipped_caddyfile(tmp_path)
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    checked = caddy_validate(config, env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Valid configuration" in checked.stdout + checked.stderr


# --- in front of gunicorn ------------------------------------------------------------------------


def seen_by_gunicorn(web, path: str) -> list[str]:
    return [line for line in web.requests_seen() if f" {path} " in line]


def answered(sock) -> bool:
    return bool(select.select([sock], [], [], 0.01)[0])


def public_post(proxy, name: str) -> str:
    """A public POST path of its own per test and proxy (both proxies share one gunicorn)."""
    return PUBLIC_POST.replace("any", f"{name}-{type(proxy).__name__.lower()}")


def test_a_too_large_public_body_is_refused_by_the_proxy(proxy, web):
    path = public_post(proxy, "too-large")
    sock = send_head(
        proxy.port,
        f"""POST {path} HTTP/1.1
        Host: 127.0.0.1
        Content-Type: {FORM}
        Content-Length: {PUBLIC_LIMIT + 1}""",
    )
    with sock:
        send_quietly(sock, b"a" * (PUBLIC_LIMIT + 1))
        status, _headers, _body = read_response(sock)
    assert status == 413
    assert seen_by_gunicorn(web, path) == []


def test_a_too_large_chunked_public_body_is_refused_by_the_proxy(proxy, web):
    # nginx counts the chunks (413 past the size); Caddy refuses any body without a length (411).
    path = public_post(proxy, "too-large-chunked")
    sock = send_head(
        proxy.port,
        f"""POST {path} HTTP/1.1
        Host: 127.0.0.1
        Content-Type: {FORM}
        Transfer-Encoding: chunked""",
    )
    with sock:
        sent = 0
        # Stop sending once the answer is there: writing on after it could reset the connection
        # and lose the answer.
        while sent <= PUBLIC_LIMIT and not answered(sock):
            if not send_quietly(sock, chunk(b"a" * 4096)):
                break
            sent += 4096
        status, _headers, _body = read_response(sock)
    assert status == (413 if isinstance(proxy, Nginx) else 411)
    assert seen_by_gunicorn(web, path) == []


def test_the_admin_takes_staff_sized_bodies_and_the_portal_refuses_them_from_anonymous(proxy, web):
    # Through the proxy (the admin's size), then refused by the portal: nobody is signed in.
    body = b"a" * (1024 * 1024)
    response = requests.post(
        f"{proxy.url}/fr/admin/login/",
        data=body,
        headers={"Content-Type": FORM},
        timeout=30,
    )
    wait_until(lambda: seen_by_gunicorn(web, "/fr/admin/login/"), timeout=10, what="the log")
    if isinstance(proxy, Nginx):
        assert response.status_code == 413
        assert 'lang="fr"' in response.text
    else:
        # gunicorn answers before reading the body and closes the connection; Caddy 2.6, still
        # writing the body, reports a broken connection instead of passing the answer on.
        assert response.status_code in (413, 502)


def test_a_slow_body_reaches_gunicorn_only_when_complete(proxy, web):
    path = public_post(proxy, "slow")
    body = b"author_name=" + b"a" * 2000
    sock = send_head(
        proxy.port,
        f"""POST {path} HTTP/1.1
        Host: 127.0.0.1
        Content-Type: {FORM}
        Content-Length: {len(body)}
        Connection: close""",
    )
    with sock:
        sock.sendall(body[:1000])
        # The only gunicorn worker is free: the proxy holds the half-sent body, not gunicorn.
        health = requests.get(f"{proxy.url}/healthz", timeout=10)
        assert health.status_code == 200
        assert seen_by_gunicorn(web, path) == []
        sock.sendall(body[1000:])
        status, _headers, _body = read_response(sock)
    assert status == 403  # the portal's answer (no CSRF token), once the body was complete
    # gunicorn logs a request just after answering it.
    wait_until(lambda: seen_by_gunicorn(web, path), timeout=10, what="gunicorn's access log")
    assert len(seen_by_gunicorn(web, path)) == 1


def test_the_client_address_replaces_any_forwarded_for_it_sent(proxy, web):
    path = f"/robots.txt?{type(proxy).__name__}"
    response = requests.get(
        f"{proxy.url}{path}",
        headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https"},
        timeout=10,
    )
    assert response.status_code == 200
    (line,) = wait_until(lambda: seen_by_gunicorn(web, path), timeout=10, what="the access log")
    assert 'xff="127.0.0.1"' in line
    assert 'proto="http"' in line
    assert 'host="127.0.0.1' in line


def test_static_files_come_from_the_collected_folder(proxy):
    response = requests.get(f"{proxy.url}/static/css/collected.css", timeout=10)
    assert response.status_code == 200
    assert response.text == "main { margin: 0; }\n"
    assert response.headers["Cache-Control"] == "public, max-age=604800"
    # Not collected there: the portal answers (whitenoise, from the source folders in tests).
    assert requests.get(f"{proxy.url}/static/css/site.css", timeout=10).status_code == 200


def test_uploaded_files_come_back_as_sandboxed_attachments(proxy):
    response = requests.get(f"{proxy.url}/media/evidence/report.html", timeout=10)
    assert response.status_code == 200
    assert response.content == HOSTILE
    assert response.headers["Content-Disposition"] == "attachment"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert "Set-Cookie" not in response.headers
    refused = requests.post(f"{proxy.url}/media/evidence/report.html", timeout=10)
    assert refused.status_code in (403, 405)
    assert requests.get(f"{proxy.url}/media/evidence/", timeout=10).status_code in (403, 404)
