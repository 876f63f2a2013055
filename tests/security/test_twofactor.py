"""Optional two-factor sign-in for staff (issue 10, opengov.twofactor): enrolment with a QR code
and a confirming code, the second factor at the admin login (missing, wrong, replayed and
throttled codes refused, and counted by django-axes), turning it off, the QR image's access rules,
device administration by network administrators only, translations and the CSP.

Codes are real TOTP codes computed from the device's key with django_otp.oath.totp for the
current time; a "later" code is obtained by moving the device's t0 back by whole steps, which is
what the passing of time does to its time step."""

import io
import re
from base64 import b32decode, b32encode
from html.parser import HTMLParser

import pytest
import segno
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from opengov import twofactor
from opengov.roles import COORDINATOR
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-2024"
ADDRESS = "203.0.113.9"


# --- Helpers -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Many sign-ins below: a cheap hasher keeps each one from costing a second of PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def coordinator(staff_user):
    return staff_user(
        COORDINATOR, factories.CouncilFactory(), username="coordinator", password=PASSWORD
    )


@pytest.fixture
def colleague(django_user_model):
    return django_user_model.objects.create_user(
        username="colleague", password=PASSWORD, is_staff=True
    )


@pytest.fixture
def no_throttling(settings):
    """django-otp makes the try after a wrong code wait 1, 2, 4... seconds; tests that follow a
    wrong code with a right one turn that off (a test below checks the throttling itself)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _device(user, **fields) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True, **fields)


def _code_for(key: bytes, *, step=30, t0=0, digits=6, drift=0) -> str:
    return f"{totp(key, step=step, t0=t0, digits=digits, drift=drift):0{digits}d}"


def _code(device: TOTPDevice) -> str:
    """The code the device's app shows now."""
    device.refresh_from_db()
    return _code_for(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )


def _wrong_code(device: TOTPDevice) -> str:
    """A well-formed code that no time step near now accepts."""
    device.refresh_from_db()
    near = {
        _code_for(device.bin_key, step=device.step, t0=device.t0 + shift * device.step)
        for shift in range(-3, 4)
    }
    return next(f"{n:06d}" for n in range(123456, 999999, 7919) if f"{n:06d}" not in near)


def _later(device: TOTPDevice, steps: int = 3) -> None:
    """Let `steps` time steps pass for the device: its next codes are new ones."""
    TOTPDevice.objects.filter(pk=device.pk).update(t0=F("t0") - steps * device.step)


def _login(client, username, password=PASSWORD, code=None, language="ar"):
    data = {"username": username, "password": password, "next": f"/{language}/admin/"}
    if code is not None:
        data["otp_token"] = code
    return client.post(f"/{language}/admin/login/", data, REMOTE_ADDR=ADDRESS)


def _signed_in(client) -> bool:
    return client.get("/ar/admin/").status_code == 200


def _secret_on(page) -> bytes:
    match = re.search(r'id="twofactor-secret">([A-Z2-7 ]+)</code>', page.content.decode())
    assert match, "the set-up page shows the secret in text"
    return b32decode(match.group(1).replace(" ", ""))


def _text(response) -> str:
    return response.content.decode()


# --- Enrolment ---------------------------------------------------------------------------------


def test_enrolment_refuses_a_wrong_code_and_a_right_code_turns_it_on(client, coordinator):
    client.force_login(coordinator)
    url = reverse("twofactor:setup")
    page = client.get(url)
    assert page.status_code == 200
    key = _secret_on(page)
    assert f'src="{reverse("twofactor:qr")}"' in _text(page)
    assert not TOTPDevice.objects.exists()  # nothing stored until confirmed

    current = _code_for(key)
    wrong = next(c for c in ("000000", "111111", "222222") if c != current)
    refused = client.post(url, {"code": wrong})
    assert refused.status_code == 200
    assert gettext(twofactor.ERRORS["invalid"]) in _text(refused)
    assert not TOTPDevice.objects.exists()
    # The page still offers the same secret after a mistake: the app need not be set up again.
    assert _secret_on(refused) == key

    confirmed = client.post(url, {"code": _code_for(key)})
    assert confirmed.status_code == 302
    device = TOTPDevice.objects.get()
    assert (device.user, device.confirmed, device.bin_key) == (coordinator, True, key)
    # The code that confirmed it is spent: it cannot sign in.
    assert device.last_t >= 0
    on = client.get(url)
    assert reverse("twofactor:disable") in _text(on)
    assert gettext(
        "Two-factor sign-in is on. From now on, enter the code from your app each time you sign in."
    ) in _text(on)
    client.logout()
    replayed = _login(client, "coordinator", code=_code_for(key))
    assert replayed.status_code == 200 and not _signed_in(client)


def test_enrolment_is_refused_when_a_device_is_already_on(client, coordinator):
    _device(coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("twofactor:setup"), {"code": "123456"}, follow=True)
    assert TOTPDevice.objects.count() == 1
    assert gettext(twofactor.ERRORS["already_on"]) in _text(response)


def test_admin_pages_link_to_two_factor_sign_in_for_staff(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/ar/admin/")
    assert f'href="{reverse("twofactor:setup")}"' in _text(page)
    anonymous_login = Client().get("/ar/admin/login/")
    assert reverse("twofactor:setup") not in _text(anonymous_login)


def test_non_staff_users_cannot_reach_the_pages(client, django_user_model):
    citizen = django_user_model.objects.create_user(username="citizen", password=PASSWORD)
    client.force_login(citizen)
    for name in ("setup", "qr", "disable"):
        response = client.get(reverse(f"twofactor:{name}"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"], name


# --- Login -------------------------------------------------------------------------------------


def test_login_without_a_device_needs_no_code(client, coordinator):
    # A device that was never confirmed does not count.
    TOTPDevice.objects.create(user=coordinator, name="abandoned", confirmed=False)
    response = _login(client, "coordinator")
    assert response.status_code == 302 and response["Location"] == "/ar/admin/"
    assert _signed_in(client)


def test_login_without_a_device_ignores_a_typed_code(client, coordinator):
    assert _login(client, "coordinator", code="123456").status_code == 302


def test_login_with_a_device_needs_a_valid_current_code(client, coordinator, no_throttling):
    device = _device(coordinator)

    missing = _login(client, "coordinator")
    assert missing.status_code == 200
    assert gettext(twofactor.ERRORS["required"]) in _text(missing)
    assert not _signed_in(client)

    wrong = _login(client, "coordinator", code=_wrong_code(device))
    assert wrong.status_code == 200
    assert gettext(twofactor.ERRORS["invalid"]) in _text(wrong)
    assert not _signed_in(client)

    garbage = _login(client, "coordinator", code="abcdef")
    assert garbage.status_code == 200 and not _signed_in(client)

    code = _code(device)
    right = _login(client, "coordinator", code=code)
    assert right.status_code == 302 and right["Location"] == "/ar/admin/"
    assert _signed_in(client)
    # django-otp knows the session was verified with the device.
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    client.post("/ar/admin/logout/")
    replayed = _login(client, "coordinator", code=code)
    assert replayed.status_code == 200
    assert gettext(twofactor.ERRORS["invalid"]) in _text(replayed)
    assert not _signed_in(client)

    _later(device)
    assert _login(client, "coordinator", code=_code(device)).status_code == 302


def test_a_code_does_not_rescue_a_wrong_password(client, coordinator):
    device = _device(coordinator)
    response = _login(client, "coordinator", password="wrong-guess", code=_code(device))
    assert response.status_code == 200 and not _signed_in(client)
    device.refresh_from_db()
    assert device.last_t == -1  # the code was not even tried, so it is still good
    assert _login(client, "coordinator", code=_code(device)).status_code == 302


def test_another_users_code_does_not_sign_in(client, coordinator, colleague, no_throttling):
    _device(coordinator)
    theirs = _device(colleague)
    assert _login(client, "coordinator", code=_code(theirs)).status_code == 200
    assert not _signed_in(client)


def test_wrong_codes_in_a_row_are_throttled(client, coordinator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 600  # wait ten minutes after a wrong code
    device = _device(coordinator)
    assert _login(client, "coordinator", code=_wrong_code(device)).status_code == 200
    throttled = _login(client, "coordinator", code=_code(device))
    assert throttled.status_code == 200 and not _signed_in(client)
    assert gettext(twofactor.ERRORS["throttled"]) in _text(throttled)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_refused_codes_count_toward_the_lockout(
    client, coordinator, colleague, settings, no_throttling, language
):
    device = _device(coordinator)
    limit = settings.AXES_FAILURE_LIMIT
    # A wrong password and refused codes (missing, wrong) add up on the same counter.
    assert (
        _login(client, "coordinator", password="wrong-guess", language=language).status_code == 200
    )
    for attempt in range(limit - 2):
        code = None if attempt % 2 else _wrong_code(device)
        assert _login(client, "coordinator", code=code, language=language).status_code == 200
    attempt = AccessAttempt.objects.get(username="coordinator", ip_address=ADDRESS)
    assert attempt.failures_since_start == limit - 1

    locked = _login(client, "coordinator", code=_wrong_code(device), language=language)
    assert locked.status_code == 429
    with translation.override(language):
        assert gettext("Too many failed sign-in attempts") in _text(locked)
    # Locked: even the password with a good code is refused.
    assert _login(client, "coordinator", code=_code(device), language=language).status_code == 429
    assert not _signed_in(client)
    # A colleague at the same address is not affected.
    assert _login(Client(), colleague.username, language=language).status_code == 302


def test_a_good_code_clears_earlier_failures(client, coordinator, settings, no_throttling):
    device = _device(coordinator)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "coordinator", code=_wrong_code(device))
    assert _login(Client(), "coordinator", code=_code(device)).status_code == 302
    assert not AccessAttempt.objects.filter(username="coordinator").exists()


# --- Turning it off ----------------------------------------------------------------------------


def test_turning_it_off_needs_a_valid_current_code(client, coordinator, no_throttling):
    device = _device(coordinator)
    client.force_login(coordinator)
    url = reverse("twofactor:disable")

    empty = client.post(url, {"code": ""})
    assert empty.status_code == 200
    wrong = client.post(url, {"code": _wrong_code(device)})
    assert wrong.status_code == 200
    assert gettext(twofactor.ERRORS["invalid"]) in _text(wrong)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    # A code already used (here, to sign in) is refused too.
    assert _login(Client(), "coordinator", code=(used := _code(device))).status_code == 302
    assert client.post(url, {"code": used}).status_code == 200
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    # GET does nothing.
    assert client.get(url).status_code == 302
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    _later(device)
    done = client.post(url, {"code": _code(device)})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    client.logout()
    assert _login(client, "coordinator").status_code == 302


# --- The QR code -------------------------------------------------------------------------------


def test_qr_code_is_an_image_for_the_user_setting_it_up_only(client, coordinator, colleague):
    qr_url = reverse("twofactor:qr")
    anonymous = Client().get(qr_url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("admin:login"))

    client.force_login(coordinator)
    key = _secret_on(client.get(reverse("twofactor:setup")))
    image = client.get(qr_url)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/svg+xml"
    assert "no-cache" in image["Cache-Control"] or "no-store" in image["Cache-Control"]
    svg = _text(image)
    assert svg.lstrip().startswith("<svg")
    # It encodes the secret shown on the page, for this account.
    expected = twofactor.otpauth_url(user=coordinator, key=key.hex())
    assert f"secret={b32encode(key).decode()}" in expected and "coordinator" in expected
    rendered = io.BytesIO()
    segno.make(expected, error="m").save(
        rendered, kind="svg", scale=5, border=4, dark="#000", light="#fff", xmldecl=False
    )
    assert image.content == rendered.getvalue()

    # Another staff member does not get this code: nothing without a set-up of their own, and
    # their own set-up gives another one.
    other = Client()
    other.force_login(colleague)
    assert other.get(qr_url).status_code == 404
    other.get(reverse("twofactor:setup"))
    theirs = other.get(qr_url)
    assert theirs.status_code == 200 and _text(theirs) != svg

    # Once confirmed, the secret is no longer served.
    assert client.post(reverse("twofactor:setup"), {"code": _code_for(key)}).status_code == 302
    assert client.get(qr_url).status_code == 404


# --- Device administration ---------------------------------------------------------------------


def test_only_network_administrators_see_and_remove_devices(admin_client, coordinator):
    device = _device(coordinator)
    # Even given every permission on the devices, a coordinator sees none of them.
    coordinator.user_permissions.add(*Permission.objects.filter(content_type__app_label="otp_totp"))
    client = Client()
    client.force_login(coordinator)
    changelist = reverse("admin:otp_totp_totpdevice_changelist")
    change = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.get(changelist).status_code == 403
    assert client.get(change).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert "otp_totp" not in _text(client.get("/ar/admin/"))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    listing = admin_client.get(changelist)
    assert listing.status_code == 200 and "coordinator" in _text(listing)
    detail = admin_client.get(change)
    assert detail.status_code == 200
    assert device.key not in _text(detail)  # the secret stays with its owner
    assert admin_client.get(f"{changelist}{device.pk}/qrcode/").status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


# --- Languages and the Content-Security-Policy -------------------------------------------------


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if "style" in names:
            self.problems.append(f"style attribute on <{tag}>")
        self.problems.extend(f"{name} on <{tag}>" for name in names if name.startswith("on"))
        for name, value in attrs:
            if name in {"src", "href"} and (value or "").strip().lower().startswith("data:"):
                self.problems.append(f"data: URI in <{tag} {name}>")


def _pages(language, coordinator, colleague):
    """The set-up page (with an error), the page when on (with an error), the login page with
    the code field and with a refused code."""
    with translation.override(language):
        setup_url, disable_url = reverse("twofactor:setup"), reverse("twofactor:disable")
    assert setup_url.startswith(f"/{language}/")
    off, on = Client(), Client()
    off.force_login(colleague)
    on.force_login(coordinator)
    return {
        "setup": off.get(setup_url),
        "setup-error": off.post(setup_url, {"code": "x"}),
        "enabled": on.get(setup_url),
        "enabled-error": on.post(disable_url, {"code": ""}),
        "login": Client().get(f"/{language}/admin/login/"),
        "login-error": _login(Client(), "coordinator", language=language),
    }


def test_the_inline_finder_does_find_inline_code():
    finder = _InlineFinder()
    finder.feed('<p style="x" onclick="y()"></p><script>1</script><img src="data:image/png,">')
    assert len(finder.problems) == 4


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_pages_are_translated_and_have_no_inline_code(language, coordinator, colleague):
    _device(coordinator)
    pages = _pages(language, coordinator, colleague)
    direction = "rtl" if language == "ar" else "ltr"
    with translation.override(language):
        expected = {
            "setup": ["Two-factor sign-in", "Turn on two-factor sign-in", "Secret key"],
            "setup-error": [twofactor.ERRORS["invalid"]],
            "enabled": ["Turn off two-factor sign-in"],
            "enabled-error": ["This field is required."],
            "login": [twofactor.CODE_LABEL, "Log in"],
            "login-error": [twofactor.ERRORS["required"]],
        }
        expected = {
            name: [str(gettext(text)) for text in texts] for name, texts in expected.items()
        }
        # Django's own catalogue proves the language is really in use on these pages.
        assert gettext("Log in") != "Log in"
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = _text(response)
        assert f'lang="{language}"' in html and f'dir="{direction}"' in html, name
        for text in expected[name]:
            assert escape(text) in html, (name, text)
        finder = _InlineFinder()
        finder.feed(html)
        assert finder.problems == [], name
        policy = response["Content-Security-Policy"]
        assert "img-src 'self'" in policy and "unsafe-inline" not in policy, name
