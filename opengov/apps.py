from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig


class OpengovConfig(AppConfig):
    name = "opengov"
    verbose_name = _("Infitah")

    def ready(self) -> None:
        from .dataversion import connect_signals
        from .roles import show_role_labels
        from .search.query import register_sqlite_function

        connect_signals()
        show_role_labels()
        connection_created.connect(register_sqlite_function, dispatch_uid="infitah_normalize")


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's admin site (opengov.admin_base.PortalAdminSite)."""

    default_site = "opengov.admin_base.PortalAdminSite"


# The admin's sections of two libraries, named in the staff's language: django-axes has no
# verbose name of its own (shown "AXES"), django-otp's TOTP plugin neither ("OTP_TOTP"), and its
# device model's names are plain English strings, which no catalogue can translate.


class PortalAxesConfig(AxesAppConfig):
    """django-axes (sign-in attempts and lockouts), with a translated section name."""

    verbose_name = _("Sign-in protection")


class PortalTOTPConfig(TOTPAppConfig):
    """django-otp's TOTP devices (opengov.twofactor), with translated section and model names."""

    verbose_name = _("Two-factor sign-in")

    def ready(self) -> None:
        super().ready()
        # Lazy names compare equal to the English ones the migrations hold (makemigrations
        # runs untranslated), so this changes no migration state.
        opts = self.get_model("TOTPDevice")._meta
        opts.verbose_name = _("authenticator app")
        opts.verbose_name_plural = _("authenticator apps")
