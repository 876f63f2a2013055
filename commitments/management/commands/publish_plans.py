"""`python manage.py publish_plans`: publish as PDF the adopted and running plans that have no
published document yet (what `make demo` runs, so a newcomer sees a real document at once).
With --again, every one of them, each as a new version: what `make demo` runs when its address
changed, since a PDF's links and QR code point at the SITE_URL it was rendered under."""

from django.core.management.base import BaseCommand
from django.db import transaction

from commitments.models import PlanPublication
from commitments.publishing.services import PUBLISHABLE_STAGES, plan_publish
from consultations.models import ActionPlan


class Command(BaseCommand):
    help = "Publish as PDF every adopted or running plan that has no current document."

    def add_arguments(self, parser):
        parser.add_argument("--council", help="Only the plans of this council (slug).")
        parser.add_argument(
            "--again",
            action="store_true",
            help="Also the plans already published (a new version each).",
        )

    def handle(self, *args, council=None, again=False, **options):
        plans = ActionPlan.objects.filter(stage__in=PUBLISHABLE_STAGES)
        if not again:
            plans = plans.exclude(documents__is_current=True)
        if council:
            plans = plans.filter(council__slug=council)
        plans = plans.select_related("council").distinct()
        if not plans:
            self.stdout.write("Every adopted or running plan is already published.")
            return
        for plan in plans:
            with transaction.atomic():
                publication = plan_publish(plan=plan, by=None)
            publication.refresh_from_db()
            if publication.status == PlanPublication.Status.DONE:
                self.stdout.write(
                    f"  published {plan.council.slug} {plan.period} v{publication.version}"
                )
            else:
                self.stdout.write(
                    f"  {plan.council.slug} {plan.period} v{publication.version}: "
                    f"{publication.get_status_display()} (a worker will render it)"
                )
