from django.core.management.base import BaseCommand

from opengov.search import vocabulary


class Command(BaseCommand):
    help = 'Rebuild the search vocabulary ("did you mean") from the texts the apps register.'

    def handle(self, *args, **options):
        words = vocabulary.rebuild()
        self.stdout.write(f"{words} words")
