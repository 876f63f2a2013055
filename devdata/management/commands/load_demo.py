"""`python manage.py load_demo`: load the demo data (idempotent; see devdata/demo/)."""

from django.core.management.base import BaseCommand

from devdata.demo import load_demo


class Command(BaseCommand):
    help = "Load demo data drawn from real events of the Moroccan network (safe to run again)."

    def handle(self, *args, **options):
        created = load_demo()
        if not created:
            self.stdout.write("Demo data already loaded: nothing to do.")
            return
        for name, count in sorted(created.items()):
            self.stdout.write(f"  {count:4d} {name}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
