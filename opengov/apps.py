from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpengovConfig(AppConfig):
    name = "opengov"
    verbose_name = _("Infitah")

    def ready(self) -> None:
        from .dataversion import connect_signals

        connect_signals()
