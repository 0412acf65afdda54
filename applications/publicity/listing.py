"""The public 公示 list: the cases whose announcement is running, with their period, the lead department and the
phone to ask it on, by district. Nothing of any objection is shown here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from contacts.models import ContactPerson, Department
from measures.models import District, Measure

from ..models import Application, Status


@dataclass(frozen=True)
class Enquiries:
    """Whom to ask about a measure's awards: its lead department(s) and a phone the documents print."""

    department: str
    phone: str


def announced(*, district: District | None = None, today: datetime.date | None = None) -> QuerySet[Application]:
    """Return the cases under announcement today (oldest end first), of one district or all; read through the
    (status, publicity_ends_on) index; a page's measures come with their departments and contacts in a few more
    queries."""
    today = today or timezone.localdate()
    running = Q(publicity_ends_on__gte=today) | Q(publicity_ends_on__isnull=True)
    cases = Application.objects.filter(running, status=Status.PUBLICITY)
    if district is not None:
        cases = cases.filter(district=district)
    measures = Measure.objects.select_related("document").prefetch_related(
        Prefetch(
            "lead_departments",
            queryset=Department.objects.order_by("pk").prefetch_related(
                Prefetch("people", queryset=ContactPerson.objects.order_by("pk"))
            ),
        ),
        Prefetch("contacts", queryset=ContactPerson.objects.order_by("pk")),
    )
    return (
        # The enterprise only for cases submitted before names were frozen at submission (enterprise_name).
        cases.select_related("district", "enterprise")
        .prefetch_related(Prefetch("measure", queryset=measures))
        .order_by("publicity_ends_on", "reference")
    )


def enquiries(measure: Measure) -> Enquiries:
    """Return the measure's lead departments and the first phone of its contacts, else of the lead departments'
    people (from prefetched rows)."""
    leads = list(measure.lead_departments.all())
    people = [*measure.contacts.all(), *(person for department in leads for person in department.people.all())]
    phone = next((person.phones[0] for person in people if person.phones), "")
    return Enquiries(department="、".join(department.name for department in leads), phone=phone)


def districts_with_measures() -> QuerySet[District]:
    """Return the districts offered by the list's filter: those with monetary measures (an award to announce)."""
    return District.objects.filter(documents__measures__monetary=True).distinct().order_by("order", "pk")
