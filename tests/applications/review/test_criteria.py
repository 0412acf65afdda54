"""The review form of a measure: the conditions only a person can judge, answered yes or no with a note, kept with
the case and shown to finance."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import Application, CriterionAnswer
from applications.review.criteria import criteria_for, criteria_record

pytestmark = pytest.mark.django_db


def test_the_training_subsidys_criteria_are_the_conditions_its_clause_leaves_to_the_reviewer(measure):
    labels = [c.label for c in criteria_for(measure)]
    assert labels == [
        "主营业务属于：科技创新、城市运行保障、生活性服务业",
        "参加社会保险（含缓缴）并组织职工参加技能提升培训（一次性培训补贴）",
        "参加失业保险且受疫情影响（稳岗培训补贴和临时性岗位补贴）",
    ]
    assert "精准支持科技创新、城市运行保障、生活性服务业" in criteria_for(measure)[0].quote


def test_a_measure_for_landlords_asks_whether_the_applicant_is_one(policy_data):
    from measures.models import Measure

    landlords = Measure.objects.get(document__key="dongcheng-2020-3", key="5")
    assert criteria_for(landlords)[0].label.startswith("申请主体属于：")


def answers(measure, *verdicts):
    return {c.key: verdict for c, verdict in zip(criteria_for(measure), verdicts, strict=True)}


def test_the_reviewers_answers_are_kept_with_the_case_in_one_audit_event(make_application, reviewer, measure):
    case = make_application("under_review")
    criteria_record(
        application=case,
        user=reviewer,
        answers=answers(measure, (True, "软件开发属科技创新"), (True, ""), (None, "")),
    )
    kept = {a.label: (a.met, a.note) for a in CriterionAnswer.objects.filter(application=case)}
    assert kept == {
        "主营业务属于：科技创新、城市运行保障、生活性服务业": (True, "软件开发属科技创新"),
        "参加社会保险（含缓缴）并组织职工参加技能提升培训（一次性培训补贴）": (True, ""),
    }
    event = case.events.get()
    assert event.action == "review_criteria" and "软件开发属科技创新" in event.comment


def test_not_met_needs_a_reason(make_application, reviewer, measure):
    case = make_application("under_review")
    with pytest.raises(ValidationError, match="填写为不符合时，请说明理由"):
        criteria_record(application=case, user=reviewer, answers=answers(measure, (False, ""), (None, ""), (None, "")))
    assert not CriterionAnswer.objects.exists()


def test_finance_reads_the_answers_on_the_case_page_without_a_form(
    client, make_application, reviewer, finance, measure
):
    case = make_application("under_review")
    criteria_record(
        application=case, user=reviewer, answers=answers(measure, (False, "主营餐饮"), (True, ""), (True, ""))
    )
    Application.objects.filter(pk=case.pk).update(status="finance_review")
    client.force_login(finance)
    page = client.get(reverse("admin:applications_application_change", args=[case.pk])).content.decode()
    criteria = page.split('id="criteria"')[1].split("</section>")[0]
    assert "不符合" in criteria and "主营餐饮" in criteria
    assert "<select" not in criteria


def test_the_reviewer_fills_the_form_on_the_case_page(client, make_application, reviewer, measure):
    case = make_application("submitted")
    keys = [c.key for c in criteria_for(measure)]
    client.force_login(reviewer)
    data = {f"met_{keys[0]}": "yes", f"note_{keys[0]}": "营业执照经营范围含软件开发", f"met_{keys[1]}": "no"}
    client.post(reverse("admin:applications_application_criteria", args=[case.pk]), data)
    assert not CriterionAnswer.objects.exists()  # "no" without a reason is refused as a whole
    data[f"note_{keys[1]}"] = "未参保"
    client.post(reverse("admin:applications_application_criteria", args=[case.pk]), data)
    assert dict(CriterionAnswer.objects.values_list("criterion", "met")) == {keys[0]: True, keys[1]: False}
