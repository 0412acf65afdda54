"""The materials checklist: the documents the clause asks for, the files handed in as each, the reviewer's verdict
kept with the case and audited, and never shown in the enterprise's timeline."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications.models import Application, MaterialCheck
from applications.review.materials import checklist, material_mark, to_correct_summary

pytestmark = pytest.mark.django_db


def test_each_material_of_the_clause_is_a_row_with_the_files_handed_in_as_it(training_case):
    rows, others = checklist(training_case)
    handed_in = {row.material.name: [a.original_name for a in row.attachments] for row in rows}
    assert handed_in == {
        "培训方案": ["培训方案.pdf"],
        "学员花名册": ["花名册.pdf"],
        "委托培训协议": [],
        "培训效果情况": [],
        "培训课时相关材料": [],
    }
    assert [a.original_name for a in others] == ["说明.pdf"]


def test_a_reviewer_accepts_a_material_and_the_case_keeps_it_with_an_audit_event(training_case, mtg_reviewer):
    material_mark(application=training_case, user=mtg_reviewer, material_key="training-plan", verdict="accepted")
    check = MaterialCheck.objects.get(application=training_case, material="training-plan")
    assert (check.verdict, check.checked_by) == ("accepted", mtg_reviewer)
    event = training_case.events.get()
    assert (event.action, event.comment, event.to_status) == ("check_material", "培训方案：合格", "submitted")


def test_to_be_corrected_needs_a_note_and_feeds_the_correction_request(training_case, mtg_reviewer):
    with pytest.raises(ValidationError, match="请说明需要补正的内容"):
        material_mark(application=training_case, user=mtg_reviewer, material_key="trainee-roster", verdict="to_correct")
    material_mark(
        application=training_case,
        user=mtg_reviewer,
        material_key="trainee-roster",
        verdict="to_correct",
        note="缺少身份证号码列",
    )
    assert to_correct_summary(training_case) == "学员花名册：缺少身份证号码列"


def test_marking_the_same_verdict_again_records_nothing_new(training_case, mtg_reviewer):
    for _ in range(2):
        material_mark(application=training_case, user=mtg_reviewer, material_key="training-plan", verdict="accepted")
    assert training_case.events.count() == 1


@pytest.mark.parametrize("who", ["other_reviewer", "finance"])
def test_only_the_lead_departments_reviewer_may_mark(training_case, request, who, mentougou):
    from accounts.models import StaffRole
    from tests.factories import StaffUserFactory

    user = (
        StaffUserFactory(role=StaffRole.FINANCE, staff_district=mentougou)
        if who == "finance"
        else request.getfixturevalue("other_reviewer")  # a Chaoyang reviewer
    )
    with pytest.raises(PermissionDenied):
        material_mark(application=training_case, user=user, material_key="training-plan", verdict="accepted")
    assert not MaterialCheck.objects.exists()


def test_a_case_out_of_review_cannot_be_marked(training_case, mtg_reviewer):
    Application.objects.filter(pk=training_case.pk).update(status="publicity")
    with pytest.raises(PermissionDenied, match="公示中"):
        material_mark(application=training_case, user=mtg_reviewer, material_key="training-plan", verdict="accepted")


def test_the_reviewer_ticks_the_checklist_on_the_case_page(client, training_case, mtg_reviewer):
    client.force_login(mtg_reviewer)
    url = reverse("admin:applications_application_change", args=[training_case.pk])
    page = client.get(url).content.decode()
    assert 'name="verdict_training-plan"' in page and "✘ 未提交" in page
    data = {
        "verdict_training-plan": "accepted",
        "verdict_trainee-roster": "to_correct",
        "note_trainee-roster": "不清晰",
    }
    response = client.post(reverse("admin:applications_application_materials", args=[training_case.pk]), data)
    assert response.status_code == 302
    verdicts = dict(MaterialCheck.objects.values_list("material", "verdict"))
    assert verdicts == {"training-plan": "accepted", "trainee-roster": "to_correct"}
    assert "不清晰" in client.get(url).content.decode()


def test_the_enterprise_does_not_see_the_reviewers_checklist_in_its_timeline(client, training_case, mtg_reviewer):
    material_mark(application=training_case, user=mtg_reviewer, material_key="training-plan", verdict="accepted")
    client.force_login(training_case.created_by)
    page = client.get(training_case.get_absolute_url()).content.decode()
    assert "核验申报材料" not in page and "培训方案：合格" not in page


def test_the_correction_request_starts_from_the_materials_marked_to_be_corrected(client, training_case, mtg_reviewer):
    material_mark(
        application=training_case, user=mtg_reviewer, material_key="trainee-roster", verdict="to_correct", note="缺页"
    )
    client.force_login(mtg_reviewer)
    url = reverse("admin:applications_application_transition", args=[training_case.pk, "return_for_correction"])
    assert "学员花名册：缺页</textarea>" in client.get(url).content.decode()
