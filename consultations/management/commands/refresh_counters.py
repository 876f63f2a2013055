"""Recount the denormalised proposal counters of every action plan, the support counts of
every proposal and the other apps' counters (consultations.counters.OTHER_REFRESHES: the plans'
commitment and milestone totals), after a bulk load or a restore from another tool; the
portal's own write paths keep them right."""

from django.core.management.base import BaseCommand
from django.db import transaction

from consultations.counters import OTHER_REFRESHES, refresh_plan_counters, refresh_support_counts


class Command(BaseCommand):
    help = (
        "Recount the proposal counters of every action plan, the supports of every proposal "
        "and the plans' commitment and milestone totals."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            updated = refresh_plan_counters()
            supports = refresh_support_counts()
            others = [(what, refresh()) for what, refresh in OTHER_REFRESHES]
        self.stdout.write(f"{updated} plans recounted; {supports} support counts corrected.")
        for what, changed in others:
            self.stdout.write(f"{what}: {changed} corrected.")
