"""``manage.py evaluation_schemes``: ship the default schemes (Shaanxi 2023 and the national-style example) once."""

from django.core.management.base import BaseCommand

from yiqi.evaluation.services import defaults


class Command(BaseCommand):
    help = "Create the Shaanxi 2023 evaluation scheme and the national-style 9-indicator example if missing."

    def handle(self, *args, **options):
        made = defaults.ensure_defaults()
        self.stdout.write(", ".join(str(s) for s in made) or "The default schemes exist already.")
