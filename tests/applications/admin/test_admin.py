"""The staff's queues in the admin site: each role sees its own cases, acts through the table, exports its district."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application, Ban, Event, Objection, Payment
from applications.workflow import apply_transition
from tests.applications.workflow.test_payments import pay

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:applications_application_changelist"


def queue(client, user, **params):
    client.force_login(user)
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return {a.reference for a in response.context["cl"].result_list}


@pytest.fixture
def elsewhere(owner):
    """A case of the same enterprise for a Mentougou measure led by another department."""
    from measures.models import Measure

    other = Measure.objects.get(document__number="门政发〔2020〕25号", clause="（九）", title__contains="贷款贴息")
    return Application.objects.create(enterprise=owner.enterprise, measure=other, created_by=owner, status="submitted")


def test_a_reviewer_sees_only_the_measures_their_department_leads(client, make_application, reviewer, elsewhere):
    mine = make_application("submitted")
    assert queue(client, reviewer) == {mine.reference}


def test_another_departments_reviewer_sees_nothing(client, make_application, other_reviewer):
    make_application("submitted")
    assert queue(client, other_reviewer) == set()


def test_finance_sees_its_district_from_finance_review_on(client, make_application, finance, measure):
    at_finance = make_application("finance_review")
    make_application("submitted", measure=measure.document.measures.exclude(pk=measure.pk).first())
    assert queue(client, finance) == {at_finance.reference}


def test_the_auditor_reads_but_has_no_actions(client, make_application, auditor):
    application = make_application("submitted")
    assert queue(client, auditor) == {application.reference}
    assert client.get(reverse(CHANGELIST)).context["action_form"] is None


def test_the_enterprises_draft_is_not_in_any_queue(client, make_application, district_admin):
    make_application("draft")
    assert queue(client, district_admin) == set()


def test_search_by_credit_code_and_overdue_filter(client, make_application, reviewer, owner):
    import datetime

    late = make_application("returned", correction_due_on=datetime.date(2020, 1, 1))
    assert queue(client, reviewer, q=owner.enterprise.credit_code, overdue="yes") == {late.reference}


def test_a_reviewer_accepts_from_the_case_page(client, make_application, reviewer):
    application = make_application("submitted")
    client.force_login(reviewer)
    url = reverse("admin:applications_application_transition", args=[application.pk, "accept"])
    client.post(url, {"comment": "材料齐全", "seen": application.audit_sequence})
    application.refresh_from_db()
    assert application.status == "under_review" and application.events.get().comment == "材料齐全"


def test_the_amount_form_shows_the_engines_figure(client, make_application, reviewer):
    application = make_application("under_review", estimate_amount=Decimal("12000"))
    client.force_login(reviewer)
    url = reverse("admin:applications_application_transition", args=[application.pk, "final_review_pass"])
    assert "系统测算金额 12,000.00 元" in client.get(url).content.decode()


@pytest.fixture
def second_case(measure):
    from tests.factories import EnterpriseUserFactory

    other_owner = EnterpriseUserFactory()
    return Application.objects.create(
        enterprise=other_owner.enterprise, measure=measure, created_by=other_owner, status="submitted"
    )


def test_an_amount_action_is_refused_in_bulk(client, make_application, reviewer, second_case):
    first = make_application("under_review")
    Application.objects.filter(pk=second_case.pk).update(status="under_review")
    client.force_login(reviewer)
    data = {"action": "do_final_review_pass", "_selected_action": [first.pk, second_case.pk]}
    response = client.post(reverse(CHANGELIST), data, follow=True)
    assert "须逐件办理" in response.content.decode()


def test_bulk_acceptance_applies_to_each_selected_case(client, make_application, reviewer, second_case):
    first = make_application("submitted")
    client.force_login(reviewer)
    data = {"action": "do_accept", "_selected_action": [first.pk, second_case.pk], "apply": "1", "comment": ""}
    data |= {f"seen_{case.pk}": case.audit_sequence for case in (first, second_case)}
    client.post(reverse(CHANGELIST), data)
    statuses = Application.objects.filter(pk__in=[first.pk, second_case.pk]).values_list("status", flat=True)
    assert set(statuses) == {"under_review"}


def test_finance_records_a_payment_in_the_admin(client, make_application, finance):
    application = make_application("approved")
    client.force_login(finance)
    url = reverse("admin:applications_application_transition", args=[application.pk, "record_payment"])
    client.post(url, {"amount": "12000", "paid_on": "2026-01-05", "bank_reference": "ZH-88", "seen": 0})
    application.refresh_from_db()
    assert application.status == "disbursed" and application.payments.get().bank_reference == "ZH-88"


def test_the_export_contains_only_the_finance_officers_district(client, make_application, finance, elsewhere):
    mine = make_application("approved")
    pay(mine, finance, "2000")
    Application.objects.filter(pk=elsewhere.pk).update(status="approved", approved_amount=Decimal("500"))
    client.force_login(finance)
    response = client.get(reverse("admin:applications_application_export"))
    workbook = load_workbook(io.BytesIO(response.content))
    approved = [row[0] for row in workbook["已批准"].iter_rows(min_row=2, values_only=True)]
    paid = [row[0] for row in workbook["已拨付"].iter_rows(min_row=2, values_only=True)]
    assert approved == [mine.reference] and paid == [mine.reference]


def test_reviewers_may_not_export(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("admin:applications_application_export")).status_code == 403


@pytest.mark.parametrize("model", [Application, Event, Payment, Objection, Ban], ids=lambda m: m.__name__)
def test_a_superuser_opens_every_page(client, make_application, finance, django_user_model, model):
    application = make_application("approved")
    pay(application, finance, "100")
    Objection.objects.create(application=application, name="张三", contact="13800000000", text="异议")
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.cn", "x-long-password"))
    meta = model._meta
    assert client.get(reverse(f"admin:applications_{meta.model_name}_changelist"), {"q": "区"}).status_code == 200
    first = model.objects.first()
    if first is not None:
        change = reverse(f"admin:applications_{meta.model_name}_change", args=[first.pk])
        assert client.get(change).status_code == 200


def test_the_case_page_offers_the_roles_actions(client, make_application, reviewer):
    application = make_application("submitted")
    apply_transition(application_id=application.pk, action="accept", actor=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()
    assert "终审通过，提出拟支持金额" in page and "退回补正" in page and "预审通过" in page


def test_a_reviewer_finds_the_cases_on_the_admin_index(client, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("admin:index")).content.decode()
    assert "申请办理" in page and "办理记录" in page


def test_the_case_page_shows_the_answers_under_the_forms_labels(client, make_application, reviewer):
    application = make_application("submitted", inputs={"persons": "12"})
    client.force_login(reviewer)
    page = client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()
    label = "一次性培训补贴：参加技能提升培训的职工人数（人）"  # the first of the clause's three rules
    assert f'<th scope="row">{label}</th><td>12</td>' in page and "&quot;persons&quot;" not in page
    assert "已承诺" in page and "&quot;truthful&quot;" not in page


def test_a_chosen_answer_shows_the_choices_words(client, make_application, other_reviewer, chaoyang):
    from measures.models import Measure

    platform = Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="8.")
    application = make_application("submitted", measure=platform, inputs={"level": "national"})
    client.force_login(other_reviewer)
    page = client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()
    assert "认定等级" in page and "首次获得国家级认定" in page and "<td>national</td>" not in page


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example/","查看明细")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1+1", "#N/A"],
)
def test_the_export_writes_text_that_looks_like_a_formula_as_text(client, make_application, finance, owner, name):
    owner.enterprise.name = name
    owner.enterprise.save()
    make_application("approved")
    client.force_login(finance)
    response = client.get(reverse("admin:applications_application_export"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as xlsx:
        sheets = [xlsx.read(n).decode() for n in xlsx.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in sheet or "<f " in sheet for sheet in sheets)
    cell = load_workbook(io.BytesIO(response.content))["已批准"]["B2"]
    assert (cell.value, cell.data_type) == (name, "s")
    assert cell.quotePrefix == (name[0] in "=+-@\t")


def test_a_page_past_the_end_shows_the_last_page_with_the_filters_kept(client, make_application, reviewer, monkeypatch):
    # The cases moved on (accepted, paid) while the reviewer read page 3 of 待预审: page 3 is gone when they ask.
    from applications.admin.cases import ApplicationAdmin

    monkeypatch.setattr(ApplicationAdmin, "list_per_page", 1)
    from tests.factories import ApplicationFactory, EnterpriseFactory

    older = make_application("submitted")
    newer = ApplicationFactory(status="submitted", measure=older.measure, enterprise=EnterpriseFactory())
    client.force_login(reviewer)
    response = client.get(reverse(CHANGELIST), {"status__exact": "submitted", "p": "3"})
    assert response.status_code == 200  # not a redirect to the whole queue (?e=1)
    assert list(response.context["cl"].result_list) == [older]  # newest first: page 2 of 2
    assert response.context["cl"].page_num == 2 and newer.reference not in response.content.decode()


def measure_filter(client) -> str:
    page = client.get(reverse(CHANGELIST)).content.decode()
    return page.split('id="changelist-filter"', 1)[1].split("</details>", 1)[0]


def test_the_measure_filter_offers_the_departments_measures_as_the_library_now_has_them(
    client, make_application, reviewer, measure, elsewhere, django_capture_on_commit_callbacks
):
    make_application("submitted")
    client.force_login(reviewer)
    offered = measure_filter(client)
    assert measure.title in offered and f"measure__id__exact={elsewhere.measure_id}" not in offered
    with django_capture_on_commit_callbacks(execute=True):  # an administrator renames the measure in the library
        measure.title = "培训补贴（更名后）"
        measure.save()
    assert "培训补贴（更名后）" in measure_filter(client)
