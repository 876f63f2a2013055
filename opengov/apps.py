from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class OpengovConfig(AppConfig):
    name = "opengov"
    verbose_name = _("Infitah")

    def ready(self) -> None:
        from .dataversion import connect_signals

        connect_signals()


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's admin site (opengov.admin_base.PortalAdminSite)."""

    default_site = "opengov.admin_base.PortalAdminSite"
