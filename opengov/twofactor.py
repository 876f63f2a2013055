"""Optional two-factor sign-in (TOTP, django-otp) for the staff of the admin.

- Any staff user turns it on from "Two-factor sign-in": the page shows a QR code (an SVG served
  by its own URL, the Content-Security-Policy allows no data: image) and the secret in text, and
  a current code from the app confirms it. The secret waits in the session until then, so an
  abandoned set-up leaves nothing in the database; only a confirmed device counts anywhere.
- At sign-in, the admin login form asks for the code of users with a confirmed device and
  ignores the field for everyone else. A missing, wrong, replayed (django-otp keeps the last time
  step used) or throttled code fails the sign-in like a wrong password: django-axes receives
  user_login_failed, so those failures count toward the lockout of that username and address.
- Turning it off asks for a current code too.
- Only network administrators (superusers) see and remove devices in the admin, and nobody sees a
  device's secret there after it is created.

Requiring two-factor sign-in for a role is not done here: it would be a later change.
"""

import re
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe
from django_otp import DEVICE_ID_SESSION_KEY, login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from .params import ascii_int

ISSUER = "Infitah"
DEVICE_NAME = "authenticator app"
# The secret shown during set-up, with the user it was made for: {"user": pk, "key": hex}.
PENDING_SESSION_KEY = "twofactor_pending"

CODE_LABEL = _("Code from your authenticator app")
ERRORS = {
    "required": _("Two-factor sign-in is on for this account: enter the code from your app."),
    "invalid": _(
        "This code is not valid. Enter the code your app shows now; each code works only once."
    ),
    "throttled": _(
        "Too many wrong codes in a row. Wait a few seconds, then enter the next code from your app."
    ),
    "already_on": _("Two-factor sign-in is already on for this account."),
}


def _normalised(code: str | None) -> str:
    return re.sub(r"\s", "", code or "")


def confirmed_devices(user):
    """The devices that count: confirmed TOTP devices of the user."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True)


def has_two_factor(user) -> bool:
    return user.is_authenticated and confirmed_devices(user).exists()


# --- Services ----------------------------------------------------------------------------------


def verify_second_factor(*, user, code: str) -> TOTPDevice:
    """The confirmed device that accepts `code` now; raises ValidationError (code "required",
    "invalid" or "throttled") otherwise. A code is accepted once (django-otp refuses a time step
    not later than the last one used); each wrong code is recorded by django-otp's throttling,
    which makes the next try wait 1, 2, 4... seconds."""
    code = _normalised(code)
    if not code:
        raise ValidationError(ERRORS["required"], code="required")
    throttled = False
    # The throttling counters must be saved even when the code is refused: raise only after the
    # transaction (which locks the devices against a concurrent use of the same code) commits.
    with transaction.atomic():
        for device in confirmed_devices(user).select_for_update().order_by("pk"):
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                throttled = True
            elif device.verify_token(code):
                return device
    if throttled:
        raise ValidationError(ERRORS["throttled"], code="throttled")
    raise ValidationError(ERRORS["invalid"], code="invalid")


@transaction.atomic
def twofactor_enable(*, user, key: str, code: str) -> TOTPDevice:
    """Create the user's confirmed device for the hex `key` if `code` is a current code of it.

    Atomic; refuses (ValidationError "invalid" or "already_on") rather than making a second
    device. The confirming code's time step is recorded, so it cannot be replayed to sign in."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if confirmed_devices(user).exists():
        raise ValidationError(ERRORS["already_on"], code="already_on")
    device = TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    code = _normalised(code)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    number = ascii_int(code)
    if number is None or not totp.verify(number, device.tolerance):
        raise ValidationError(ERRORS["invalid"], code="invalid")
    device.last_t = totp.t()
    device.drift = totp.drift
    device.full_clean()
    device.save()
    return device


def twofactor_disable(*, user, code: str) -> None:
    """Remove all the user's TOTP devices if `code` is a current code of a confirmed one;
    raises ValidationError as verify_second_factor does otherwise."""
    verify_second_factor(user=user, code=code)
    TOTPDevice.objects.filter(user=user).delete()


def otpauth_url(*, user, key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    label = f"{ISSUER}:{user.get_username()}"
    params = {
        "secret": b32encode(unhexlify(key)).decode(),
        "issuer": ISSUER,
        "algorithm": "SHA1",
        "digits": 6,
        "period": 30,
    }
    return f"otpauth://totp/{quote(label)}?{urlencode(params, quote_via=quote)}"


# --- Forms -------------------------------------------------------------------------------------


def _code_widget() -> forms.TextInput:
    return forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr", "size": 10}
    )


class TwoFactorAuthenticationForm(AdminAuthenticationForm):
    """The admin login form with an optional code field, required for users with a confirmed
    device. A refused code is reported to django-axes as a failed login."""

    otp_token = forms.CharField(
        label=CODE_LABEL,
        required=False,
        max_length=20,
        strip=True,
        widget=_code_widget(),
        help_text=_("Only if you have turned on two-factor sign-in."),
    )

    def clean(self):
        # Username and password first: a wrong password fails there (and axes counts it).
        cleaned_data = super().clean()
        user = self.get_user()
        if user is None or not confirmed_devices(user).exists():
            return cleaned_data
        try:
            # django_otp.login() runs on user_logged_in for a user with this attribute.
            user.otp_device = verify_second_factor(user=user, code=cleaned_data.get("otp_token"))
        except ValidationError as error:
            self.user_cache = None
            user_login_failed.send(
                sender=__name__,
                credentials={"username": cleaned_data.get("username")},
                request=self.request,
            )
            self.add_error("otp_token", error)
        return cleaned_data


class CodeForm(forms.Form):
    code = forms.CharField(label=CODE_LABEL, max_length=20, widget=_code_widget())


# --- Views -------------------------------------------------------------------------------------


def _pending_key(request: HttpRequest, *, create: bool) -> str | None:
    pending = request.session.get(PENDING_SESSION_KEY)
    if pending and pending.get("user") == request.user.pk:
        return pending["key"]
    if not create:
        return None
    key = default_key()
    request.session[PENDING_SESSION_KEY] = {"user": request.user.pk, "key": key}
    return key


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _render(request, template: str, context: dict, status: int = 200) -> TemplateResponse:
    context = {
        **admin.site.each_context(request),
        "title": gettext("Two-factor sign-in"),
        **context,
    }
    return TemplateResponse(request, template, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def setup_view(request: HttpRequest) -> HttpResponse:
    """Off: the QR code, the secret and a code to confirm. On: the form that turns it off."""
    user = request.user
    if confirmed_devices(user).exists():
        if request.method == "POST":
            messages.info(request, ERRORS["already_on"])
            return redirect("twofactor:setup")
        return _render(request, "admin/twofactor/enabled.html", {"form": CodeForm()})
    key = _pending_key(request, create=True)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            device = twofactor_enable(user=user, key=key, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            del request.session[PENDING_SESSION_KEY]
            otp_login(request, device)
            messages.success(
                request,
                gettext(
                    "Two-factor sign-in is on. From now on, enter the code from your app "
                    "each time you sign in."
                ),
            )
            return redirect("twofactor:setup")
    secret = b32encode(unhexlify(key)).decode()
    context = {"form": form, "secret": _grouped(secret), "account": user.get_username()}
    return _render(request, "admin/twofactor/setup.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def disable_view(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off, given a current code."""
    if request.method != "POST" or not confirmed_devices(request.user).exists():
        return redirect("twofactor:setup")
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            twofactor_disable(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            messages.success(request, gettext("Two-factor sign-in is off."))
            return redirect("twofactor:setup")
    return _render(request, "admin/twofactor/enabled.html", {"form": form})


@require_safe
def qr_view(request: HttpRequest) -> HttpResponse:
    """The QR code (SVG) of the secret being set up in this session, for its user only."""
    key = _pending_key(request, create=False)
    if key is None or confirmed_devices(request.user).exists():
        raise Http404(gettext("No two-factor set-up is in progress."))
    response = HttpResponse(content_type="image/svg+xml")
    # A white background: the admin's dark theme would hide a transparent code.
    segno.make(otpauth_url(user=request.user, key=key), error="m").save(
        response, kind="svg", scale=5, border=4, dark="#000", light="#fff", xmldecl=False
    )
    return response


# Under admin/ (see opengov.urls): admin_view() asks anonymous visitors to sign in, refuses
# non-staff users and keeps the answers out of caches.
urlpatterns = [
    path("", admin.site.admin_view(setup_view), name="setup"),
    path("disable/", admin.site.admin_view(disable_view), name="disable"),
    path("qr.svg", admin.site.admin_view(qr_view), name="qr"),
]


# --- Devices in the admin ----------------------------------------------------------------------


def _network_admin(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_superuser


class NetworkTOTPDeviceAdmin(TOTPDeviceAdmin):
    """Network administrators see and remove staff devices (a user who lost their phone); nobody
    else sees any, whatever permissions they were given, and no secret is shown after creation."""

    def has_module_permission(self, request):
        return _network_admin(request)

    def has_view_permission(self, request, obj=None):
        return _network_admin(request)

    def has_delete_permission(self, request, obj=None):
        return _network_admin(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_list_display(self, request):
        return [name for name in super().get_list_display(request) if name != "qrcode_link"]

    def get_fieldsets(self, request, obj=None):
        hidden = {"key", "qrcode_link"}
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return [(name, options) for name, options in fieldsets if options["fields"]]

    def config_view(self, request, pk):
        raise PermissionDenied

    def qrcode_view(self, request, pk):
        raise PermissionDenied


# django-otp registers its own TOTPDevice admin during admin autodiscovery, which has run by the
# time the URL configuration imports this module.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, NetworkTOTPDeviceAdmin)
