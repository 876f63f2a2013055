"""Recount the denormalised proposal counters of every action plan (after a bulk load or a
restore from another tool; the portal's own write paths keep them right)."""

from django.core.management.base import BaseCommand

from consultations.counters import refresh_plan_counters


class Command(BaseCommand):
    help = "Recount the proposal counters of every action plan."

    def handle(self, *args, **options):
        updated = refresh_plan_counters()
        self.stdout.write(f"{updated} plans recounted.")
