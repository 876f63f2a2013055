from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Commitments")

    def ready(self) -> None:
        from opengov import sections

        from . import counters, registry
        from .follows.selectors import council_follow_section
        from .forum.selectors import council_forum_section

        registry.register()
        counters.connect_signals()
        sections.register("council", "forum", council_forum_section)
        sections.register("council", "follow", council_follow_section)
