"""Security headers on every kind of answer, and staff sign-in protection: lockout after failed
attempts (django-axes), strong passwords, sessions that end."""

import datetime
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from consultations.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-2024"


def _directives(header: str) -> dict[str, list[str]]:
    parts = [part.strip().split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


@pytest.fixture
def public_plan():
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    factories.CommitmentFactory(plan=plan, reference="SEC-01")
    return plan


def _public_urls(plan):
    commitment = plan.commitments.get()
    return [
        reverse("home"),
        plan.get_absolute_url(),
        commitment.get_absolute_url(),
        reverse("consultations:proposals"),
        "/ar/no-such-page/",
    ]


def test_public_pages_carry_a_strict_content_security_policy(client, public_plan):
    for url in _public_urls(public_plan):
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        policy = _directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"], url
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["base-uri"] == ["'none'"], url
        header = response["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, url
        assert "http:" not in header and "https:" not in header, url


def test_other_security_headers_on_pages_admin_and_api(admin_client, public_plan):
    anonymous = Client()
    answers = [
        anonymous.get(public_plan.get_absolute_url()),
        anonymous.get("/api/v1/plans/"),
        anonymous.get(reverse("admin:login")),
        admin_client.get(reverse("admin:consultations_actionplan_changelist")),
    ]
    for response in answers:
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "Content-Security-Policy" in response


def test_api_documentation_relaxes_styles_only(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert "<script>" not in response.content.decode()


def _leaves_the_site(url: str) -> bool:
    url = url.strip().lower()
    # The portal's own absolute links (hreflang alternates, canonical) are under SITE_URL.
    return url.startswith(("http:", "https:", "//")) and not url.startswith(
        ("http://testserver/", "https://testserver/", f"{settings.SITE_URL.lower()}/")
    )


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script" and "src" not in names and ("type", "application/json") not in attrs:
            self.problems.append("inline <script>")
        if "style" in names:
            self.problems.append(f"style attribute on <{tag}>")
        self.problems.extend(f"{name} on <{tag}>" for name in names if name.startswith("on"))
        for name, value in attrs:
            if name in {"href", "src", "action"} and _leaves_the_site(value or ""):
                self.problems.append(f"third-party {name}={value}")


def test_pages_have_no_inline_script_or_style_that_the_policy_would_block(
    admin_client, public_plan
):
    urls = _public_urls(public_plan)[:-1]
    with translation.override("fr"):
        urls.append(public_plan.get_absolute_url())
    anonymous = Client()
    pages = [anonymous.get(url) for url in urls]
    pages.append(anonymous.get(reverse("admin:login")))
    pages.append(
        admin_client.get(reverse("admin:consultations_actionplan_change", args=[public_plan.pk]))
    )
    pages.append(admin_client.get(reverse("admin:commitments_commitment_add")))
    for response in pages:
        assert response.status_code == 200
        finder = _InlineFinder()
        finder.feed(response.content.decode())
        assert finder.problems == [], response.request["PATH_INFO"]


def test_the_inline_finder_does_find_inline_code():
    finder = _InlineFinder()
    finder.feed(
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script>'
        '<a href="https://elsewhere.example/">x</a><a href="http://testserver/ar/">home</a>'
    )
    assert len(finder.problems) == 4


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_https_redirect_and_hsts_in_production(public_plan):
    client = Client()
    plain = client.get(public_plan.get_absolute_url())
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    secure = client.get(public_plan.get_absolute_url(), secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


# --- Staff sign-in ---------------------------------------------------------------------------


@pytest.fixture
def coordinator(django_user_model):
    return django_user_model.objects.create_user(
        username="coordinator", password=PASSWORD, is_staff=True
    )


def _login(client, username, password, language="ar"):
    return client.post(
        f"/{language}/admin/login/",
        {"username": username, "password": password, "next": f"/{language}/admin/"},
        REMOTE_ADDR="203.0.113.7",
    )


def test_a_good_password_signs_in(client, coordinator):
    response = _login(client, "coordinator", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/ar/admin/"


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_repeated_failures_lock_the_account_on_that_connection(
    client, coordinator, settings, language
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "coordinator", "wrong-guess", language)
        assert response.status_code == 200  # the form again, with its error
    locked = _login(client, "coordinator", "wrong-guess", language)
    assert locked.status_code == 429
    with translation.override(language):
        from django.utils.translation import gettext

        assert gettext("Too many failed sign-in attempts") in locked.content.decode()
    assert "15" in locked.content.decode()
    # Even the right password is refused while locked.
    assert _login(client, "coordinator", PASSWORD, language).status_code == 429
    # Another account from the same office address is not affected.
    other = type(coordinator).objects.create_user(
        username="colleague", password=PASSWORD, is_staff=True
    )
    assert _login(Client(), other.username, PASSWORD, language).status_code == 302


def test_lock_ends_after_the_cool_off(client, coordinator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "coordinator", "wrong-guess")
    assert _login(client, "coordinator", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    )
    assert _login(client, "coordinator", PASSWORD).status_code == 302


def test_a_success_clears_earlier_failures(client, coordinator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "coordinator", "wrong-guess")
    assert _login(Client(), "coordinator", PASSWORD).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "coordinator", "wrong-guess").status_code == 200


@pytest.mark.parametrize(
    "password",
    ["short-pw", "123456789012345", "password12345", "coordinator-2024"],
    ids=["too-short", "numeric", "common", "like-the-username"],
)
def test_weak_passwords_are_refused(coordinator, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=coordinator)


def test_weak_password_refused_in_the_admin_with_a_translated_message(
    admin_client, django_user_model
):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "password1": "123456789012",
            "password2": "123456789012",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert not django_user_model.objects.filter(username="newcomer").exists()
    with translation.override("ar"):
        from django.utils.translation import gettext

        assert gettext("This password is entirely numeric.") in response.content.decode()


def test_staff_sessions_end_with_the_browser_and_after_a_working_day(client, coordinator, settings):
    response = _login(client, "coordinator", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert datetime.timedelta(hours=7, minutes=59) < lifetime <= datetime.timedelta(hours=8)
    assert client.get("/ar/admin/").status_code == 200
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = client.get("/ar/admin/")
    assert expired.status_code == 302 and "/admin/login/" in expired["Location"]


def test_security_txt_names_the_contact(settings):
    settings.SECURITY_CONTACT = "mailto:security@infitah.example.ma"
    response = Client().get("/.well-known/security.txt")
    assert response.status_code == 200
    assert "Contact: mailto:security@infitah.example.ma" in response.content.decode()
    assert "Expires: " in response.content.decode()
    settings.SECURITY_CONTACT = ""
    assert Client().get("/.well-known/security.txt").status_code == 404
