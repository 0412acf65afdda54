"""Who may open every URL pattern of the portal: the table that tests/portal/test_url_access.py walks.

Each pattern of the resolver, by its full name (`applications:detail`) or, when it has none, by its route
(`admin/accounts/user/<path:object_id>/`), has one entry here: one or more `Case`s, each saying how to build the URL
from the module's objects (`World` in test_url_access.py) and what each role sees. Outcomes are what a user notices:

    ok           200 (a page, a file, JSON)
    login        a redirect to a sign-in page (the portal's or the admin's)
    redirect     any other redirect
    forbidden    403
    not_found    404
    not_allowed  405
    bad_request  400

A case that changes something by POST also names the POST's outcome for each role, the data it sends, a `probe`
of what it would change and the roles whose POST is allowed to change it; everyone else's POST must leave the probe
as it was. The admin's model pages are grouped by rule (by model and view kind) below; every pattern is matched by
exactly one entry, which `TABLE` checks as it is built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

OK, LOGIN, REDIRECT = "ok", "login", "redirect"
FORBIDDEN, NOT_FOUND, NOT_ALLOWED, BAD_REQUEST = "forbidden", "not_found", "not_allowed", "bad_request"

ANONYMOUS = "anonymous"
ENTERPRISE_A, ENTERPRISE_B = "enterprise_a", "enterprise_b"
REVIEWER_LEAD, REVIEWER_OTHER = "reviewer_lead", "reviewer_other"
FINANCE, DISTRICT_ADMIN, AUDITOR, SUPERUSER = "finance", "district_admin", "auditor", "superuser"
STAFF = (REVIEWER_LEAD, REVIEWER_OTHER, FINANCE, DISTRICT_ADMIN, AUDITOR)
ROLES = (ANONYMOUS, ENTERPRISE_A, ENTERPRISE_B, *STAFF, SUPERUSER)


def outcomes(default: str | None, **by_role: str | None) -> dict[str, str | None]:
    """Return an outcome for every role: `default`, except those named. None means "not walked"."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: by_role.get(role, default) for role in ROLES}


def staff(outcome: str, **by_role: str | None) -> dict[str, str | None]:
    """Outcomes of an admin page: the public and enterprises are sent to the admin's sign-in page."""
    return outcomes(outcome, **{"anonymous": LOGIN, "enterprise_a": LOGIN, "enterprise_b": LOGIN, **by_role})


def enterprise_page(a: str = OK, b: str = OK) -> dict[str, str | None]:
    """Outcomes of a page of the enterprise's own: staff (the superuser too) are sent to the admin instead."""
    return outcomes(REDIRECT, anonymous=LOGIN, enterprise_a=a, enterprise_b=b)


def only(roles, then: str, otherwise: str) -> dict[str, str]:
    return {role: then if role in roles else otherwise for role in ROLES}


@dataclass(frozen=True)
class Case:
    url: Callable[[Any], str]
    get: Mapping[str, str | None]
    label: str = ""
    post: Mapping[str, str | None] | None = None
    data: Callable[[Any], dict] | None = None
    json: bool = False
    probe: Callable[[Any], Any] | None = None
    changes: frozenset[str] = frozenset()


TABLE: dict[str, tuple[Case, ...]] = {}


def add(pattern: str, *cases: Case) -> None:
    assert pattern not in TABLE, f"two table entries match the URL pattern {pattern!r}"
    labels = [case.label for case in cases]
    assert len(set(labels)) == len(labels), f"{pattern}: give each case its own label"
    TABLE[pattern] = cases


def url(name: str, *args: Callable[[Any], Any], query: str = "") -> Callable[[Any], str]:
    """Return a URL builder: `url("applications:detail", lambda w: w.app_a.pk)`."""
    return lambda w: reverse(name, args=[arg(w) for arg in args]) + (f"?{query}" if query else "")


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def exists(get: Callable[[Any], Any]) -> Callable[[Any], bool]:
    return lambda w: type(get(w)).objects.filter(pk=get(w).pk).exists()


def count(label: str) -> Callable[[Any], int]:
    return lambda w: _model(label).objects.count()


def row(get: Callable[[Any], Any]) -> Callable[[Any], dict]:
    """Return a probe of every column of one row."""
    return lambda w: type(get(w)).objects.filter(pk=get(w).pk).values().first()


def _seen(case) -> int:
    """Return the case's audit sequence: what a transition page sends back as the state its reader saw."""
    return type(case).objects.values_list("audit_sequence", flat=True).get(pk=case.pk)


def status(name: str) -> Callable[[Any], str]:
    return lambda w: type(getattr(w, name)).objects.values_list("status", flat=True).get(pk=getattr(w, name).pk)


# ---------------------------------------------------------------------------------------------------------------
# The public site, the enterprise's pages and the API.

everyone_ok = outcomes(OK)

add(
    "set_language",
    Case(
        url("set_language"),
        get=outcomes(REDIRECT),  # without a language it just goes back
        post=outcomes(REDIRECT),
        data=lambda w: {"language": "en", "next": "/library/"},
    ),
)
add("healthz", Case(url("healthz"), get=everyone_ok))
add("favicon", Case(url("favicon"), get=everyone_ok))
add("measures:home", Case(url("measures:home"), get=everyone_ok))
add(
    "measures:library",
    Case(lambda w: reverse("measures:library") + f"?document={w.measure.document_id}&q=培训", get=everyone_ok),
)
add("measures:documents", Case(lambda w: reverse("measures:documents") + "?district=chaoyang", get=everyone_ok))
add("measures:document", Case(url("measures:document", lambda w: w.measure.document_id), get=everyone_ok))
add("measures:measure", Case(url("measures:measure", lambda w: w.measure.pk), get=everyone_ok))
add("measures:source", Case(url("measures:source", lambda w: w.source_name, query="from=1&to=5"), get=everyone_ok))
add(
    "measures:matching",
    # Anyone but an enterprise is sent to the public form (`measures:match_check`).
    Case(url("measures:matching"), get=outcomes(REDIRECT, enterprise_a=OK, enterprise_b=OK)),
)
add("measures:match_check", Case(url("measures:match_check"), get=everyone_ok))
add("contacts:directory", Case(url("contacts:directory"), get=everyone_ok))
add("contacts:department", Case(url("contacts:department", lambda w: w.department.pk), get=everyone_ok))
add("sme:self_test", Case(url("sme:self_test"), get=everyone_ok))
add(
    "sme:classify",
    Case(url("sme:classify", query="industry=工业&employees=300&revenue=2000&assets=0"), get=everyone_ok),
)
add("api:api-root", Case(url("api:api-root"), get=outcomes(NOT_FOUND)))  # ninja's root only anchors reverse()
add("api:openapi-json", Case(url("api:openapi-json"), get=everyone_ok))
add("api:openapi-view", Case(url("api:openapi-view"), get=everyone_ok))
add("api:list_measures", Case(url("api:list_measures", query="monetary=true"), get=everyone_ok))
add(
    "api:estimate",
    Case(
        url("api:estimate", lambda w: w.measure.pk),
        label="anonymous estimate",
        get=outcomes(NOT_ALLOWED),
        post=everyone_ok,
        data=lambda w: {"inputs": {"persons": "12"}},
        json=True,
    ),
    Case(
        url("api:estimate", lambda w: w.measure.pk),
        label="with the enterprise's awards",
        get=outcomes(NOT_ALLOWED),
        # Only a signed-in enterprise has earlier awards to count.
        post=outcomes(FORBIDDEN, enterprise_a=OK, enterprise_b=OK),
        data=lambda w: {"inputs": {"persons": "12"}, "enterprise": True},
        json=True,
    ),
)

# Accounts: registration, sign-in and password reset are open to everyone; the profile is the enterprise's.
add("accounts:register", Case(url("accounts:register"), get=everyone_ok))
add("accounts:register_sent", Case(url("accounts:register_sent"), get=everyone_ok))
add("accounts:confirm", Case(url("accounts:confirm", lambda w: "not-a-token"), get=outcomes(BAD_REQUEST)))
add("accounts:login", Case(url("accounts:login"), get=everyone_ok))
add(
    "accounts:logout",
    Case(url("accounts:logout"), get=outcomes(NOT_ALLOWED), post=outcomes(REDIRECT), data=lambda w: {}),
)
add("accounts:password_reset", Case(url("accounts:password_reset"), get=everyone_ok))
add("accounts:password_reset_done", Case(url("accounts:password_reset_done"), get=everyone_ok))
add(
    "accounts:password_reset_confirm",
    # A forged link shows the "link no longer valid" page to everyone.
    Case(url("accounts:password_reset_confirm", lambda w: "MQ", lambda w: "set-password-x"), get=everyone_ok),
)
add("accounts:password_reset_complete", Case(url("accounts:password_reset_complete"), get=everyone_ok))
add("accounts:profile", Case(url("accounts:profile"), get=enterprise_page()))
# Staff two-factor: the lead reviewer has a confirmed authenticator, the other staff none yet; setting one up and
# verifying a code each send you to the other page when it is the one you need.
_OTP = {"anonymous": LOGIN, "enterprise_a": FORBIDDEN, "enterprise_b": FORBIDDEN}
add("accounts:otp_setup", Case(url("accounts:otp_setup"), get=outcomes(OK, **_OTP, reviewer_lead=REDIRECT)))
add("accounts:otp_verify", Case(url("accounts:otp_verify"), get=outcomes(REDIRECT, **_OTP, reviewer_lead=OK)))
add(
    "accounts:profile_edit",
    Case(
        url("accounts:profile_edit"),
        get=enterprise_page(),
        post=enterprise_page(REDIRECT, REDIRECT),
        data=lambda w: w.profile_form_data(),
        probe=row(lambda w: w.enterprise_a),
        changes=frozenset({ENTERPRISE_A}),  # B's POST edits B's own profile, never A's
    ),
)
add("accounts:profile_history", Case(url("accounts:profile_history"), get=enterprise_page()))
add(
    "accounts:team",
    Case(
        url("accounts:team"),
        get=enterprise_page(),
        post=enterprise_page(REDIRECT, REDIRECT),
        data=lambda w: {"email": "colleague@example.cn", "name": "同事"},
        probe=lambda w: w.enterprise_a.users.count(),
        changes=frozenset({ENTERPRISE_A}),
    ),
)

# The enterprise's cases: another enterprise guessing A's ids gets 404, never 403; staff work in the admin.
add("applications:list", Case(url("applications:list"), get=enterprise_page()))
add("applications:sanctions", Case(url("applications:sanctions"), get=enterprise_page()))
add(
    "applications:start",
    Case(
        url("applications:start", lambda w: w.measure_to_start.pk),
        get=enterprise_page(),
        post=enterprise_page(REDIRECT, REDIRECT),
        data=lambda w: {},
        probe=lambda w: w.enterprise_a.applications.count(),
        changes=frozenset({ENTERPRISE_A}),  # B's POST starts B's own draft
    ),
)
add(
    "applications:detail",
    Case(url("applications:detail", lambda w: w.app_a.pk), get=enterprise_page(b=NOT_FOUND)),
)
add(
    "applications:edit",
    Case(
        url("applications:edit", lambda w: w.draft_a.pk),
        get=enterprise_page(b=NOT_FOUND),
        post=enterprise_page(REDIRECT, NOT_FOUND),
        data=lambda w: {"input_persons": "30", "declare_truthful": "on", "intent": "save"},
        probe=row(lambda w: w.draft_a),
        changes=frozenset({ENTERPRISE_A}),
    ),
)
add(
    "applications:confirm",
    Case(
        url("applications:confirm", lambda w: w.draft_a.pk),
        get=enterprise_page(b=NOT_FOUND),
        post=enterprise_page(REDIRECT, NOT_FOUND),
        data=lambda w: {},
        probe=status("draft_a"),
        changes=frozenset({ENTERPRISE_A}),
    ),
)
add(
    "applications:withdraw",
    Case(
        url("applications:withdraw", lambda w: w.app_a.pk),
        get=enterprise_page(b=NOT_FOUND),
        post=enterprise_page(REDIRECT, NOT_FOUND),
        data=lambda w: {"comment": "不再申请"},
        probe=status("app_a"),
        changes=frozenset({ENTERPRISE_A}),
    ),
)
add(
    "applications:rate",
    # A case still under way cannot be rated: its enterprise is sent back to the case page, nothing is recorded.
    Case(
        url("applications:rate", lambda w: w.app_a.pk),
        get=enterprise_page(REDIRECT, NOT_FOUND),
        post=enterprise_page(REDIRECT, NOT_FOUND),
        data=lambda w: {"level": "1", "comment": "走查"},
        probe=count("applications.servicerating"),
    ),
)
add(
    "applications:attachment",
    # Downloads follow applications_visible_to: no sign-in redirect, a 404 for everyone who may not see the case.
    Case(
        url("applications:attachment", lambda w: w.app_a.pk, lambda w: w.attachment_a.pk),
        label="submitted case",
        get=only({ENTERPRISE_A, REVIEWER_LEAD, DISTRICT_ADMIN, AUDITOR, SUPERUSER}, OK, NOT_FOUND),
    ),
    Case(
        url("applications:attachment", lambda w: w.draft_a.pk, lambda w: w.attachment_draft.pk),
        label="draft",
        # A draft is the enterprise's own business, the platform's superuser's as little as any staff member's.
        get=only({ENTERPRISE_A}, OK, NOT_FOUND),
    ),
)
add(
    "applications:attachment_remove",
    Case(
        url("applications:attachment_remove", lambda w: w.draft_a.pk, lambda w: w.attachment_draft.pk),
        get=enterprise_page(NOT_ALLOWED, NOT_ALLOWED),
        post=enterprise_page(REDIRECT, NOT_FOUND),
        data=lambda w: {},
        probe=row(lambda w: w.attachment_draft),
        changes=frozenset({ENTERPRISE_A}),
    ),
)
add(
    "applications:letter",
    # Decision letters follow applications_visible_to, like files: a 404 for everyone who may not see the case.
    Case(
        url("applications:letter", lambda w: w.paid_b.pk, lambda w: w.approval_b.pk),
        get=only({ENTERPRISE_B, REVIEWER_LEAD, FINANCE, DISTRICT_ADMIN, AUDITOR, SUPERUSER}, OK, NOT_FOUND),
    ),
)
# The inbox: every signed-in person has one, with only their own notices in it; another's notice is a 404.
signed_in_ok = outcomes(OK, anonymous=LOGIN)
add("applications:inbox", Case(url("applications:inbox"), get=signed_in_ok))
add(
    "applications:notice",
    Case(
        url("applications:notice", lambda w: w.notice_a.pk),
        get={**only({ENTERPRISE_A}, OK, NOT_FOUND), ANONYMOUS: LOGIN},
    ),
)
add(
    "applications:notice_read",
    Case(
        url("applications:notice_read", lambda w: w.notice_a.pk),
        get=outcomes(NOT_ALLOWED, anonymous=LOGIN),
        post={**only({ENTERPRISE_A}, REDIRECT, NOT_FOUND), ANONYMOUS: LOGIN},
        data=lambda w: {},
        probe=row(lambda w: w.receipt_a),
        changes=frozenset({ENTERPRISE_A}),
    ),
)
add(
    "applications:notices_read_all",
    Case(
        url("applications:notices_read_all"),
        get=outcomes(NOT_ALLOWED, anonymous=LOGIN),
        post=outcomes(REDIRECT, anonymous=LOGIN),
        data=lambda w: {},
        probe=row(lambda w: w.receipt_a),
        changes=frozenset({ENTERPRISE_A}),  # everyone else marks only their own read
    ),
)
add(
    "applications:notice_settings",
    Case(
        url("applications:notice_settings"),
        get=signed_in_ok,
        post=outcomes(REDIRECT, anonymous=LOGIN),
        data=lambda w: {"delivery": "digest"},
        probe=lambda w: list(
            _model("applications.NoticePreference").objects.filter(user=w.user_a).values_list("delivery")
        ),
        changes=frozenset({ENTERPRISE_A}),
    ),
)
# Subscriptions to new measures: an enterprise user's own choice; the e-mail's unsubscribe link works without signing
# in for whoever holds it, and a token the portal did not sign is refused.
add(
    "applications:subscriptions",
    Case(
        url("applications:subscriptions"),
        get=enterprise_page(),
        post=enterprise_page(REDIRECT, REDIRECT),
        data=lambda w: {"matching": "on", "action": "save"},
        probe=lambda w: list(
            _model("applications.MeasureSubscription").objects.filter(user=w.user_a).values_list("active")
        ),
        changes=frozenset({ENTERPRISE_A}),  # B's POST subscribes B's own user
    ),
)


def _unsubscribe_link(w) -> str:
    """Return the unsubscribe link of A's owner, subscribed for the test (in its savepoint)."""
    from applications.subscriptions.tokens import unsubscribe_token

    _model("applications.MeasureSubscription").objects.update_or_create(user=w.user_a, defaults={"active": True})
    return reverse("applications:unsubscribe", args=[unsubscribe_token(w.user_a)])


def _subscribed_a(w) -> bool:
    return _model("applications.MeasureSubscription").objects.filter(user=w.user_a, active=True).exists()


add(
    "applications:unsubscribe",
    Case(
        _unsubscribe_link,
        label="signed link",
        get=everyone_ok,
        post=everyone_ok,
        data=lambda w: {},
        probe=_subscribed_a,
        changes=frozenset(ROLES),
    ),
    Case(
        url("applications:unsubscribe", lambda w: "eyJ1IjoxfQ:forged:not-signed"),
        label="forged link",
        get=outcomes(BAD_REQUEST),
        post=outcomes(BAD_REQUEST),
        data=lambda w: {},
        probe=lambda w: _model("applications.MeasureSubscription").objects.filter(active=True).count(),
    ),
)
# 免申即享 offers: the enterprise's own only (another's offer is a 404, never a 403); staff work in the admin.
add("applications:direct_offers", Case(url("applications:direct_offers"), get=enterprise_page()))


def _confirm_data(w) -> dict:
    from applications.workflow.declarations import required_declarations

    declarations = required_declarations(w.offer_a.direct_list.measure)
    account = {
        "bank_name": "中国银行北京朝阳支行",
        "bank_account_name": w.enterprise_a.name,
        "bank_account": "33806800123",
    }
    return {**account, **{f"declare_{d.key}": "on" for d in declarations}}


add(
    "applications:direct_offer",
    Case(
        url("applications:direct_offer", lambda w: w.offer_a.pk),
        get=enterprise_page(b=NOT_FOUND),
        post=enterprise_page(REDIRECT, NOT_FOUND),
        data=_confirm_data,
        probe=row(lambda w: w.offer_a),
        changes=frozenset({ENTERPRISE_A}),
    ),
)
add(
    "applications:direct_decline",
    Case(
        url("applications:direct_decline", lambda w: w.offer_a.pk),
        get=enterprise_page(NOT_ALLOWED, NOT_ALLOWED),
        post=enterprise_page(REDIRECT, NOT_FOUND),
        data=lambda w: {"reason": "不需要。"},
        probe=row(lambda w: w.offer_a),
        changes=frozenset({ENTERPRISE_A}),
    ),
)
add("applications:publicity", Case(url("applications:publicity"), get=everyone_ok))
add(
    "applications:objection",
    # Anyone may object to an award under 公示, signed in or not.
    Case(
        url("applications:objection", lambda w: w.publicity_b.reference),
        get=everyone_ok,
        post=outcomes(REDIRECT),
        # Kept for the reviewers, whoever sends it; the case stays in 公示 until they have examined it.
        data=lambda w: {
            "name": "王先生",
            "contact": "13800138000",
            "email": "wang@example.cn",
            "text": "该企业已于去年停业，未组织培训。",
            "pledge": "on",
        },
        probe=count("applications.objection"),
        changes=frozenset(ROLES),
    ),
)

# ---------------------------------------------------------------------------------------------------------------
# The admin site.

add("admin:index", Case(url("admin:index"), get=staff(OK)))
# The staff home: the admin's index with the reader's figures on top (the same /admin/, answered first by this route).
add("staff_home", Case(url("staff_home"), get=staff(OK)))
add(
    "admin:login",
    # Signed-in staff are sent on to the index; an enterprise user sees the form with "not authorised".
    Case(url("admin:login"), get=outcomes(REDIRECT, anonymous=OK, enterprise_a=OK, enterprise_b=OK)),
)
# The same page, mounted before the admin's URLs under the sign-in rate limit; `admin:login` reverses to it.
add("admin/login/", Case(lambda w: "/admin/login/", get=TABLE["admin:login"][0].get))
add(
    "admin:logout",
    # The admin sends whoever is not staff to its index (and from there to sign in); logging out is a POST.
    Case(
        url("admin:logout"),
        get=outcomes(NOT_ALLOWED, anonymous=REDIRECT, enterprise_a=REDIRECT, enterprise_b=REDIRECT),
        post=outcomes(REDIRECT),  # to the home page (LOGOUT_REDIRECT_URL)
        data=lambda w: {},
    ),
)
add("admin:password_change", Case(url("admin:password_change"), get=staff(OK)))
add("admin:password_change_done", Case(url("admin:password_change_done"), get=staff(OK)))
add("admin:jsi18n", Case(url("admin:jsi18n"), get=staff(OK)))
add(
    "admin:autocomplete",
    # Autocomplete answers only for a model its user may view: here departments, which every member of staff reads
    # (their own district's; tests/measures/test_library_admin.py).
    Case(
        url("admin:autocomplete", query="app_label=measures&model_name=measure&field_name=lead_departments&term=区"),
        get=staff(OK),
    ),
)
add(
    "admin:view_on_site",
    Case(
        url("admin:view_on_site", lambda w: w.content_type_of(w.measure), lambda w: w.measure.pk), get=staff(REDIRECT)
    ),
)
add(
    "admin:app_list",
    Case(url("admin:app_list", lambda w: "applications"), label="applications", get=staff(OK)),
    # Every member of staff reads the policy library (the admin answers 404 for an app none of whose models its user
    # may see).
    Case(url("admin:app_list", lambda w: "measures"), label="measures", get=staff(OK)),
)
add("admin/(?P<url>.*)$", Case(lambda w: "/admin/no-such-page/", get=staff(NOT_FOUND)))

# Models that only the superuser edits (staff have no Django model permissions on them): 403 for staff.
SUPERUSER_ONLY_MODELS = [
    "auth.group",
    "django_celery_beat.periodictask",
    "django_celery_beat.clockedschedule",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.solarschedule",
    "django_celery_beat.intervalschedule",
    "accounts.user",
    "accounts.enterprise",
    "measures.district",
    "measures.beneficiarytype",
    "measures.policydataload",
    "measures.workingdayoverride",
    "measures.calendarwarning",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "otp_totp.totpdevice",
]
# Written by the loader, and by django-axes at each sign-in, only.
NO_ADD = {"measures.policydataload", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
# The superuser cannot delete these objects because applications refer to them (PROTECT): the page says so.
PROTECTED = {"accounts.user", "accounts.enterprise", "measures.district"}


def _admin_url(label: str, view: str, obj: Callable[[Any], Any] | None = None) -> Callable[[Any], str]:
    name = "admin:{}_{}".format(*label.split(".")) + f"_{view}"
    return (lambda w: reverse(name)) if obj is None else (lambda w: reverse(name, args=[obj(w).pk]))


def _unnamed(label: str) -> str:
    return "admin/{}/{}/<path:object_id>/".format(*label.split("."))


def _bare_url(label: str, obj: Callable[[Any], Any]) -> Callable[[Any], str]:
    """Return the URL of an object's admin page without its `change/`, which redirects there."""
    change = _admin_url(label, "change", obj)
    return lambda w: change(w).removesuffix("change/")


def _obj(label: str) -> Callable[[Any], Any]:
    return lambda w: w.admin_objects[label]


def _admin_name(label: str, view: str) -> str:
    return "admin:{}_{}_{}".format(*label.split("."), view)


for _label in SUPERUSER_ONLY_MODELS:
    _get = _obj(_label)
    add(_admin_name(_label, "changelist"), Case(_admin_url(_label, "changelist"), get=staff(FORBIDDEN, superuser=OK)))
    # Adding and changing are Django's own model permissions, walked by GET only; the superuser's edits are tested
    # in tests/portal/test_admin.py. Deleting is walked by POST too.
    add(
        _admin_name(_label, "add"),
        Case(_admin_url(_label, "add"), get=staff(FORBIDDEN, superuser=FORBIDDEN if _label in NO_ADD else OK)),
    )
    add(_admin_name(_label, "change"), Case(_admin_url(_label, "change", _get), get=staff(FORBIDDEN, superuser=OK)))
    add(_admin_name(_label, "history"), Case(_admin_url(_label, "history", _get), get=staff(FORBIDDEN, superuser=OK)))
    add(
        _admin_name(_label, "delete"),
        Case(
            _admin_url(_label, "delete", _get),
            get=staff(FORBIDDEN, superuser=OK),
            post=staff(FORBIDDEN, superuser=OK if _label in PROTECTED else REDIRECT),
            data=lambda w: {"post": "yes"},
            probe=exists(_get),
            changes=frozenset() if _label in PROTECTED else frozenset({SUPERUSER}),
        ),
    )
    add(_unnamed(_label), Case(_bare_url(_label, _get), get=staff(REDIRECT)))

# The policy library (measures.admin.LibraryAdmin): every member of staff reads their own district's rows, the
# district administrator adds and changes them (and deletes sections and people), nobody reaches another district's
# rows (404, as for a row that does not exist); the superuser keeps Django's permissions over every district.
_WALK_SECTION = "走查科"


def _own_section(w):
    from contacts.models import Section

    return Section.objects.get_or_create(department=w.department, name=_WALK_SECTION)[0]


_DISTRICT_PATHS = {
    "measures.policydocument": "district",
    "measures.measure": "document__district",
    "contacts.department": "district",
    "contacts.section": "department__district",
    "contacts.contactperson": "department__district",
}


def _district_rows(label: str, district: str) -> Callable[[Any], int]:
    lookup = {f"{_DISTRICT_PATHS[label]}__name": district}
    return lambda w: _model(label).objects.filter(**lookup).count()


def _library_object(label: str, district: str) -> Callable[[Any], Any]:
    """Return the first row of the model in the district (the world's staff work for 朝阳区)."""
    lookup = {f"{_DISTRICT_PATHS[label]}__name": district}
    return lambda w: _model(label).objects.filter(**lookup).order_by("pk").first()


LIBRARY = {
    # model: (the district's own row, what the change POST edits, whether the district administrator deletes it)
    "measures.policydocument": (lambda w: w.measure.document, {"url": "https://example.gov.cn/walk"}, False),
    "measures.measure": (lambda w: w.measure, {"window_closes": "2030-12-31"}, False),
    "contacts.department": (lambda w: w.department, {"full_name": "北京市朝阳区人力资源和社会保障局（走查）"}, False),
    "contacts.section": (_own_section, {"name": "走查二科"}, True),
    "contacts.contactperson": (
        lambda w: w.department.people.order_by("pk").first(),
        {"office_phone": "65090000"},
        True,
    ),
}
LIBRARY_EDITORS = frozenset({DISTRICT_ADMIN, SUPERUSER})
for _label, (_get, _edit, _deletes) in LIBRARY.items():
    _elsewhere = _library_object(_label, "海淀区")
    _deleters = LIBRARY_EDITORS if _deletes else frozenset({SUPERUSER})
    # Documents, measures and departments are referred to by cases and staff (PROTECT): the page says so.
    _deleted = REDIRECT if _deletes else OK
    _in_district = _district_rows(_label, "朝阳区")
    add(_admin_name(_label, "changelist"), Case(_admin_url(_label, "changelist"), get=staff(OK)))
    add(
        _admin_name(_label, "add"),
        Case(_admin_url(_label, "add"), get=staff(FORBIDDEN, district_admin=OK, superuser=OK)),
    )
    add(
        _admin_name(_label, "change"),
        Case(
            _admin_url(_label, "change", _get),
            label="own district",
            get=staff(OK),
            post=staff(FORBIDDEN, **dict.fromkeys(LIBRARY_EDITORS, REDIRECT)),
            data=lambda w, _get=_get, _edit=_edit: w.admin_form_data(_get(w), **_edit),
            probe=row(_get),
            changes=LIBRARY_EDITORS,
        ),
        Case(
            _admin_url(_label, "change", _elsewhere),
            label="another district",
            get=staff(NOT_FOUND, superuser=OK),
            post=staff(NOT_FOUND, superuser=None),
            data=lambda w, _get=_elsewhere, _edit=_edit: w.admin_form_data(_get(w), **_edit),
            probe=row(_elsewhere),
        ),
    )
    add(
        _admin_name(_label, "history"),
        Case(_admin_url(_label, "history", _get), label="own district", get=staff(OK)),
        Case(_admin_url(_label, "history", _elsewhere), label="another district", get=staff(NOT_FOUND, superuser=OK)),
    )
    add(
        _admin_name(_label, "delete"),
        Case(
            _admin_url(_label, "delete", _get),
            get=staff(FORBIDDEN, **dict.fromkeys(_deleters, OK)),
            post=staff(FORBIDDEN, **dict.fromkeys(_deleters, _deleted)),
            data=lambda w: {"post": "yes"},
            probe=_in_district,
            changes=_deleters if _deletes else frozenset(),
        ),
    )
    add(_unnamed(_label), Case(_bare_url(_label, _get), get=staff(REDIRECT)))

# An enterprise's claim to its credit code: the platform's superuser verifies it (or removes a wrong claimant).
add(
    "admin:accounts_enterprise_claim",
    Case(
        url("admin:accounts_enterprise_claim", lambda w: w.enterprise_a.pk),
        get=staff(FORBIDDEN, superuser=OK),
        post=staff(FORBIDDEN, superuser=REDIRECT),
        data=lambda w: {"decision": "verified", "evidence": "营业执照副本原件核对一致。"},
        probe=count("accounts.claimreview"),
        changes=frozenset({SUPERUSER}),
    ),
)

for _view in ("config", "qrcode"):
    # A device's secret, as a URI and as a QR code: only for whoever may manage devices.
    add(
        f"admin:otp_totp_totpdevice_{_view}",
        Case(
            url(f"admin:otp_totp_totpdevice_{_view}", lambda w: w.admin_objects["otp_totp.totpdevice"].pk),
            get=staff(FORBIDDEN, superuser=OK),
        ),
    )

add(
    "admin:auth_user_password_change",
    Case(
        url("admin:auth_user_password_change", lambda w: w.user_a.pk),
        get=staff(FORBIDDEN, superuser=OK),
        post=staff(FORBIDDEN, superuser=REDIRECT),
        data=lambda w: {"password1": "another-long-pass-9", "password2": "another-long-pass-9"},
        probe=lambda w: type(w.user_a).objects.values_list("password", flat=True).get(pk=w.user_a.pk),
        changes=frozenset({SUPERUSER}),
    ),
)

# The cases' own models: every staff member of the district may view the rows of the cases they see, nobody adds,
# changes or deletes them in the admin (changes go through the workflow). A row of a case someone may not see is
# treated by the admin like an id that does not exist: a redirect to the admin's index.
SEES = {
    # A's submitted case under a measure led by the lead reviewer's department.
    "app_a": {REVIEWER_LEAD, DISTRICT_ADMIN, AUDITOR, SUPERUSER},
    # Staff never see a draft, the superuser included (who sees every submitted case, and cannot act on one).
    "draft_a": set(),
    # B's case in payment: finance sees cases from finance review on.
    "paid_b": {REVIEWER_LEAD, FINANCE, DISTRICT_ADMIN, AUDITOR, SUPERUSER},
    # B's case under 公示.
    "publicity_b": {REVIEWER_LEAD, DISTRICT_ADMIN, AUDITOR, SUPERUSER},
}
CASE_MODELS = {
    # model: (the object on the change pages, the case it belongs to)
    "applications.application": ("app_a", "app_a"),
    "applications.event": ("event_a", "app_a"),
    "applications.payment": ("payment_b", "paid_b"),
    "applications.attachment": ("attachment_a", "app_a"),
    "applications.objection": ("objection_b", "publicity_b"),
    "applications.notice": ("notice_a", "app_a"),
}


def _sees(case: str) -> dict[str, str]:
    return staff(REDIRECT, **dict.fromkeys(SEES[case], OK))


def _object(name: str) -> Callable[[Any], Any]:
    return lambda w: getattr(w, name)


for _label, (_name, _case) in CASE_MODELS.items():
    _get = _object(_name)
    _post = {"post": staff(FORBIDDEN), "data": lambda w, _get=_get: w.admin_form_data(_get(w)), "probe": row(_get)}
    _changes = (Case(_admin_url(_label, "change", _get), label=_name, get=_sees(_case), **_post),)
    if _label == "applications.application":
        _changes += (
            Case(_admin_url(_label, "change", _object("draft_a")), label="draft_a", get=_sees("draft_a")),
            Case(_admin_url(_label, "change", _object("paid_b")), label="paid_b", get=_sees("paid_b")),
        )
    add(_admin_name(_label, "changelist"), Case(_admin_url(_label, "changelist"), get=staff(OK)))
    add(
        _admin_name(_label, "add"),
        Case(
            _admin_url(_label, "add"),
            get=staff(FORBIDDEN),
            post=staff(FORBIDDEN),
            data=lambda w, _get=_get: w.admin_form_data(_get(w)),
            probe=count(_label),
        ),
    )
    add(_admin_name(_label, "change"), *_changes)
    add(_admin_name(_label, "history"), Case(_admin_url(_label, "history", _get), get=_sees(_case)))
    add(
        _admin_name(_label, "delete"),
        Case(
            _admin_url(_label, "delete", _get),
            get=staff(FORBIDDEN),
            post=staff(FORBIDDEN),
            data=lambda w: {"post": "yes"},
            probe=exists(_get),
        ),
    )
    add(_unnamed(_label), Case(_bare_url(_label, _get), get=staff(REDIRECT)))

# A 公示 objection's page (above) is read-only; its evidence opens for whoever sees the case, and its triage is a POST
# by the lead department's reviewer or the district administrator. Those who see the case but may not decide are sent
# back to the objection with a message; for everyone else the objection does not exist.
add(
    "admin:applications_objection_evidence",
    Case(
        url("admin:applications_objection_evidence", lambda w: w.objection_b.pk),
        get=staff(NOT_FOUND, **dict.fromkeys(SEES["publicity_b"], OK)),
    ),
)
add(
    "admin:applications_objection_triage",
    Case(
        url("admin:applications_objection_triage", lambda w: w.objection_b.pk),
        get=staff(NOT_ALLOWED),
        post=staff(NOT_FOUND, **dict.fromkeys(SEES["publicity_b"], REDIRECT)),
        data=lambda w: {"decision": "dismiss", "reason": "经核实，该企业培训记录属实，异议不成立。"},
        probe=row(lambda w: w.objection_b),
        changes=frozenset({REVIEWER_LEAD, DISTRICT_ADMIN}),
    ),
)

# The workflow's actions: only the role of the transition table, on a case it sees; the others are refused. Each
# POST carries the case's audit sequence as its page showed it (`seen`).
add(
    "admin:applications_application_transition",
    Case(
        url("admin:applications_application_transition", lambda w: w.app_a.pk, lambda w: "accept"),
        label="accept",
        # Those who see the case but may not accept it are sent back to the case with a message.
        get=staff(NOT_FOUND, reviewer_lead=OK, district_admin=REDIRECT, auditor=REDIRECT, superuser=REDIRECT),
        post=staff(NOT_FOUND, reviewer_lead=REDIRECT, district_admin=REDIRECT, auditor=REDIRECT, superuser=REDIRECT),
        data=lambda w: {"comment": "材料齐全", "seen": _seen(w.app_a)},
        probe=status("app_a"),
        changes=frozenset({REVIEWER_LEAD}),
    ),
    Case(
        url("admin:applications_application_transition", lambda w: w.paid_b.pk, lambda w: "record_payment"),
        label="record_payment",
        get=staff(REDIRECT, finance=OK, reviewer_other=NOT_FOUND),
        post=staff(REDIRECT, reviewer_other=NOT_FOUND),
        data=lambda w: {
            "amount": "1000.00",
            "paid_on": w.today.isoformat(),
            "bank_reference": "BJ-WALK-1",
            "seen": _seen(w.paid_b),
        },
        probe=lambda w: w.paid_b.payments.count(),
        changes=frozenset({FINANCE}),
    ),
)
add(
    "admin:applications_application_export",
    Case(
        url("admin:applications_application_export"), get=staff(OK, reviewer_lead=FORBIDDEN, reviewer_other=FORBIDDEN)
    ),
)


# The review on the case page (applications/admin/case_review.py): the applicant's read-only page opens for whoever
# sees the case (any other case is a 404); materials, criteria and assignment are recorded by POST, by the lead
# department's reviewer (assignment also by the district administrator); those who see the case but may not record
# are sent back to it with a message, and nothing changes.
def _criteria_answers(w) -> dict:
    from applications.review.criteria import criteria_for

    return {f"met_{c.key}": "yes" for c in criteria_for(w.app_a.measure)}


def _count(label: str, name: str) -> Callable[[Any], int]:
    return lambda w: _model(label).objects.filter(application=getattr(w, name)).count()


_SEES_A = dict.fromkeys(SEES["app_a"], REDIRECT)
add(
    "admin:applications_application_enterprise",
    Case(
        url("admin:applications_application_enterprise", lambda w: w.app_a.pk),
        label="submitted case",
        get=staff(NOT_FOUND, **dict.fromkeys(SEES["app_a"], OK)),
    ),
    Case(
        url("admin:applications_application_enterprise", lambda w: w.paid_b.pk),
        label="case in payment",
        get=staff(NOT_FOUND, **dict.fromkeys(SEES["paid_b"], OK)),
    ),
)
add(
    "admin:applications_application_materials",
    # 2号 9. lists no materials: nothing to record, for anyone.
    Case(
        url("admin:applications_application_materials", lambda w: w.app_a.pk),
        get=staff(NOT_ALLOWED),
        post=staff(NOT_FOUND, **_SEES_A),
        data=lambda w: {"verdict_business-licence": "accepted"},
        probe=_count("applications.materialcheck", "app_a"),
    ),
)
add(
    "admin:applications_application_criteria",
    Case(
        url("admin:applications_application_criteria", lambda w: w.app_a.pk),
        get=staff(NOT_ALLOWED),
        post=staff(NOT_FOUND, **_SEES_A),
        data=_criteria_answers,
        probe=_count("applications.criterionanswer", "app_a"),
        changes=frozenset({REVIEWER_LEAD}),
    ),
)
add(
    "admin:applications_application_assign",
    Case(
        url("admin:applications_application_assign", lambda w: w.app_a.pk),
        get=staff(NOT_ALLOWED),
        post=staff(NOT_FOUND, **_SEES_A),
        data=lambda w: {"assignee": w.users[REVIEWER_LEAD].pk},
        probe=lambda w: type(w.app_a).objects.values_list("assigned_to", flat=True).get(pk=w.app_a.pk),
        changes=frozenset({REVIEWER_LEAD, DISTRICT_ADMIN}),
    ),
)


# 免申即享 in the admin (applications/admin/direct.py). Profile verifications: every member of staff of the district
# sees those of its enterprises; district administrators and reviewers verify one (by credit code); nobody edits or
# deletes one. Lists: the district's staff see them (a reviewer, those of the measures the department leads; finance
# none); nobody adds, edits or deletes one in a form. A lead department's reviewer generates a list; a second person of
# the department approves or discards it (here the lead reviewer, the list being its head's); those who see the list
# but may not decide are sent back to it with a message, and nothing changes.
VERIFIERS = {DISTRICT_ADMIN, REVIEWER_LEAD, REVIEWER_OTHER}
_verification = _object("verification")
add(
    "admin:applications_profileverification_changelist",
    Case(_admin_url("applications.profileverification", "changelist"), get=staff(OK)),
)
add(
    "admin:applications_profileverification_add",
    Case(
        _admin_url("applications.profileverification", "add"),
        get=staff(FORBIDDEN, **dict.fromkeys(VERIFIERS, OK)),
        post=staff(FORBIDDEN, **dict.fromkeys(VERIFIERS, REDIRECT)),
        data=lambda w: {"credit_code": w.enterprise_a.credit_code, "evidence": "2025年度纳税申报表核对一致。"},
        probe=count("applications.profileverification"),
        changes=frozenset(VERIFIERS),
    ),
)
add(
    "admin:applications_profileverification_change",
    Case(
        _admin_url("applications.profileverification", "change", _verification),
        get=staff(OK),
        post=staff(FORBIDDEN),
        data=lambda w: w.admin_form_data(w.verification),
        probe=row(_verification),
    ),
)
add(
    "admin:applications_profileverification_history",
    Case(_admin_url("applications.profileverification", "history", _verification), get=staff(OK)),
)
add(
    "admin:applications_profileverification_delete",
    Case(
        _admin_url("applications.profileverification", "delete", _verification),
        get=staff(FORBIDDEN),
        post=staff(FORBIDDEN),
        data=lambda w: {"post": "yes"},
        probe=exists(_verification),
    ),
)
add(
    _unnamed("applications.profileverification"),
    Case(_bare_url("applications.profileverification", _verification), get=staff(REDIRECT)),
)

LIST_SEERS = {REVIEWER_LEAD, DISTRICT_ADMIN, AUDITOR, SUPERUSER}


def _no_list_waiting(w) -> dict:
    """Return the generation form's data, the walk's list waiting for approval discarded (in the test's savepoint)."""
    _model("applications.DirectList").objects.filter(pk=w.direct_list.pk).update(state="discarded")
    return {"measure": w.direct_measure.pk}


_direct_list = _object("direct_list")
_sees_list = staff(REDIRECT, **dict.fromkeys(LIST_SEERS, OK))
add(
    "admin:applications_directlist_changelist", Case(_admin_url("applications.directlist", "changelist"), get=staff(OK))
)
add(
    "admin:applications_directlist_add",
    Case(
        _admin_url("applications.directlist", "add"),
        get=staff(FORBIDDEN),
        post=staff(FORBIDDEN),
        data=lambda w: {"measure": w.direct_measure.pk},
        probe=count("applications.directlist"),
    ),
)
add(
    "admin:applications_directlist_change",
    Case(
        _admin_url("applications.directlist", "change", _direct_list),
        get=_sees_list,
        post=staff(FORBIDDEN),
        data=lambda w: w.admin_form_data(w.direct_list),
        probe=row(_direct_list),
    ),
)
add(
    "admin:applications_directlist_history",
    Case(_admin_url("applications.directlist", "history", _direct_list), get=_sees_list),
)
add(
    "admin:applications_directlist_delete",
    Case(
        _admin_url("applications.directlist", "delete", _direct_list),
        get=staff(FORBIDDEN),
        post=staff(FORBIDDEN),
        data=lambda w: {"post": "yes"},
        probe=exists(_direct_list),
    ),
)
add(_unnamed("applications.directlist"), Case(_bare_url("applications.directlist", _direct_list), get=staff(REDIRECT)))
add(
    "admin:applications_directlist_generate",
    # Once the list waiting for approval is discarded, the lead reviewer's POST generates another.
    Case(
        url("admin:applications_directlist_generate"),
        get=staff(FORBIDDEN, reviewer_lead=OK),
        post=staff(FORBIDDEN, reviewer_lead=REDIRECT),
        data=_no_list_waiting,
        probe=count("applications.directlist"),
        changes=frozenset({REVIEWER_LEAD}),
    ),
)
for _decision, _comment in (("approve", "经核对无误。"), ("discard", "数据年度有误，重新核验后再生成。")):
    add(
        f"admin:applications_directlist_{_decision}",
        Case(
            url(f"admin:applications_directlist_{_decision}", lambda w: w.direct_list.pk),
            get=staff(NOT_ALLOWED),
            post=staff(NOT_FOUND, **dict.fromkeys(LIST_SEERS, REDIRECT)),
            data=lambda w, _comment=_comment: {"comment": _comment},
            probe=row(_direct_list),
            changes=frozenset({REVIEWER_LEAD}),
        ),
    )

# 好差评: the rated department's staff, the district's administrators and auditors see its rectification tasks; only
# the department's head answers one (tests/applications/ratings/test_rectification_page.py walks the head), so every
# role of the walk is refused: a 403 for those who see the task, a 404 for those who do not.
TASK_SEERS = {REVIEWER_LEAD, DISTRICT_ADMIN, AUDITOR, SUPERUSER}
_rectification = _object("rectification")
_sees_task = staff(REDIRECT, **dict.fromkeys(TASK_SEERS, OK))
add(
    "admin:applications_rectification_changelist",
    Case(_admin_url("applications.rectification", "changelist"), get=staff(OK)),
)
add(
    "admin:applications_rectification_add",
    Case(_admin_url("applications.rectification", "add"), get=staff(FORBIDDEN)),
)
add(
    "admin:applications_rectification_change",
    Case(
        _admin_url("applications.rectification", "change", _rectification),
        get=_sees_task,
        post=staff(FORBIDDEN),
        data=lambda w: {"response": "已整改。"},
        probe=row(_rectification),
    ),
)
add(
    "admin:applications_rectification_history",
    Case(_admin_url("applications.rectification", "history", _rectification), get=_sees_task),
)
add(
    "admin:applications_rectification_delete",
    Case(
        _admin_url("applications.rectification", "delete", _rectification),
        get=staff(FORBIDDEN),
        post=staff(FORBIDDEN),
        data=lambda w: {"post": "yes"},
        probe=exists(_rectification),
    ),
)
add(
    _unnamed("applications.rectification"),
    Case(_bare_url("applications.rectification", _rectification), get=staff(REDIRECT)),
)
_refused_answer = staff(NOT_FOUND, **dict.fromkeys(TASK_SEERS, FORBIDDEN))
add(
    "admin:applications_rectification_respond",
    Case(
        url("admin:applications_rectification_respond", lambda w: w.rectification.pk),
        get=_refused_answer,
        post=_refused_answer,
        data=lambda w: {"response": "已核实并整改，压缩办理时限。", "confirmed": "yes"},
        probe=row(_rectification),
    ),
)

# Bans: every staff member of the district sees its bans; the district administrator (and the superuser) record
# one against an enterprise of the district and amend its end on a document (an audited act of its own); nobody
# edits or deletes one in its form.
BAN_MANAGERS = {DISTRICT_ADMIN, SUPERUSER}
_ban = _object("ban")
add("admin:applications_ban_changelist", Case(_admin_url("applications.ban", "changelist"), get=staff(OK)))
add(
    "admin:applications_ban_add",
    Case(
        _admin_url("applications.ban", "add"),
        get=staff(FORBIDDEN, **{r: OK for r in BAN_MANAGERS}),
        post=staff(FORBIDDEN, **{r: REDIRECT for r in BAN_MANAGERS}),
        data=lambda w: w.admin_form_data(w.ban, decision_number="朝阳区决定〔2026〕2号", enterprise=w.enterprise_a.pk),
        probe=count("applications.ban"),
        changes=frozenset(BAN_MANAGERS),
    ),
)
add(
    "admin:applications_ban_change",
    Case(
        _admin_url("applications.ban", "change", _ban),
        get=staff(OK),
        post=staff(FORBIDDEN),
        data=lambda w: w.admin_form_data(w.ban, decision_number="朝阳区决定〔2026〕3号"),
        probe=row(_ban),
    ),
)
add(
    "admin:applications_ban_amend",
    Case(
        url("admin:applications_ban_amend", lambda w: w.ban.pk),
        get=staff(FORBIDDEN, **{r: OK for r in BAN_MANAGERS}),
        post=staff(FORBIDDEN, **{r: REDIRECT for r in BAN_MANAGERS}),
        data=lambda w: {
            "ends_on": w.today.isoformat(),
            "document_number": "（2026）京0105行初88号",
            "reason": "法院判决撤销原处理决定。",
        },
        probe=row(_ban),
        changes=frozenset(BAN_MANAGERS),
    ),
)
add(
    "admin:applications_ban_enterprises",
    # The ban form's search of the district's enterprises (never a list of every enterprise).
    Case(
        url("admin:applications_ban_enterprises", query="term=测试"),
        get=staff(FORBIDDEN, **{r: OK for r in BAN_MANAGERS}),
    ),
)
add("admin:applications_ban_history", Case(_admin_url("applications.ban", "history", _ban), get=staff(OK)))
add(
    "admin:applications_ban_delete",
    Case(
        _admin_url("applications.ban", "delete", _ban),
        get=staff(FORBIDDEN),
        post=staff(FORBIDDEN),
        data=lambda w: {"post": "yes"},
        probe=exists(_ban),
    ),
)
add(_unnamed("applications.ban"), Case(_bare_url("applications.ban", _ban), get=staff(REDIRECT)))

# Fraud findings and recoveries: the district's administrator, finance officers and auditors (and the superuser)
# see those of their district; only the district administrator records a finding (not the superuser: it is an act
# of the workflow), only the district's finance officer records money returned; nobody edits or deletes either.
SANCTION_VIEWERS = {DISTRICT_ADMIN, FINANCE, AUDITOR, SUPERUSER}
_sanction_pages = staff(FORBIDDEN, **{r: OK for r in SANCTION_VIEWERS})
for _label, _name in (("applications.fraudfinding", "finding_b"), ("applications.recovery", "recovery_b")):
    _get = _object(_name)
    add(_admin_name(_label, "changelist"), Case(_admin_url(_label, "changelist"), get=_sanction_pages))
    add(_admin_name(_label, "change"), Case(_admin_url(_label, "change", _get), get=_sanction_pages))
    add(_admin_name(_label, "history"), Case(_admin_url(_label, "history", _get), get=_sanction_pages))
    add(
        _admin_name(_label, "delete"),
        Case(
            _admin_url(_label, "delete", _get),
            get=staff(FORBIDDEN),
            post=staff(FORBIDDEN),
            data=lambda w: {"post": "yes"},
            probe=exists(_get),
        ),
    )
    add(_unnamed(_label), Case(_bare_url(_label, _get), get=staff(REDIRECT)))
add(
    "admin:applications_fraudfinding_add",
    Case(
        _admin_url("applications.fraudfinding", "add"),
        get=staff(FORBIDDEN, district_admin=OK),
        post=staff(FORBIDDEN, district_admin=REDIRECT),
        data=lambda w: {
            "application": w.paid_b.pk,
            "evidence": "培训签到表系伪造。",
            "decision_number": "朝阳区决定〔2026〕9号",
            "decision_date": w.today.isoformat(),
            "persons_responsible": "张三，法定代表人",
            "clause_quote": "全额收缴",
            "recovery_due_on": "",
            "_confirmed": "1",
        },
        probe=count("applications.fraudfinding"),
        changes=frozenset({DISTRICT_ADMIN}),
    ),
)
add(
    "admin:applications_recovery_add",
    Case(
        _admin_url("applications.recovery", "add"),
        get=staff(FORBIDDEN),
        post=staff(FORBIDDEN),
        data=lambda w: {"amount_due": "1.00"},
        probe=count("applications.recovery"),
    ),
)
add(
    "admin:applications_recovery_repay",
    Case(
        url("admin:applications_recovery_repay", lambda w: w.recovery_b.pk),
        get=staff(FORBIDDEN, finance=OK),
        post=staff(FORBIDDEN, finance=REDIRECT),
        data=lambda w: {"amount": "1000.00", "paid_on": w.today.isoformat(), "bank_reference": "BJ-BACK-1"},
        probe=lambda w: w.recovery_b.repayments.count(),
        changes=frozenset({FINANCE}),
    ),
)
