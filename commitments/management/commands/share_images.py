"""Draws the site's default sharing pictures (static/share/infitah-<language>.png, 1200x630),
committed to the repository: run again only when the site's name or tagline changes."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from commitments.sharing import image, selectors
from commitments.sharing.views import default_image_path


class Command(BaseCommand):
    help = "Draw the site's default sharing pictures into static/share/ (one per language)."

    def handle(self, *args, **options):
        static = Path(settings.BASE_DIR) / "static"
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                target = static / default_image_path(code)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(image.render(selectors.site_card()))
            self.stdout.write(str(target))
