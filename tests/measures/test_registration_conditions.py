"""Every monetary measure of a district says which enterprises its money is for (issue 23: a Mentougou enterprise
passed every submission check for Chaoyang's measure 16, whose document's scope was not in the data)."""

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from measures.models import Measure
from measures.policydata import read_policy_data
from measures.policydata.registration import unplaced_measures


def test_no_monetary_measure_of_a_district_is_left_without_a_registration_condition():
    assert unplaced_measures(read_policy_data().documents) == []


def test_the_check_lists_a_measure_whose_files_say_nothing(data_copy, monkeypatch):
    path = data_copy / "measures" / "documents" / "chaoyang.yaml"
    raw = yaml.safe_load(path.read_text())
    document = next(d for d in raw["documents"] if d["key"] == "chaoyang-2020-8")
    del document["eligibility"]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False))
    copied = read_policy_data(documents_dir=data_copy / "measures" / "documents", contacts_dir=data_copy / "contacts")
    unplaced = unplaced_measures(copied.documents)
    listed = "chaoyang.yaml: 朝政办发〔2020〕8号 16. 技能提升培训补贴、稳岗培训补贴和临时性岗位补贴 (key 16)"
    assert any(line.endswith(listed) for line in unplaced)
    monkeypatch.setattr("measures.management.commands.load_policy_data.read_policy_data", lambda: copied)
    with pytest.raises(CommandError, match="state no registration condition") as failure:
        call_command("load_policy_data", "--check")
    assert "朝政办发〔2020〕8号 16." in str(failure.value)


def place(measure: Measure) -> list[tuple[str, str]]:
    return [(c.kind, c.quote) for c in measure.conditions.filter(kind="registered_in_district")]


@pytest.mark.django_db
def test_a_document_scope_reaches_its_measures_and_a_measure_opened_wider_keeps_out_of_it(policy_data):
    chaoyang_16 = Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="16.")
    assert place(chaoyang_16) == [("registered_in_district", "进一步精准帮扶我区中小微企业应对疫情影响、渡过难关")]
    hiring = Measure.objects.get(document__key="mentougou-hr-2020-02-18", key="jy-4")  # 本市行政区域内的企业
    assert place(hiring) == []
    insured = Measure.objects.get(document__key="mentougou-hr-2020-02-18", key="jy-1-1")
    assert place(insured) == [("registered_in_district", "切实减轻疫情对我区中小微企业")]
