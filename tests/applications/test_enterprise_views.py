"""The enterprise's pages: its own cases only, drafts that keep everything typed, submit, withdraw, resubmit."""

import pytest
from django.urls import reverse

from applications.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def edit(client, application, intent="save", **data):
    payload = {"input_persons": "12", "declare_truthful": "on", "intent": intent, **data}
    return client.post(reverse("applications:edit", args=[application.pk]), payload)


def test_it_starts_a_draft_from_a_measure(signed_in, owner, measure):
    response = signed_in.post(reverse("applications:start", args=[measure.pk]))
    application = Application.objects.get(enterprise=owner.enterprise)
    assert response.url == reverse("applications:edit", args=[application.pk]) and application.status == "draft"


def test_a_draft_is_saved_and_resumed(signed_in, make_application):
    application = make_application(inputs={})
    edit(signed_in, application, input_persons="8")
    page = signed_in.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert 'value="8"' in page


def test_a_failed_validation_keeps_everything_typed(signed_in, make_application):
    application = make_application(inputs={})
    response = edit(signed_in, application, intent="review", input_persons="很多", declare_truthful="")
    application.refresh_from_db()
    assert response.status_code == 200 and "很多" in response.content.decode()
    assert application.inputs == {"persons": "很多"}


def test_the_confirmation_page_shows_the_estimate(signed_in, make_application):
    application = make_application()
    response = edit(signed_in, application, intent="review")
    page = signed_in.get(response.url).content.decode()
    assert "12,000.00 元" in page and "朝政办发〔2020〕8号" in page


def test_it_submits_from_the_confirmation_page(signed_in, make_application):
    application = make_application()
    signed_in.post(reverse("applications:confirm", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == "submitted" and application.profile_version is not None


def test_it_resubmits_after_correction(signed_in, make_application):
    application = make_application("returned", correction_request="请补充名单")
    edit(signed_in, application, input_persons="10")
    signed_in.post(reverse("applications:confirm", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == "resubmitted" and application.estimate_amount == 10000


def test_it_withdraws(signed_in, make_application):
    application = make_application("submitted")
    signed_in.post(reverse("applications:withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_the_detail_shows_the_timeline_and_payments(signed_in, make_application, finance):
    from tests.applications.workflow.test_payments import pay

    application = make_application("approved")
    pay(application, finance, "5000")
    page = signed_in.get(application.get_absolute_url()).content.decode()
    assert "登记拨付" in page and "BJ-5000" in page and "5,000.00 元" in page


def test_the_list_shows_only_the_enterprises_own_cases(signed_in, make_application, outsider, measure):
    mine = make_application("submitted")
    theirs = Application.objects.create(
        enterprise=outsider.enterprise, measure=measure, created_by=outsider, status="submitted"
    )
    page = signed_in.get(reverse("applications:list")).content.decode()
    assert mine.reference in page and theirs.reference not in page


@pytest.mark.parametrize("name", ["detail", "edit", "confirm", "withdraw"])
def test_another_enterprise_guessing_an_id_gets_404(client, make_application, outsider, name):
    application = make_application()
    client.force_login(outsider)
    assert client.get(reverse(f"applications:{name}", args=[application.pk])).status_code == 404


def test_staff_are_sent_to_the_admin_site(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("applications:list")).url == reverse("admin:index")


def test_the_start_page_quotes_every_money_rule_of_a_clause_that_has_several(signed_in, policy_data):
    from measures.models import Measure

    measure = next(m for m in Measure.objects.filter(monetary=True).order_by("pk") if m.ruleset.several)
    page = signed_in.get(reverse("applications:start", args=[measure.pk])).content.decode()
    # The clause's text is on the page anyway; what the enterprise needs is each rule named with its own quote.
    rules = measure.ruleset.rules
    assert f"本条规定了{len(rules)}项资金支持" in page
    assert all(f"<li><strong>{rule.label}</strong>" in page for rule in rules)
