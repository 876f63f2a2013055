"""Recount the denormalised proposal counters of every action plan and the support counts of
every proposal (after a bulk load or a restore from another tool; the portal's own write paths
keep them right)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from consultations.counters import refresh_plan_counters, refresh_support_counts


class Command(BaseCommand):
    help = "Recount the proposal counters of every action plan and the supports of every proposal."

    def handle(self, *args, **options):
        with transaction.atomic():
            updated = refresh_plan_counters()
            supports = refresh_support_counts()
        self.stdout.write(f"{updated} plans recounted; {supports} support counts corrected.")
