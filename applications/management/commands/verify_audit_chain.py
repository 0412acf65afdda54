"""Check the hash chain of every case's audit trail: a changed, removed or inserted event shows, and so does a trail
that stops short of the last event its case records (or is gone altogether), an approved amount or a payment that
differs from the event that recorded it, and a database that no longer gives the digests in the anchor log."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from applications.anchors.digest import check_anchor, read_anchors
from applications.audit import ChainProblem, verify_chain, verify_money
from applications.models import Application, Event, Payment


class Command(BaseCommand):
    help = "Verify the audit events' hash chain of every application (or of --reference ones); exit 1 if broken."

    def add_arguments(self, parser):
        parser.add_argument("--reference", action="append", default=[], help="only this application (repeatable)")
        parser.add_argument("--chunk", type=int, default=2000, help="applications per query")
        parser.add_argument(
            "--anchors",
            default=None,
            help="the anchor log to compare with (default AUDIT_ANCHOR_LOG); its last anchor covers every earlier one",
        )
        parser.add_argument("--all-anchors", action="store_true", help="check every anchor in the log, not the last")

    def handle(self, *args, reference: list[str], chunk: int, anchors: str | None, all_anchors: bool, **options):
        checked_cases, checked_events, problems, references = self._verify_cases(reference, chunk)
        for problem in problems:
            where = f"application {problem.application_id} ({references[problem.application_id]})"
            if problem.event_id is not None:
                where += f", event #{problem.sequence} (id {problem.event_id})"
            self.stderr.write(f"{where}: {problem.problem}")
        anchor_problems = [] if reference else self._verify_anchors(anchors, all_anchors)
        for problem in anchor_problems:
            self.stderr.write(problem)
        count = len(problems) + len(anchor_problems)
        summary = f"{checked_events} events of {checked_cases} applications checked, {count} problems"
        if count:
            raise CommandError(summary)
        self.stdout.write(summary + ": the audit trail is intact.")

    def _verify_cases(self, reference: list[str], chunk: int) -> tuple[int, int, list[ChainProblem], dict[int, str]]:
        # Walk the cases, not the events: a case whose events were all deleted has none left to be found by.
        fields = ("pk", "reference", "audit_sequence", "audit_hash", "approved_amount")
        cases = Application.objects.order_by("pk").only(*fields)
        if reference:
            cases = cases.filter(reference__in=reference)
        checked_cases = checked_events = 0
        problems: list[ChainProblem] = []
        references: dict[int, str] = {}
        last_application = 0
        while batch_cases := list(cases.filter(pk__gt=last_application)[:chunk]):
            by_case: dict[int, list[Event]] = {case.pk: [] for case in batch_cases}
            for event in Event.objects.filter(application_id__in=list(by_case)).order_by("application_id", "sequence"):
                by_case[event.application_id].append(event)
                checked_events += 1
            payments: dict[int, list] = {pk: [] for pk in by_case}
            for application_id, amount in Payment.objects.filter(application_id__in=list(by_case)).values_list(
                "application_id", "amount"
            ):
                payments[application_id].append(amount)
            for case in batch_cases:
                events = by_case[case.pk]
                case_problems = verify_chain(events, case) + verify_money(case, events, payments[case.pk])
                if case_problems:
                    # Name each broken case by its reference too: that is how the staff and --reference know it.
                    references[case.pk] = case.reference
                    problems += case_problems
            checked_cases += len(batch_cases)
            last_application = batch_cases[-1].pk
        return checked_cases, checked_events, problems, references

    def _verify_anchors(self, path: str | None, every: bool) -> list[str]:
        """Compare the database with the anchor log; report each anchor checked (its digest, for the auditors to
        compare with the one they were mailed) and return what does not match."""
        log = Path(path) if path else settings.AUDIT_ANCHOR_LOG
        if not log:
            return []
        if not Path(log).exists():
            self.stdout.write(f"No anchor log at {log}: only the chains and amounts were checked.")
            return []
        try:
            written = read_anchors(log)
        except ValueError as error:
            return [f"anchor log: {error}"]
        problems = []
        for anchor in written if every else written[-1:]:
            problem = check_anchor(anchor)
            if problem:
                problems.append(problem)
            else:
                self.stdout.write(f"Anchor of {anchor.describe()} matches.")
        return problems
