"""The library holds every measure of the source documents: the expectations are read from the documents' text."""

import re

import pytest

from measures.models import Measure, PolicyDocument
from measures.policydata import SOURCES_DIR

pytestmark = pytest.mark.django_db


def source_lines(prefix: str) -> list[str]:
    (path,) = SOURCES_DIR.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8").splitlines()


def measures_of(number: str = "", key: str = ""):
    document = PolicyDocument.objects.get(number=number) if number else PolicyDocument.objects.get(key=key)
    return list(document.measures.all())


def test_every_numbered_measure_of_chaoyang_8_is_in_the_library(policy_data):
    printed = [m.group(1) for line in source_lines("001") if (m := re.match(r"^(\d+)\.", line))]
    assert printed == [str(n) for n in range(1, 19)]
    assert [m.clause.rstrip(".") for m in measures_of("朝政办发〔2020〕8号")] == printed


def test_every_item_of_xicheng_6_is_in_the_library(policy_data):
    printed = re.findall(r"\(([一二三四五六七八九十]+)\)", "\n".join(source_lines("002")))
    assert len(printed) == 14
    assert [m.clause.strip("()（）") for m in measures_of("西政办发〔2020〕6号")] == printed


def test_every_support_article_of_the_xicheng_draft_is_in_the_library(policy_data):
    text = re.sub(r"\[bookmark: \w+\]", "", "\n".join(source_lines("004")))
    articles = re.findall(r"^\s*(第[一二三四五六七八九十\d]+条)", text, flags=re.MULTILINE)
    assert len(articles) == 21
    document = PolicyDocument.objects.get(key="xicheng-2025-draft")
    clauses = [m.clause for m in measures_of(key="xicheng-2025-draft")]
    # Articles 1-2 (purpose, scope) and 19-21 (stacking, cap, validity) are general provisions, not measures.
    assert clauses == articles[2:18]
    assert all(
        article in document.general_provisions for article in ["第一条", "第二条", "第十九条", "第二十条", "第二十一条"]
    )
    assert document.status == PolicyDocument.Status.DRAFT


def test_every_lead_block_of_mentougou_25_belongs_to_a_measure(policy_data):
    lines = source_lines("000")
    part_two = next(i for i, line in enumerate(lines, start=1) if line.startswith("二、"))
    closing = next(i for i, line in enumerate(lines, start=1) if line.startswith("三、"))
    blocks = [
        number
        for number, line in enumerate(lines, start=1)
        if number < closing
        and (
            re.match(r"^[（(]牵头部门", line)
            or (number > part_two and re.match(r"^[（(]责任单位", line) and re.search(r"\d{8}", line))
        )
    ]
    measures = measures_of("门政发〔2020〕25号")
    owners = [[m for m in measures if m.source_line_start <= line <= m.source_line_end] for line in blocks]
    assert all(len(found) == 1 for found in owners), [
        b for b, found in zip(blocks, owners, strict=True) if len(found) != 1
    ]
    assert len({found[0].pk for found in owners}) == len(measures)


def test_every_measure_cites_lines_that_hold_its_text(policy_data):
    def squeeze(text: str) -> str:
        return re.sub(r"[\s　]", "", text)

    sources = {p.name: p.read_text(encoding="utf-8").splitlines() for p in SOURCES_DIR.glob("*.txt")}
    for measure in Measure.objects.select_related("document"):
        lines = sources[measure.document.source_file][measure.source_line_start - 1 : measure.source_line_end]
        opening = squeeze(measure.text)[:12]
        assert opening in squeeze("".join(lines)), f"{measure.citation}: {opening!r} not at the cited lines"


@pytest.mark.parametrize(
    ("district", "minimum"),
    [("门头沟区", 40), ("朝阳区", 20), ("西城区", 30), ("东城区", 20), ("海淀区", 15), ("石景山区", 5), ("通州区", 5)],
)
def test_each_required_district_has_its_measures(policy_data, district, minimum):
    assert Measure.objects.filter(document__district__name=district).count() >= minimum


def test_every_monetary_measure_quotes_its_numbers(policy_data):
    missing = [m.citation for m in Measure.objects.filter(monetary=True, rule_kind="")]
    assert missing == []
