"""Client addresses behind the reverse proxy: what opengov.clientaddress.client_address believes,
the sign-in lockout policy built on it, and the same through a real hop — gunicorn behind a small
forwarding proxy on loopback that appends X-Forwarded-For as nginx does.

Loopback has every 127.0.0.0/8 address, so each party connects from its own: the proxy from
PROXY (the only hop gunicorn is told to trust, with EDGE, a trusted hop in front of it such as a
CDN), and each client from an address of its own."""

from __future__ import annotations

import datetime
import http.client
import http.server
import os
import re
import subprocess
import sys
import threading
import uuid

import pytest
import redis
import requests
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from requests.adapters import HTTPAdapter

from commitments.models import Comment
from consultations.models import ActionPlan
from opengov.clientaddress import client_address
from tests import factories
from tests.support.processes import ROOT, Gunicorn, free_port, test_database_url

PROXY = "127.0.0.2"
EDGE = "127.0.0.3"
PASSWORD = "correct horse battery staple"


# --- what client_address believes ---------------------------------------------------------------


def address_of(settings, *, trusted: str, peer: str, forwarded: str | None = None) -> str:
    settings.TRUSTED_PROXIES = [entry for entry in trusted.split(",") if entry]
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "expected"),
    [
        # Nobody trusted (the default): the header is ignored.
        ("", "203.0.113.5", "198.51.100.1", "203.0.113.5"),
        # An untrusted peer cannot choose its address.
        ("10.0.0.1", "203.0.113.5", "198.51.100.1", "203.0.113.5"),
        # The trusted proxy names the client.
        ("10.0.0.1", "10.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.0/24", "10.0.0.9", " 198.51.100.1 ", "198.51.100.1"),
        # Whatever the client wrote further left is not believed.
        ("10.0.0.1", "10.0.0.1", "1.1.1.1, 2.2.2.2, 198.51.100.1", "198.51.100.1"),
        ("10.0.0.1", "10.0.0.1", "garbage, 198.51.100.1", "198.51.100.1"),
        # Trusted hops are skipped from the right.
        ("10.0.0.1,10.0.0.2", "10.0.0.1", "1.1.1.1, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        # Garbage where the proxy writes, an empty or absurd header: the peer.
        ("10.0.0.1", "10.0.0.1", "198.51.100.1, not-an-ip", "10.0.0.1"),
        ("10.0.0.1", "10.0.0.1", "198.51.100.1:8080", "10.0.0.1"),
        ("10.0.0.1", "10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", "10.0.0.1", None, "10.0.0.1"),
        ("10.0.0.1", "10.0.0.1", ",".join(["198.51.100.1"] * 100), "10.0.0.1"),
        ("10.0.0.1", "10.0.0.1", "fe80::1%eth0", "10.0.0.1"),
        # IPv6 by /64, IPv4-mapped IPv6 as IPv4, brackets accepted.
        ("", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", None, "2001:db8:1:2::"),
        ("10.0.0.1", "10.0.0.1", "2001:db8:1:2::7", "2001:db8:1:2::"),
        ("10.0.0.1", "10.0.0.1", "[2001:db8:1:2::7]", "2001:db8:1:2::"),
        ("10.0.0.1", "::ffff:10.0.0.1", "::ffff:198.51.100.1", "198.51.100.1"),
        ("2001:db8:ffff::/48", "2001:db8:ffff::1", "2001:db8:9::1", "2001:db8:9::"),
        # A peer that is no address at all (a Unix socket).
        ("10.0.0.1", "", "198.51.100.1", ""),
    ],
)
def test_client_address_believes_only_trusted_hops(settings, trusted, peer, forwarded, expected):
    assert address_of(settings, trusted=trusted, peer=peer, forwarded=forwarded) == expected


def test_client_address_keys_a_whole_ipv6_64_as_one_client(settings):
    def key(address):
        return address_of(settings, trusted="", peer=address)

    assert key("2001:db8:1:2::1") == key("2001:db8:1:2:ffff:ffff:ffff:ffff")
    assert key("2001:db8:1:2::1") != key("2001:db8:1:3::1")


def test_a_bad_trusted_proxies_entry_stops_the_start(tmp_path):
    env = {**os.environ, "TRUSTED_PROXIES": "10.0.0.1,not-a-network", "SECRET_KEY": "x"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr and "not-a-network" in result.stderr


# --- the sign-in lockout policy (in process) ---------------------------------------------------


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="coordinator", password=PASSWORD, is_staff=True
    )


def sign_in(address: str, username: str, password: str) -> int:
    response = Client(REMOTE_ADDR=address).post(
        "/ar/admin/login/", {"username": username, "password": password, "next": "/ar/admin/"}
    )
    return response.status_code


@pytest.mark.django_db
def test_a_stranger_cannot_lock_a_staff_member_out_from_elsewhere(staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("203.0.113.66", staff.username, "wrong-guess")
    assert sign_in("203.0.113.66", staff.username, PASSWORD) == 429
    assert sign_in("198.51.100.20", staff.username, PASSWORD) == 302


@pytest.mark.django_db
def test_an_address_failing_on_many_usernames_is_locked_for_all(staff, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for number in range(6):
        sign_in("203.0.113.66", f"guess-{number}", "wrong-guess")
    assert sign_in("203.0.113.66", staff.username, PASSWORD) == 429
    assert sign_in("198.51.100.20", staff.username, PASSWORD) == 302


@pytest.mark.django_db
def test_a_username_guessed_from_many_addresses_gives_each_address_one_try(staff, settings):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 6
    for number in range(3):
        for _ in range(2):
            sign_in(f"203.0.113.{number + 1}", staff.username, "wrong-guess")
    # The ceiling is reached: every address that failed on the username is locked for it...
    assert sign_in("203.0.113.1", staff.username, PASSWORD) == 429
    # ...and a new address gets one try: its first failure locks it.
    assert sign_in("203.0.113.9", staff.username, "wrong-guess") == 429
    assert sign_in("203.0.113.9", staff.username, PASSWORD) == 429
    # ...but the username is not locked for everyone: a clean address signs in.
    assert sign_in("198.51.100.20", staff.username, PASSWORD) == 302
    assert AccessAttempt.objects.filter(ip_address="198.51.100.20").count() == 0


@pytest.mark.django_db
def test_wrong_codes_from_a_stranger_do_not_lock_out_the_staff_members_code(staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own wait between codes, tested elsewhere
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    right = f"{totp(device.bin_key):06d}"
    near = {f"{totp(device.bin_key, t0=shift * device.step):06d}" for shift in range(-3, 4)}
    wrong = next(f"{n:06d}" for n in range(123456, 999999, 7919) if f"{n:06d}" not in near)

    def sign_in_with(address: str, code: str) -> int:
        data = {"username": staff.username, "password": PASSWORD, "otp_token": code}
        return Client(REMOTE_ADDR=address).post("/ar/admin/login/", data).status_code

    # Someone who has the password but not the phone.
    statuses = [sign_in_with("203.0.113.66", wrong) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
    assert sign_in_with("198.51.100.20", right) == 302


# --- through a real proxy hop -------------------------------------------------------------------

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
}


class ForwardingProxy(http.server.ThreadingHTTPServer):
    """A reverse proxy in a thread, on 127.0.0.1:port: it forwards each request to the upstream
    server from source address PROXY and appends its peer's address to X-Forwarded-For (what
    nginx's $proxy_add_x_forwarded_for does). One request per connection."""

    daemon_threads = True

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.port = free_port()
        super().__init__(("127.0.0.1", self.port), _ProxyHandler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args) -> None:
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers.pop("X-Forwarded-For", None)
        earlier = ", ".join(self.headers.get_all("X-Forwarded-For") or [])
        peer = self.client_address[0]
        headers["X-Forwarded-For"] = f"{earlier}, {peer}" if earlier else peer
        upstream = http.client.HTTPConnection(
            "127.0.0.1", self.server.upstream_port, timeout=30, source_address=(PROXY, 0)
        )
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
        finally:
            upstream.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP | {"content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_HEAD = _forward


class _FromAddress(HTTPAdapter):
    def __init__(self, source: str):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def browser(source: str) -> requests.Session:
    """A client whose connections leave from `source` (a loopback address)."""
    session = requests.Session()
    session.mount("http://", _FromAddress(source))
    return session


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(session: requests.Session, url: str, **headers) -> str:
    response = session.get(url, headers=headers, timeout=30)
    assert response.status_code == 200, response.text[:500]
    return CSRF.search(response.text).group(1)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn on the test database, trusting PROXY and EDGE, behind a ForwardingProxy."""
    from django.conf import settings

    prefix = f"proxy-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        database_url = test_database_url()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "CACHE_KEY_PREFIX": prefix,
        "PAGE_CACHE_SECONDS": "0",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "SECURE_HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "TRUSTED_PROXIES": f"{PROXY},{EDGE}",
        "COMMENT_LIMIT_PER_IP": "2",
        "COMMENT_LIMIT_PER_EMAIL": "100",
        "COMMENT_LIMIT_MAILS_PER_EMAIL": "100",
        "LOGIN_FAILURE_LIMIT": "3",
        # Gunicorn's own trust of forwarding headers, at its widest: it must still not make
        # REMOTE_ADDR anything but the peer.
        "FORWARDED_ALLOW_IPS": "*",
    }
    log = tmp_path_factory.mktemp("proxy") / "gunicorn.log"
    # The flags of the deployment's command line (Dockerfile, docker-compose.yml).
    server = Gunicorn(env, log, workers=2).start()
    port = server.port
    proxy = ForwardingProxy(port)
    try:
        yield {"direct": f"http://127.0.0.1:{port}", "proxied": f"http://127.0.0.1:{proxy.port}"}
    finally:
        proxy.stop()
        server.stop()
        client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


# Data gunicorn must see is committed; serialized_rollback, as every transactional test here,
# gives the next tests back what the migrations created (the role groups, content types).
def through_the_proxy(test):
    """A test of gunicorn behind the forwarding proxy (processes of their own)."""
    marks = pytest.mark.django_db(transaction=True, serialized_rollback=True)
    return pytest.mark.real_services(marks(test))


@pytest.fixture
def open_plan():
    today = timezone.localdate()
    return factories.ActionPlanFactory(
        stage=ActionPlan.Stage.CONSULTATION,
        consultation_opens_on=today - datetime.timedelta(days=3),
        consultation_closes_on=today + datetime.timedelta(days=3),
    )


def comment(session, base: str, plan, *, forwarded: str | None = None) -> int:
    """Post one valid comment (a fresh e-mail address each time) and return the status."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    with translation.override("fr"):
        page = plan.get_absolute_url()
        target = reverse("commitments:plan_comment", args=[plan.council.slug, plan.start_year])
    data = {
        "csrfmiddlewaretoken": csrf_token(session, base + page, **headers),
        "author_name": "Amina",
        "email": f"c-{uuid.uuid4().hex[:10]}@example.org",
        "body": "Publiez les budgets.",
        "consent": "on",
        "website": "",
    }
    response = session.post(
        base + target, data=data, headers=headers, allow_redirects=False, timeout=30
    )
    return response.status_code


@through_the_proxy
def test_two_clients_behind_the_proxy_have_separate_comment_limits(site, open_plan):
    first, second = browser("127.0.0.11"), browser("127.0.0.12")
    assert [comment(first, site["proxied"], open_plan) for _ in range(3)] == [302, 302, 429]
    assert [comment(second, site["proxied"], open_plan) for _ in range(2)] == [302, 302]
    assert Comment.objects.filter(plan=open_plan).count() == 4


@through_the_proxy
def test_a_forged_forwarded_header_is_not_believed(site, open_plan):
    # Through the proxy: the proxy appends the real peer, which is the one believed.
    liar = browser("127.0.0.21")
    statuses = [
        comment(liar, site["proxied"], open_plan, forwarded=f"198.51.100.{number}")
        for number in range(3)
    ]
    assert statuses == [302, 302, 429]
    # Straight to gunicorn from a peer the portal does not trust: the header is ignored
    # altogether, and gunicorn, which trusts every peer here, did not put it in REMOTE_ADDR.
    direct = browser("127.0.0.22")
    statuses = [
        comment(direct, site["direct"], open_plan, forwarded=f"198.51.100.{number}")
        for number in range(10, 13)
    ]
    assert statuses == [302, 302, 429]


@through_the_proxy
def test_ipv6_clients_are_limited_by_their_64(site, open_plan):
    # EDGE is a trusted hop in front of the proxy (a CDN), naming IPv6 clients.
    edge = browser(EDGE)
    same_64 = ["2001:db8:77:1::a", "2001:db8:77:1:ffff::b", "2001:db8:77:1::c"]
    statuses = [comment(edge, site["proxied"], open_plan, forwarded=a) for a in same_64]
    assert statuses == [302, 302, 429]
    assert comment(edge, site["proxied"], open_plan, forwarded="2001:db8:77:2::a") == 302


@through_the_proxy
def test_a_strangers_failures_behind_the_proxy_do_not_lock_out_staff(site):
    hasher = PBKDF2PasswordHasher()  # gunicorn knows the production hashers only
    user = factories.UserFactory(username="coordinator", is_staff=True)
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])

    def sign_in(session, password) -> int:
        url = site["proxied"] + "/fr/admin/login/"
        data = {
            "csrfmiddlewaretoken": csrf_token(session, url),
            "username": user.username,
            "password": password,
            "next": "/fr/admin/",
        }
        return session.post(url, data=data, allow_redirects=False, timeout=30).status_code

    stranger, staff_member = browser("127.0.0.31"), browser("127.0.0.32")
    assert [sign_in(stranger, "wrong-guess") for _ in range(3)] == [200, 200, 429]
    assert sign_in(stranger, PASSWORD) == 429
    assert sign_in(staff_member, PASSWORD) == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.31"}
