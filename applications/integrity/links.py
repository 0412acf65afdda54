"""Find the enterprises linked to a case's applicant, store the links, and read them back for the case page.

Each comparison is one indexed lookup on `accounts_enterprise` (mobile; LOWER(email) — the indexes are created by
migration 0019; address_key and bank_account, accounts' migration 0008, compared in the form accounts.contact_keys
gives them), so the search costs the same at 100,000 enterprises as at 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.contact_keys import address_key, bank_account_key
from accounts.models import Enterprise

from ..models import Application, Ban, IntegrityLink, IntegrityLinkKind, Status
from ..workflow.permissions import applications_visible_to

# How many enterprises one shared value may link to before it is clearly not a personal detail (a park's switchboard).
MAX_LINKS_PER_VALUE = 50


def _candidates(enterprise: Enterprise) -> dict[tuple[int, str], str]:
    """Return {(other enterprise id, kind): shared value} for the enterprise's contact details."""
    found: dict[tuple[int, str], str] = {}
    others = Enterprise.objects.exclude(pk=enterprise.pk)
    mobile = (enterprise.mobile or "").strip()
    if mobile:
        rows = others.filter(mobile=mobile).values_list("pk", "contact_person")[:MAX_LINKS_PER_VALUE]
        person = (enterprise.contact_person or "").strip()
        for pk, other_person in rows:
            if person and (other_person or "").strip() == person:
                found[(pk, IntegrityLinkKind.REPRESENTATIVE)] = f"{person} {mobile}"
            else:
                found[(pk, IntegrityLinkKind.PHONE)] = mobile
    email = (enterprise.email or "").strip().lower()
    if email:
        rows = others.annotate(email_lower=Lower("email")).filter(email_lower=email)
        for pk in rows.values_list("pk", flat=True)[:MAX_LINKS_PER_VALUE]:
            found[(pk, IntegrityLinkKind.EMAIL)] = email
    # The stored keys are normalised by Enterprise.save; the applicant's are normalised again here, so a row written
    # some other way (a bulk load) is still compared in the same form.
    address = address_key(enterprise.registered_address)
    if address:
        for pk in others.filter(address_key=address).values_list("pk", flat=True)[:MAX_LINKS_PER_VALUE]:
            found[(pk, IntegrityLinkKind.ADDRESS)] = enterprise.registered_address.strip()
    account = bank_account_key(enterprise.bank_account)
    if account:
        for pk in others.filter(bank_account=account).values_list("pk", flat=True)[:MAX_LINKS_PER_VALUE]:
            found[(pk, IntegrityLinkKind.BANK_ACCOUNT)] = account
    return found


def find_links(application: Application) -> list[IntegrityLink]:
    """Store the links of the case's enterprise to others (once each); mark the case if one of them is banned.

    Runs inside the submission's transaction; a link already stored for the case is not stored again."""
    found = _candidates(application.enterprise)
    linked_ids = {pk for pk, _kind in found}
    bans = Ban.objects.active(on=timezone.localdate()).filter(enterprise_id__in=linked_ids)
    for ban in bans.select_related("district").order_by("pk"):
        found[(ban.enterprise_id, IntegrityLinkKind.BANNED)] = f"{ban.district.name} {ban.decision_number}"[:200]
    existing = set(application.integrity_links.values_list("other_id", "kind"))
    new = [
        IntegrityLink(application=application, other_id=pk, kind=kind, value=value[:200])
        for (pk, kind), value in sorted(found.items())
        if (pk, kind) not in existing
    ]
    IntegrityLink.objects.bulk_create(new)
    if any(kind == IntegrityLinkKind.BANNED for _pk, kind in found) and not application.sampled:
        application.sampled = True
        Application.objects.filter(pk=application.pk).update(sampled=True)
    return new


@dataclass
class LinkedEnterprise:
    """One linked enterprise as the case page shows it: why it is linked, and its cases."""

    enterprise: Enterprise
    links: list[IntegrityLink] = field(default_factory=list)
    cases: list[Application] = field(default_factory=list)
    visible: set[int] = field(default_factory=set)

    @property
    def banned(self) -> bool:
        return any(link.kind == IntegrityLinkKind.BANNED for link in self.links)


def linked_enterprises(application: Application, user, *, cases_per_enterprise: int = 10) -> list[LinkedEnterprise]:
    """Return the case's linked enterprises with their links and latest submitted cases (a case the user may not
    open is listed without its link: `visible` holds the ids of those they may)."""
    links = list(application.integrity_links.select_related("other").order_by("other_id", "kind"))
    by_other: dict[int, LinkedEnterprise] = {}
    for link in links:
        by_other.setdefault(link.other_id, LinkedEnterprise(enterprise=link.other)).links.append(link)
    if not by_other:
        return []
    cases = (
        Application.objects.filter(enterprise_id__in=by_other)
        .exclude(status=Status.DRAFT)
        .select_related("measure")
        .annotate(visible=Exists(applications_visible_to(user).filter(pk=OuterRef("pk"))))
        .order_by("enterprise_id", "-pk")
    )
    for case in cases:
        entry = by_other[case.enterprise_id]
        if len(entry.cases) < cases_per_enterprise:
            entry.cases.append(case)
    visible = {case.pk for entry in by_other.values() for case in entry.cases if case.visible}
    for entry in by_other.values():
        entry.visible = visible
    return sorted(by_other.values(), key=lambda entry: (not entry.banned, entry.enterprise.pk))
