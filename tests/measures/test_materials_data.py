"""The materials (申报材料) of the data files: validated, loaded with their measures, and quoted from the clause."""

import pytest

from measures.materials import materials_of
from measures.models import Measure
from measures.policydata import PolicyDataError
from tests.measures.test_policydata import edit, read_copy


def training(d):
    """Mentougou's skill-training subsidy (技能培训政策 一、) in the parsed mentougou.yaml."""
    document = next(doc for doc in d["documents"] if doc["key"] == "mentougou-hr-2020-02-18")
    return next(m for m in document["measures"] if m["key"] == "px-1")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"types": ["pdf", "zip"]}, r"types \['zip'\] are not among"),
        ({"key": "trainee-roster"}, "key 'trainee-roster' is used twice"),
        ({"quote": "经公证的培训方案"}, "is not in the measure's text or procedure"),
        ({"required": "yes"}, "required must be true or false"),
        ({"copies": 2}, "copies"),
    ],
)
def test_it_refuses_a_material_it_could_not_use(data_copy, change, message):
    path = data_copy / "measures" / "documents" / "mentougou.yaml"
    edit(path, lambda d: training(d)["materials"][0].update(change))
    with pytest.raises(PolicyDataError, match=message) as error:
        read_copy(data_copy)
    assert "mentougou.yaml" in str(error.value) and "(px-1)" in str(error.value)


@pytest.mark.django_db
def test_the_training_subsidy_asks_for_the_five_materials_its_clause_lists(policy_data):
    measure = Measure.objects.get(document__key="mentougou-hr-2020-02-18", key="px-1")
    materials = materials_of(measure)
    assert [m.name for m in materials] == ["培训方案", "学员花名册", "委托培训协议", "培训效果情况", "培训课时相关材料"]
    roster = materials[1]
    assert roster.types_label == "Excel 表格、PDF、图片" and ".xlsx" in roster.accept
    assert [m.required for m in materials] == [True, True, False, True, True]  # 委托培训的须签订培训协议


@pytest.mark.django_db
def test_each_material_quotes_its_measures_clause_and_a_measure_without_a_list_asks_for_none(policy_data):
    with_materials = Measure.objects.exclude(materials=[])
    assert with_materials.count() == 7
    for measure in with_materials:
        words = "".join((measure.text + measure.procedure).split())
        assert all("".join(m.quote.split()) in words for m in materials_of(measure)), measure
    assert materials_of(Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="16.")) == []
