"""Check the hash chain of every case's audit trail: a changed, removed or inserted event shows, and so does a trail
that stops short of the last event its case records (or is gone altogether)."""

from django.core.management.base import BaseCommand, CommandError

from applications.audit import verify_chain
from applications.models import Application, Event


class Command(BaseCommand):
    help = "Verify the audit events' hash chain of every application (or of --reference ones); exit 1 if broken."

    def add_arguments(self, parser):
        parser.add_argument("--reference", action="append", default=[], help="only this application (repeatable)")
        parser.add_argument("--chunk", type=int, default=2000, help="applications per query")

    def handle(self, *args, reference: list[str], chunk: int, **options):
        # Walk the cases, not the events: a case whose events were all deleted has none left to be found by.
        cases = Application.objects.order_by("pk").only("pk", "reference", "audit_sequence", "audit_hash")
        if reference:
            cases = cases.filter(reference__in=reference)
        checked_cases = checked_events = 0
        problems = []
        references = {}
        last_application = 0
        while True:
            batch_cases = list(cases.filter(pk__gt=last_application)[:chunk])
            if not batch_cases:
                break
            by_case: dict[int, list[Event]] = {case.pk: [] for case in batch_cases}
            for event in Event.objects.filter(application_id__in=list(by_case)).order_by("application_id", "sequence"):
                by_case[event.application_id].append(event)
                checked_events += 1
            for case in batch_cases:
                case_problems = verify_chain(by_case[case.pk], case)
                if case_problems:
                    # Name each broken case by its reference too: that is how the staff and --reference know it.
                    references[case.pk] = case.reference
                    problems += case_problems
            checked_cases += len(batch_cases)
            last_application = batch_cases[-1].pk
        for problem in problems:
            where = f"application {problem.application_id} ({references[problem.application_id]})"
            if problem.event_id is not None:
                where += f", event #{problem.sequence} (id {problem.event_id})"
            self.stderr.write(f"{where}: {problem.problem}")
        summary = f"{checked_events} events of {checked_cases} applications checked, {len(problems)} problems"
        if problems:
            raise CommandError(summary)
        self.stdout.write(summary + ": the audit trail is intact.")
