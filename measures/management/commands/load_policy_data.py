from django.core.management.base import BaseCommand, CommandError

from measures.loading import load_policy_data
from measures.policydata import PolicyDataError, read_policy_data
from measures.policydata.registration import unplaced_measures


class Command(BaseCommand):
    help = "Validate the policy data files and load them into the database (idempotent; all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only validate the files; write nothing.")
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="Skip the load when these exact files were loaded before (keeps corrections made in the admin).",
        )

    def handle(self, *args, check: bool, if_changed: bool, **options):
        try:
            data = read_policy_data()
        except PolicyDataError as exc:
            raise CommandError(
                f"{len(exc.problems)} problem(s) in the policy data; nothing was loaded:\n  "
                + "\n  ".join(exc.problems)
            ) from exc
        people = sum(len(d.people) for d in data.departments.values())
        summary = (
            f"{len(data.documents)} documents, {data.measure_count} measures, "
            f"{len(data.departments)} departments, {people} contact people"
        )
        if check:
            self._check_registration(data)
            self.stdout.write(self.style.SUCCESS(f"Policy data is valid: {summary}."))
            return
        report = load_policy_data(data, only_if_changed=if_changed)
        if report.skipped:
            self.stdout.write("Policy data unchanged since the last load; nothing to do.")
            return
        created = ", ".join(f"{n} {label}" for label, n in report.created.items()) or "nothing"
        changed = ", ".join(f"{n} {label}" for label, n in report.changed.items()) or "nothing"
        self.stdout.write(self.style.SUCCESS(f"Loaded {summary}. Created: {created}. Changed: {changed}."))

    def _check_registration(self, data) -> None:
        """Fail on monetary measures of a district whose files state no registration condition (nor its absence)."""
        unplaced = unplaced_measures(data.documents)
        if unplaced:
            raise CommandError(
                f"{len(unplaced)} monetary measure(s) of a district state no registration condition: give "
                "registered_in_district (or tax_/stats_in_district) with its quote in the measure's eligibility or "
                "its document's, or registered_in_district: false with the words that open it to others:\n  "
                + "\n  ".join(unplaced)
            )
