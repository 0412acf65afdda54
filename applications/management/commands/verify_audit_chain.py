"""Check the hash chain of every case's audit trail: a changed, removed or inserted event shows."""

from django.core.management.base import BaseCommand, CommandError

from applications.audit import verify_chain
from applications.models import Application, Event


class Command(BaseCommand):
    help = "Verify the audit events' hash chain of every application (or of --reference ones); exit 1 if broken."

    def add_arguments(self, parser):
        parser.add_argument("--reference", action="append", default=[], help="only this application (repeatable)")
        parser.add_argument("--chunk", type=int, default=2000, help="applications per query")

    def handle(self, *args, reference: list[str], chunk: int, **options):
        events = Event.objects.order_by("application_id", "sequence")
        if reference:
            events = events.filter(application__reference__in=reference)
        checked_cases = checked_events = 0
        problems = []
        last_application = 0
        while True:
            ids = list(
                events.filter(application_id__gt=last_application)
                .values_list("application_id", flat=True)
                .distinct()
                .order_by("application_id")[:chunk]
            )
            if not ids:
                break
            batch = list(events.filter(application_id__in=ids))
            by_case: dict[int, list[Event]] = {}
            for event in batch:
                by_case.setdefault(event.application_id, []).append(event)
            for case_events in by_case.values():
                problems += verify_chain(case_events)
            checked_cases += len(ids)
            checked_events += len(batch)
            last_application = ids[-1]
        # Name each broken case by its reference too: that is how the staff and the --reference option know it.
        references = dict(
            Application.objects.filter(pk__in={p.application_id for p in problems}).values_list("pk", "reference")
        )
        for problem in problems:
            self.stderr.write(
                f"application {problem.application_id} ({references.get(problem.application_id, '?')}), "
                f"event #{problem.sequence} (id {problem.event_id}): {problem.problem}"
            )
        summary = f"{checked_events} events of {checked_cases} applications checked, {len(problems)} problems"
        if problems:
            raise CommandError(summary)
        self.stdout.write(summary + ": the audit trail is intact.")
