from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class OpengovConfig(AppConfig):
    name = "opengov"
    verbose_name = _("Infitah")

    def ready(self) -> None:
        from .dataversion import connect_signals
        from .search.query import register_sqlite_function

        connect_signals()
        connection_created.connect(register_sqlite_function, dispatch_uid="infitah_normalize")


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's admin site (opengov.admin_base.PortalAdminSite)."""

    default_site = "opengov.admin_base.PortalAdminSite"
