"""manage.py rebuild_search_index: every search entry again from the source rows."""

import time

from django.core.management.base import BaseCommand

from sitesearch.indexing import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the portal-wide search index from every council, plan, commitment, milestone, "
        "workshop, working group, proposal and comment (in one transaction)."
    )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        counts = rebuild()
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count:,}")
        elapsed = time.monotonic() - started
        self.stdout.write(f"{sum(counts.values()):,} entries in {elapsed:.1f} s")
