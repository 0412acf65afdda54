from django.core.management.base import BaseCommand

from applications.workflow.services import correction_lapse_due, publicity_close_due


class Command(BaseCommand):
    help = "Move cases whose announcement ended without objection to finance review; lapse uncorrected ones."

    def handle(self, *args, **options):
        moved = publicity_close_due()
        lapsed = correction_lapse_due()
        self.stdout.write(f"Publicity ended: {len(moved)}; lapsed: {len(lapsed)}")
