"""Hypothesis over the portal's forms (issue 7): arbitrary text and unicode, huge and negative numbers, empty values.

Each example is posted (or, for the GET forms, sent in the query string) through the Django test client, so a
server error fails the test with its traceback. A form that comes back is a 200 page whose every error is in
Chinese and shown on the page; a draft keeps what was typed. Every example runs in a savepoint that is rolled
back, so one example's registration or objection does not change the next.
"""

import re
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.forms import ProfileForm, RegistrationForm
from applications.forms import ObjectionForm
from applications.models import Application
from applications.workflow.declarations import required_declarations
from measures.estimation import inputs_for
from measures.models import Measure
from portal.formatting import format_money
from tests.factories import ApplicationFactory
from tests.fuzz.strategies import FUZZ, PLAUSIBLE, VALUES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hypothesis_prints_examples")]

CHINESE = re.compile(r"[\u3400-\u9fff]")


def fields(names, values=VALUES):
    """Every field, as a browser sends them (empty ones too), each with a value from `values`."""
    return st.fixed_dictionaries(dict.fromkeys(names, values))


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def form_errors(*forms) -> list[str]:
    messages = []
    for form in forms:
        for errors in form.errors.values():
            messages += [str(message) for message in errors]
    return messages


def assert_errors_shown_in_chinese(response, *forms, also=()) -> None:
    """The page came back (200) with at least one error; every error is in Chinese and on the page."""
    messages = form_errors(*forms) + [str(message) for message in also]
    page = response.content.decode()
    assert response.status_code == 200
    assert messages, "an invalid form came back without an error message"
    for message in messages:
        assert CHINESE.search(message), f"not in Chinese: {message!r}"
        assert escape(message) in page, f"not shown on the page: {message!r}"


# --- registration -------------------------------------------------------------------------------------------------


@settings(FUZZ, max_examples=40)
@given(data=fields(RegistrationForm.base_fields))
def test_the_registration_form_refuses_anything_in_chinese(client, policy_data, data):
    with rolled_back():
        response = client.post(reverse("accounts:register"), data)
        if response.status_code != 302:
            assert_errors_shown_in_chinese(response, response.context["form"])


# --- the enterprise profile ---------------------------------------------------------------------------------------

CERTIFICATION_FIELDS = ["certifications-0-kind", "certifications-0-level", "certifications-0-certified_on"]
# Not thousands: the formset would build (and the page show) that many forms, which only makes the run slow.
FORMSET_COUNTS = st.sampled_from(["1", "0", "", "-1", "abc", "3"])


@settings(FUZZ, max_examples=40)
@given(data=fields([*ProfileForm.base_fields, *CERTIFICATION_FIELDS]), total=FORMSET_COUNTS)
def test_the_profile_form_refuses_anything_in_chinese(client, owner, data, total):
    client.force_login(owner)
    management = {"certifications-TOTAL_FORMS": total, "certifications-INITIAL_FORMS": "0"}
    with rolled_back():
        response = client.post(reverse("accounts:profile_edit"), {**management, **data})
        if response.status_code != 302:
            formset = response.context["formset"]
            assert_errors_shown_in_chinese(
                response, response.context["form"], *formset.forms, also=formset.non_form_errors()
            )


# --- the application draft, per rule kind -------------------------------------------------------------------------

# Rules of different kinds: money only, a count, a choice with money, several integers and money, a decimal.
DRAFT_KINDS = ["percent_of_base", "per_head_flat", "rent_months_waived", "contribution_by_headcount_change"]
DRAFT_KINDS += ["area_rate_days", "growth_award", "fixed_by_level"]


def input_values(spec):
    if spec.type == "choice":
        return st.one_of(st.sampled_from([value for value, _label in spec.choices]), VALUES)
    return st.one_of(PLAUSIBLE, VALUES)


def measure_of_kind(kind: str) -> Measure:
    return Measure.objects.filter(monetary=True, rule_kind=kind).order_by("pk").first()


@pytest.mark.parametrize("kind", DRAFT_KINDS)
def test_the_application_draft_keeps_what_was_typed(client, owner, kind):
    measure = measure_of_kind(kind)
    specs = inputs_for(measure)
    client.force_login(owner)

    @settings(FUZZ, max_examples=15)
    @given(
        typed=st.fixed_dictionaries({f"input_{spec.name}": input_values(spec) for spec in specs}),
        declared=st.sampled_from(["on", "on", ""]),
        intent=st.sampled_from(["save", "review"]),
    )
    def post_a_draft(typed, declared, intent):
        with rolled_back():
            application = ApplicationFactory(created_by=owner, enterprise=owner.enterprise, measure=measure)
            declarations = {f"declare_{declaration.key}": declared for declaration in required_declarations(measure)}
            edit = reverse("applications:edit", args=[application.pk])
            response = client.post(edit, {**typed, **declarations, "intent": intent}, follow=True)
            application.refresh_from_db()
            # The draft keeps everything typed, whatever happens next (NUL, which PostgreSQL cannot store, aside);
            # a further rule of the clause left empty (a name with "__") was not applied for and is not kept.
            kept = {name.removeprefix("input_"): value.replace("\x00", "").strip() for name, value in typed.items()}
            assert application.inputs == {name: value for name, value in kept.items() if value or "__" not in name}
            if not response.redirect_chain:
                assert_errors_shown_in_chinese(response, response.context["form"])
                page = response.content.decode()
                for spec in specs:
                    if spec.type != "choice":
                        assert escape(typed[f"input_{spec.name}"]) in page
            elif response.redirect_chain[-1][0].endswith("/confirm/"):
                assert response.status_code == 200
                # Submitting: refused with the reasons, or submitted; never a server error.
                client.post(response.redirect_chain[-1][0], follow=True)
                assert Application.objects.get(pk=application.pk).status in ("draft", "submitted")

    post_a_draft()


def refused_for_nul(response, typed: dict) -> bool:
    """Return whether a query with a NUL character was refused as a bad request (portal.middleware), as it must."""
    if not any("\x00" in str(value) for value in typed.values()):
        return False
    assert response.status_code == 400
    return True


# --- the estimator on a measure's page ----------------------------------------------------------------------------

ESTIMATOR_KINDS = [*DRAFT_KINDS, "interest_subsidy", "formula_refund", "per_head_tiers", "count_tiers"]


@pytest.mark.parametrize("kind", ESTIMATOR_KINDS)
def test_the_estimator_answers_anything(client, policy_data, kind):
    measure = measure_of_kind(kind)
    specs = inputs_for(measure)

    @settings(FUZZ, max_examples=15)
    @given(typed=st.fixed_dictionaries({spec.name: input_values(spec) for spec in specs}))
    def estimate(typed):
        response = client.get(measure.get_absolute_url(), {"estimate": "1", **typed})
        if refused_for_nul(response, typed):
            return
        form, result = response.context["estimate_form"], response.context["estimate"]
        if result is None:
            assert_errors_shown_in_chinese(response, form)
        else:
            assert f'<strong id="estimate-amount">{format_money(result.amount)}</strong>' in response.content.decode()

    estimate()


# --- the public check (/matching/check/) --------------------------------------------------------------------------

MATCH_FIELDS = ["employees", "revenue", "assets", "location", "same_district", "ownership", "district", "monetary"]


@settings(FUZZ, max_examples=40)
@given(
    data=fields(MATCH_FIELDS, st.one_of(PLAUSIBLE, VALUES)),
    industry=st.one_of(st.sampled_from(["工业", "软件和信息技术服务业", "零售业"]), VALUES),
    certifications=st.lists(VALUES, max_size=3),
)
def test_the_public_check_answers_anything(client, policy_data, data, industry, certifications):
    response = client.get(
        reverse("measures:match_check"), {**data, "industry": industry, "certifications": certifications}
    )
    if refused_for_nul(response, {**data, "industry": industry, "certifications": "".join(certifications)}):
        return
    form = response.context["form"]
    if not form.is_valid():
        assert_errors_shown_in_chinese(response, form)
    else:
        assert response.status_code == 200 and "groups" in response.context


# --- an objection on /gongshi/ ------------------------------------------------------------------------------------


@settings(FUZZ, max_examples=40)
@given(data=fields(ObjectionForm.base_fields))
def test_an_objection_is_lodged_or_refused_in_chinese(client, owner, data):
    with rolled_back():
        application = ApplicationFactory(
            created_by=owner,
            enterprise=owner.enterprise,
            measure=measure_of_kind("per_head_flat"),
            status="publicity",
            proposed_amount=Decimal("12000.00"),
            publicity_ends_on=timezone.localdate(),
        )
        response = client.post(reverse("applications:objection", args=[application.reference]), data)
        application.refresh_from_db()
        # An objection is examined while the case stays in 公示 (applications.publicity): it never moves the case.
        assert application.status == "publicity"
        if response.status_code == 302:
            assert application.objections.count() == 1
        else:
            assert_errors_shown_in_chinese(response, response.context["form"])
            assert not application.objections.exists()


# --- what the fuzzing found, kept as regression tests -----------------------------------------------------------------


def post_draft(client, owner, kind, intent, **typed):
    application = ApplicationFactory(created_by=owner, enterprise=owner.enterprise, measure=measure_of_kind(kind))
    client.force_login(owner)
    response = client.post(reverse("applications:edit", args=[application.pk]), {**typed, "intent": intent})
    application.refresh_from_db()
    return response, application


def test_a_nul_character_in_a_draft_is_refused_and_the_rest_kept(client, owner):
    response, application = post_draft(client, owner, "percent_of_base", "save", input_base="12\x00")
    assert response.status_code == 200 and "不允许是用空字符串" in response.content.decode()
    assert application.inputs == {"base": "12"}


def test_a_huge_amount_in_a_draft_is_refused_at_review_and_kept(client, owner):
    response, application = post_draft(client, owner, "percent_of_base", "review", input_base="1e30")
    page = response.content.decode()
    assert response.status_code == 200 and "数值过大" in page and 'value="1e30"' in page
    assert application.inputs == {"base": "1e30"}


def test_the_estimator_refuses_a_huge_area(client, policy_data):
    measure = measure_of_kind("area_rate_days")
    response = client.get(measure.get_absolute_url(), {"estimate": "1", "area": "1e30", "days": "3"})
    assert response.status_code == 200 and "租用面积数值过大" in response.content.decode()
