"""免申即享 marks: only on a measure whose every condition the portal decides from its data and whose rule inputs the
data gives; the data files, the loader and the admin refuse any other."""

import pytest
import yaml
from django.core.exceptions import ValidationError

from accounts.models import StaffRole
from measures import rules
from measures.direct import input_values, source_problems
from measures.loading import load_policy_data
from measures.models import District, Measure, MeasureCondition
from measures.policydata import PolicyDataError, read_policy_data
from tests.factories import StaffUserFactory
from tests.measures.test_library_admin import change_url, posted

LEVELS = {"national_little_giant": "national", "beijing_specialized": "municipal", "innovative_sme": "innovative"}


def read_copy(root):
    return read_policy_data(
        districts_file=root / "measures" / "districts.yaml",
        contacts_dir=root / "contacts",
        documents_dir=root / "measures" / "documents",
    )


def xicheng_7(data):
    [document] = [d for d in data["documents"] if d["key"] == "xicheng-2025-draft"]
    [measure] = [m for m in document["measures"] if m["key"] == "7"]
    return measure


def edit_xicheng_7(root, change):
    path = root / "measures" / "documents" / "xicheng.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(xicheng_7(data))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.django_db
def test_xicheng_7_is_marked_with_its_level_read_from_the_certifications(policy_data):
    measure = Measure.objects.get(document__key="xicheng-2025-draft", key="7")
    assert measure.direct_award
    # Stored as pairs, highest first: PostgreSQL's jsonb would sort an object's keys and lose which level wins.
    assert measure.direct_inputs == {"level": {"certification": [list(pair) for pair in LEVELS.items()]}}
    raw, _missing = input_values(measure.direct_inputs, {"innovative_sme", "national_little_giant"}, {})
    assert raw == {"level": "national"}
    assert sorted(measure.conditions.values_list("kind", flat=True)) == ["certifications", "registered_in_district"]
    assert "免申即享" in measure.notes


def test_the_inputs_come_from_the_highest_certification_held_and_the_profile_in_yuan():
    sources = {"level": {"certification": LEVELS}, "spending": {"profile": "revenue"}, "count": {"value": 1}}
    raw, missing = input_values(sources, {"innovative_sme", "national_little_giant"}, {"revenue": "1200.50"})
    assert raw == {"level": "national", "spending": "12005000", "count": "1"} and missing == []
    assert input_values(sources, set(), {})[1] == ["level", "spending"]


def test_every_required_input_needs_a_source_of_a_kind_the_portal_holds():
    level = rules.Input(name="level", label="等级", type="choice", choices=(("national", "国家级"),))
    assert source_problems([level], {}) == ["测算输入项“level”没有数据来源：免申即享的金额须能由平台数据算出。"]
    assert "没有取值" in source_problems([level], {"level": {"certification": {"high_tech": "provincial"}}})[0]
    assert "画像中可用的数据" in source_problems([level], {"level": {"profile": "park"}})[0]
    assert "没有名为“count”" in source_problems([level], {"level": {"value": "national"}, "count": {"value": 1}})[0]


def test_the_data_files_refuse_a_mark_on_a_measure_with_a_condition_a_person_must_judge(data_copy):
    edit_xicheng_7(data_copy, lambda m: m["eligibility"].update(other=["驻区企业"]))
    with pytest.raises(PolicyDataError, match=r"xicheng.yaml .*\(7\).*direct_award: the condition kind 'other'"):
        read_copy(data_copy)


def test_the_data_files_refuse_a_mark_without_a_source_for_the_rules_input(data_copy):
    edit_xicheng_7(data_copy, lambda m: m.update(direct_award=True))
    with pytest.raises(PolicyDataError, match="测算输入项“level”没有数据来源"):
        read_copy(data_copy)


@pytest.mark.django_db
def test_the_loader_refuses_the_mark_when_the_admin_added_such_a_condition(policy_data):
    measure = Measure.objects.get(document__key="xicheng-2025-draft", key="7")
    MeasureCondition.objects.create(measure=measure, kind="declaration", value="不裁员、少裁员")
    with pytest.raises(PolicyDataError, match="direct_award, but the measure has conditions of kind declaration"):
        load_policy_data()


@pytest.mark.django_db
def test_the_admin_refuses_a_condition_a_person_must_judge_on_a_marked_measure(client, policy_data):
    measure = Measure.objects.get(document__key="xicheng-2025-draft", key="7")
    client.force_login(
        StaffUserFactory(role=StaffRole.DISTRICT_ADMIN, staff_district=District.objects.get(name="西城区"))
    )
    data = posted(client.get(change_url(measure)))
    rows = int(data["conditions-TOTAL_FORMS"])
    data.update(
        {
            "conditions-TOTAL_FORMS": str(rows + 1),
            f"conditions-{rows}-order": "9",
            f"conditions-{rows}-kind": "other",
            f"conditions-{rows}-value": "经区政府认定",
            f"conditions-{rows}-quote": "",
        }
    )
    response = client.post(change_url(measure), data)
    assert response.status_code == 200
    assert "本措施标记为免申即享" in response.content.decode() and "其他条件（人工核实）" in response.content.decode()
    assert not measure.conditions.filter(kind="other").exists()


@pytest.mark.django_db
def test_a_measure_marked_without_a_source_for_its_rule_input_does_not_validate(policy_data):
    measure = Measure.objects.get(document__key="xicheng-2025-draft", key="7")
    measure.direct_inputs = {}
    with pytest.raises(ValidationError, match="没有数据来源"):
        measure.full_clean()
    measure.direct_award = False
    measure.full_clean()  # unmarked, it needs no sources
