"""Compile locale/*/LC_MESSAGES/django.po into .mo files with polib, so no system gettext is
needed; with --check, refuse catalogues that have fuzzy or untranslated entries."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the .po catalogues to .mo; --check fails on fuzzy or untranslated entries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Fail when an entry is fuzzy or untranslated.",
        )

    def handle(self, *args, check: bool = False, **options):
        problems = []
        catalogues = sorted(
            po
            for locale_dir in settings.LOCALE_PATHS
            for po in Path(locale_dir).glob("*/LC_MESSAGES/*.po")
        )
        if not catalogues:
            raise CommandError("No .po catalogue found under LOCALE_PATHS.")
        for po_path in catalogues:
            catalogue = polib.pofile(str(po_path))
            untranslated = catalogue.untranslated_entries()
            fuzzy = catalogue.fuzzy_entries()
            for entry in untranslated:
                problems.append(f"{po_path}: untranslated: {entry.msgid!r}")
            for entry in fuzzy:
                problems.append(f"{po_path}: fuzzy: {entry.msgid!r}")
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(
                f"{po_path}: {len(catalogue.translated_entries())} translated, "
                f"{len(fuzzy)} fuzzy, {len(untranslated)} untranslated"
            )
        if check and problems:
            raise CommandError("Translations incomplete:\n" + "\n".join(problems))
