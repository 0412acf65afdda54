"""The library holds every document and every measure of the 大兴, 门头沟 and 通州 sections of the 2020 compilation
(003): the expectations are read from the source text, not copied from the data files."""

import re

import pytest

from contacts.models import ContactPerson
from measures.models import Measure, PolicyDocument
from measures.policydata import SOURCES_DIR

pytestmark = pytest.mark.django_db

NUMERAL = "一二三四五六七八九十"
SECTIONS = {"大兴区": "(八) 北京市大兴区", "门头沟区": "(十一) 北京市门头沟区", "通州区": "(六) 北京市通州区"}


def source() -> list[str]:
    (path,) = SOURCES_DIR.glob("003_*.txt")
    return path.read_text(encoding="utf-8").splitlines()


LINES = source()


def squeeze(text: str) -> str:
    return re.sub(r"[\s　]", "", text)


def section_range(district: str) -> tuple[int, int]:
    """Return the 1-based first and last line of a district's section: from its heading to the next district's."""
    start = next(n for n, line in enumerate(LINES, start=1) if line.strip() == SECTIONS[district])
    end = next(
        n
        for n, line in enumerate(LINES, start=1)
        if n > start and re.match(rf"^\s*\([{NUMERAL}]+\) 北京市\S+区\s*$", line)
    )
    return start, end - 1


def lines_between(first: int, last: int) -> list[tuple[int, str]]:
    return [(n, LINES[n - 1]) for n in range(first, last + 1)]


def headings(first: int, last: int, pattern: str) -> list[tuple[int, str]]:
    """Return (line, number) for each line of the range that starts with a clause number."""
    return [(n, m.group(1)) for n, line in lines_between(first, last) if (m := re.match(pattern, line))]


def printed_documents(district: str) -> list[tuple[int, str]]:
    """Return (line, heading block) for each numbered document of the district's section: the listing line up to the
    first web address, squeezed."""
    first, last = section_range(district)
    found = []
    for n, line in lines_between(first, last):
        if re.match(r"^\s*\d+ 2020年", line):
            block = []
            for _, following in lines_between(n, last):
                if "http" in following and block:
                    block.append(following.split("http")[0])
                    break
                block.append(following)
            found.append((n, squeeze("".join(block))))
    return found


def library_documents(district: str) -> list[PolicyDocument]:
    first, last = section_range(district)
    return list(
        PolicyDocument.objects.filter(
            district__name=district,
            source_file__startswith="003_",
            source_line_start__gte=first,
            source_line_end__lte=last,
        ).order_by("source_line_start")
    )


def measures(key: str) -> list[Measure]:
    return list(PolicyDocument.objects.get(key=key).measures.order_by("order"))


def document_range(key: str) -> tuple[int, int]:
    document = PolicyDocument.objects.get(key=key)
    return document.source_line_start, document.source_line_end


# --- documents ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("district", "count"), [("大兴区", 8), ("门头沟区", 2), ("通州区", 4)])
def test_every_document_of_the_district_section_is_in_the_library(policy_data, district, count):
    printed = printed_documents(district)
    assert len(printed) == count
    documents = library_documents(district)
    assert [d.source_line_start for d in documents] == [line for line, _ in printed]
    for document, (_line, block) in zip(documents, printed, strict=True):
        title = squeeze(document.title)
        assert title in block.replace("《", "").replace("》", ""), (document.key, block)


def test_the_only_daxing_document_without_measures_prints_none(policy_data):
    """The 2020-02-13 work plan is printed as an announcement whose measures are in attachments the source lacks."""
    empty = [d for d in library_documents("大兴区") if not d.measures.exists()]
    assert [d.key for d in empty] == ["daxing-2020-02-13-plan"]
    first, last = document_range("daxing-2020-02-13-plan")
    assert headings(first, last, rf"^\s*([{NUMERAL}]+)、") == []
    assert sum("相关附件" in line for _, line in lines_between(first, last)) == 2


# --- numbered measures ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "pattern", "count"),
    [
        ("tongzhou-2020-3", rf"^\s*（([{NUMERAL}]+)）", 12),
        ("tongzhou-2020-02-05-rsj", rf"^\s*([{NUMERAL}]+)、", 7),
        ("daxing-2020-02-14-kw", rf"^\s*([{NUMERAL}]+)、区科委", 4),
        ("daxing-2020-02-01-zjw", rf"^\s*([{NUMERAL}]+)、", 4),
        ("mentougou-sbzx-2020-02-02", rf"^\s*([{NUMERAL}]+、|（[{NUMERAL}]+）)", 11),
    ],
)
def test_every_numbered_clause_is_a_measure_in_order(policy_data, key, pattern, count):
    first, last = document_range(key)
    printed = [number for _, number in headings(first, last, pattern)]
    assert len(printed) == count
    clauses = [m.clause for m in measures(key)]
    if key == "tongzhou-2020-3":
        printed = [f"（{n}）" for n in printed]
    elif key == "mentougou-sbzx-2020-02-02":  # sub-items （一）-（七） belong to 三、
        parent = ""
        for index, number in enumerate(printed):
            parent = number if number.endswith("、") else parent
            printed[index] = number if number.endswith("、") else f"{parent}{number}"
    else:
        printed = [f"{n}、" for n in printed]
    assert clauses == printed


def test_the_daxing_hr_notice_has_a_measure_per_section_and_its_work_requirements_as_provisions(policy_data):
    first, last = document_range("daxing-2020-02-10-rsj")
    printed = headings(first, last, rf"^\s*([{NUMERAL}]+、\S+)")
    assert [squeeze(h) for _, h in printed][-1] == "六、工作要求"
    titles = [f"{m.clause}{m.title}" for m in measures("daxing-2020-02-10-rsj")]
    assert titles == [squeeze(h) for _, h in printed[:-1]]
    requirement = printed[-1][0]
    document = PolicyDocument.objects.get(key="daxing-2020-02-10-rsj")
    assert squeeze(LINES[requirement + 1])[:12] in squeeze(document.general_provisions)


def test_every_heading_of_the_mentougou_hr_package_is_a_measure_in_order(policy_data):
    """Sections (稳定就业政策 …) restart their numbering; 一、 of 稳定就业政策 has two sub-headings; the last two sections
    are unnumbered, each one measure."""
    first, last = document_range("mentougou-hr-2020-02-18")
    clauses: list[str] = []
    group = number = title = ""
    for _, line in lines_between(first, last):
        text = line.strip()
        if re.fullmatch(r"[\u4e00-\u9fff]{2,8}(政策|疫情措施)", text):
            group = text
            clauses.append("")  # the section is one measure unless numbered headings follow
        elif m := re.match(rf"^([{NUMERAL}]+、)(\S+)", text):
            number, title = m.groups()
            if clauses[-1] == "":
                clauses.pop()
            clauses.append(f"{group} {number}")
        elif (m := re.match(rf"^\(([{NUMERAL}]+)\)(\S+)\(\1\)$", text)) and m.group(2) == title:
            if clauses[-1] == f"{group} {number}":
                clauses.pop()
            clauses.append(f"{group} {number}({m.group(1)})")
    assert len(clauses) == 19
    assert [m.clause for m in measures("mentougou-hr-2020-02-18")] == clauses
    unnumbered = [m.title for m in measures("mentougou-hr-2020-02-18") if not m.clause]
    assert unnumbered == ["劳动监察疫情措施", "信访疫情措施"]


# --- notices transcribed as one measure -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "pattern"),
    [
        ("daxing-2020-02-10-cgw", rf"^\s*([{NUMERAL}]+、|\d+\.)"),
        ("daxing-2020-02-09-gzw", r"^\s*(\d+\.)"),
        ("daxing-2020-02-05-kw", rf"^\s*([{NUMERAL}]+、(?!联系方式)|\d+\.)"),
        ("tongzhou-2020-02-12-cgw", rf"^\s*([{NUMERAL}]+、|（[{NUMERAL}]+）)"),
    ],
)
def test_a_notice_of_one_measure_keeps_every_numbered_item_in_its_text(policy_data, key, pattern):
    (measure,) = measures(key)
    first, last = document_range(key)
    items = [n for n, _ in headings(first, last, pattern)]
    assert len(items) >= 4
    text = squeeze(measure.text)
    missing = [n for n in items if squeeze(LINES[n - 1])[:10] not in text]
    assert missing == []
    assert measure.source_line_start <= items[0] and items[-1] <= measure.source_line_end


@pytest.mark.parametrize(
    ("key", "first", "last"),
    [("daxing-2020-02-06-swj", 5323, 5331), ("tongzhou-2020-02-11-kw", 4608, 4612)],
)
def test_an_unnumbered_notice_is_one_measure_with_its_whole_text(policy_data, key, first, last):
    (measure,) = measures(key)
    body = squeeze("".join(line for _, line in lines_between(first, last)))
    assert squeeze(measure.text) == body


# --- leads, money and contacts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("district", ["大兴区", "门头沟区", "通州区"])
def test_every_measure_of_the_section_is_in_the_library_with_a_department(policy_data, district):
    first, last = section_range(district)
    found = Measure.objects.filter(
        document__district__name=district,
        document__source_file__startswith="003_",
        source_line_start__gte=first,
        source_line_end__lte=last,
    )
    assert found.count() == {"大兴区": 17, "门头沟区": 30, "通州区": 21}[district]
    # A lead as printed, or (通政办发〔2020〕3号 （一）) only a 责任单位.
    unowned = [m.citation for m in found if not (m.lead_departments.exists() or m.responsible_units.exists())]
    assert unowned == []


def test_the_tongzhou_plan_keeps_its_service_clauses_without_money(policy_data):
    service = [m.clause for m in measures("tongzhou-2020-3") if not m.monetary]
    assert service == ["（一）", "（六）", "（八）", "（九）", "（十一）"]
    green = next(m for m in measures("tongzhou-2020-3") if m.clause == "（九）")
    assert green.lead_departments.get().name == "区政务服务局"
    assert {p.name for p in green.contacts.all()} == {"王志东"}


def test_the_daxing_fee_and_rent_notices_compute_their_waivers(policy_data):
    rent = measures("daxing-2020-02-09-gzw")[0]
    assert (rent.rule_kind, rent.rule_params["months"], rent.rule_params["office_rate"]) == (
        "rent_months_waived",
        ["2020-02"],
        "0.5",
    )
    fees = {measures(key)[0].rule_params["fee"] for key in ["daxing-2020-02-10-cgw", "daxing-2020-02-06-swj"]}
    assert fees == {"大兴新城区属城市道路占道费", "污水处理费"}


@pytest.mark.parametrize("district", ["大兴区", "通州区"])
def test_every_phone_number_of_the_section_is_in_the_directory(policy_data, district):
    first, last = section_range(district)
    text = "\n".join(line for _, line in lines_between(first, last) if "http" not in line)
    numbers = set(re.findall(r"(?<![\d-])(?:010-)?(?:1[3-9]\d{9}|[2-9]\d{7})(?![\d])", text))
    assert len(numbers) >= 10
    people = ContactPerson.objects.filter(department__district__name__in=[district, "北京市"])
    missing = sorted(n for n in numbers if not people.search(n).exists())
    assert missing == []


def test_the_daxing_call_for_projects_closes_on_its_printed_date(policy_data):
    (call,) = measures("daxing-2020-02-05-kw")
    first, last = document_range("daxing-2020-02-05-kw")
    printed = re.search(
        r"于(\d{4})年(\d+)月(\d+)日前", squeeze("".join(text for _, text in lines_between(first, last)))
    )
    assert call.window_closes.isoformat() == "{}-{:02d}-{:02d}".format(*map(int, printed.groups()))
    assert call.contacts.get().name == "刘梦贤"
