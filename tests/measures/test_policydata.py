"""The data files: validation names the file and entry, and the loader is all-or-nothing and idempotent."""

import pytest
import yaml
from django.db import IntegrityError

from measures import loading
from measures.loading import load_policy_data
from measures.models import Measure, PolicyDocument
from measures.policydata import PolicyDataError, read_policy_data


def read_copy(root):
    return read_policy_data(
        districts_file=root / "measures" / "districts.yaml",
        contacts_dir=root / "contacts",
        documents_dir=root / "measures" / "documents",
    )


def edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_it_accepts_the_shipped_data():
    data = read_policy_data()
    assert data.measure_count > 100


def test_it_names_the_file_and_entry_of_an_unknown_department(data_copy):
    path = data_copy / "measures" / "documents" / "chaoyang.yaml"
    edit(path, lambda d: d["documents"][0]["measures"][0].update(lead_departments=["区不存在局"]))
    with pytest.raises(PolicyDataError) as error:
        read_copy(data_copy)
    message = str(error.value)
    assert "chaoyang.yaml" in message and "区不存在局" in message and "(chaoyang-2020-8)" in message


def test_it_refuses_a_malformed_phone(data_copy):
    path = data_copy / "contacts" / "chaoyang.yaml"
    edit(path, lambda d: d["departments"][0]["people"][0].update(office_phone="6509-43"))
    with pytest.raises(PolicyDataError, match=r"chaoyang.yaml .*office_phone '6509-43' is not a phone number"):
        read_copy(data_copy)


def test_it_refuses_a_malformed_date(data_copy):
    path = data_copy / "measures" / "documents" / "chaoyang.yaml"
    edit(path, lambda d: d["documents"][0].update(issued_on="2020-13-45"))
    with pytest.raises(PolicyDataError, match=r"issued_on is not a date"):
        read_copy(data_copy)


def test_it_refuses_a_tier_table_out_of_order(data_copy):
    path = data_copy / "measures" / "documents" / "chaoyang.yaml"
    rule = {
        "kind": "per_head_tiers",
        "params": {"tiers": [{"min_count": 10, "amount": "2000"}, {"min_count": 5, "amount": "1500"}]},
    }
    edit(path, lambda d: d["documents"][0]["measures"][0].update(monetary=True, rule=rule))
    with pytest.raises(PolicyDataError, match="ascending order"):
        read_copy(data_copy)


def chaoyang_8_2(data):
    """The measure 朝政办发〔2020〕8号 2. in data read from the files (a document early in the load)."""
    [document] = [d for d in data["documents"] if d["key"] == "chaoyang-2020-8"]
    [measure] = [m for m in document["measures"] if m["key"] == "2"]
    return measure


@pytest.mark.django_db
def test_it_writes_nothing_when_a_file_is_invalid(policy_data, data_copy, monkeypatch):
    measure = Measure.objects.get(document__number="朝政办发〔2020〕8号", key="2")
    before = (PolicyDocument.objects.count(), Measure.objects.count(), measure.text)
    # One file changes a measure, as a correction would; another names a district that does not exist.
    edit(data_copy / "measures" / "documents" / "chaoyang.yaml", lambda d: chaoyang_8_2(d).update(text="改过的条文"))
    edit(data_copy / "contacts" / "haidian.yaml", lambda d: d["departments"][0].update(district="火星区"))
    # The loader reads and validates the files itself (as `manage.py load_policy_data` and `make run` load them).
    monkeypatch.setattr(loading, "read_policy_data", lambda: read_copy(data_copy))
    with pytest.raises(PolicyDataError, match="unknown district '火星区'"):
        load_policy_data()
    measure.refresh_from_db()
    assert (PolicyDocument.objects.count(), Measure.objects.count(), measure.text) == before


@pytest.mark.django_db
def test_a_failure_part_way_through_the_load_leaves_the_library_as_it_was(policy_data, data_copy):
    edit(data_copy / "measures" / "documents" / "chaoyang.yaml", lambda d: chaoyang_8_2(d).update(text="改过的条文"))
    data = read_copy(data_copy)
    assert data.documents[-1]["key"] != "chaoyang-2020-8"
    data.documents[-1]["title"] = None  # the database refuses the last document, after the change above was written
    with pytest.raises(IntegrityError):
        load_policy_data(data)
    assert Measure.objects.get(document__number="朝政办发〔2020〕8号", key="2").text != "改过的条文"


@pytest.mark.django_db
def test_it_changes_nothing_when_loaded_twice(policy_data):
    report = load_policy_data()
    assert report.writes == 0
    assert not report.changed


@pytest.mark.django_db
def test_it_restores_a_measure_text_that_drifted_on_reload(policy_data):
    measure = Measure.objects.get(document__number="朝政办发〔2020〕8号", key="2")
    original = measure.text
    Measure.objects.filter(pk=measure.pk).update(text="changed by hand")
    load_policy_data()
    measure.refresh_from_db()
    assert measure.text == original


@pytest.mark.django_db
def test_it_keeps_admin_corrections_when_the_files_did_not_change(policy_data):
    measure = Measure.objects.get(document__number="朝政办发〔2020〕8号", key="2")
    Measure.objects.filter(pk=measure.pk).update(title="由管理员更正的标题")
    report = load_policy_data(only_if_changed=True)
    measure.refresh_from_db()
    assert report.skipped and measure.title == "由管理员更正的标题"
