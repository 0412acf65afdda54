"""The library holds every document and every measure of the 2020 compilation (003) for 西城区, 东城区, 朝阳区,
海淀区 and 石景山区, monetary or not: the expectations are read from the source text."""

import re

import pytest

from contacts.models import Department
from measures.models import PolicyDocument
from measures.policydata import SOURCES_DIR

pytestmark = pytest.mark.django_db

NUMERALS = "一二三四五六七八九十"


def compilation() -> list[str]:
    (path,) = SOURCES_DIR.glob("003_*.txt")
    return path.read_text(encoding="utf-8").splitlines()


def squeeze(text: str) -> str:
    return re.sub(r"[\s　]", "", text)


def section(district: str) -> tuple[int, int]:
    """Return the first and last line (1-based) of the district's section of the compilation."""
    lines = compilation()
    heads = [n for n, line in enumerate(lines, start=1) if re.match(rf"^\s*\([{NUMERALS}]+\) 北京市", line)]
    start = next(n for n in heads if lines[n - 1].strip().endswith(district))
    following = [n for n in heads if n > start]
    return start, (following[0] - 1 if following else len(lines))


def printed(first: int, last: int, pattern: str) -> list[str]:
    """Return group 1 of every line of first..last (1-based, inclusive) that matches the pattern."""
    lines = compilation()[first - 1 : last]
    return [m.group(1) for line in lines if (m := re.match(pattern, line))]


def line_of(first: int, last: int, pattern: str) -> int:
    """Return the number of the first line in first..last that matches the pattern."""
    lines = compilation()
    return next(n for n in range(first, last + 1) if re.match(pattern, lines[n - 1]))


def marks(first: int, last: int, marker: str) -> list[int]:
    """Return the line of every occurrence of the marker in first..last, read with the PDF's line breaks joined."""
    lines = compilation()
    joined, owner = "", []
    for number in range(first, last + 1):
        piece = squeeze(lines[number - 1])
        joined += piece
        owner += [number] * len(piece)
    return [owner[m.start()] for m in re.finditer(re.escape(marker), joined)]


def heading_before(line: int, pattern: str) -> str:
    """Return group 1 of the last line before `line` that matches the pattern."""
    lines = compilation()
    return next(m.group(1) for n in range(line, 0, -1) if (m := re.match(pattern, lines[n - 1])))


def document(key: str) -> PolicyDocument:
    return PolicyDocument.objects.get(key=key)


def clauses(key: str) -> list[str]:
    return [m.clause for m in document(key).measures.all()]


def source_range(key: str) -> tuple[int, int]:
    doc = document(key)
    return doc.source_line_start, doc.source_line_end


@pytest.mark.parametrize("district", ["西城区", "东城区", "朝阳区", "海淀区", "石景山区"])
def test_every_document_of_the_district_section_is_in_the_library(policy_data, district):
    first, last = section(district)
    lines = compilation()
    headers = [n for n in range(first, last + 1) if re.match(r"^\d+ .*2020\s*年", lines[n - 1])]
    assert headers
    library = PolicyDocument.objects.filter(district__name=district, source_file__startswith="003_")
    assert sorted(library.values_list("source_line_start", flat=True)) == headers
    for header in headers:
        doc = library.get(source_line_start=header)
        number = re.search(r"([\u4e00-\u9fff]+[〔【]2020[〕】]\s*\d+\s*号)", lines[header - 1])
        assert doc.number == (squeeze(number.group(1)) if number else "")
        opening = squeeze("".join(lines[header - 1 : header + 12]))
        assert squeeze(doc.title) in opening, doc.key
        assert first <= doc.source_line_start <= doc.source_line_end <= last


def test_every_clause_of_shijingshan_3_is_in_the_library(policy_data):
    first, last = source_range("shijingshan-2020-3")
    numbers = printed(first, last, r"^(\d+)\.")
    assert numbers == [str(n) for n in range(1, 16)]
    assert clauses("shijingshan-2020-3") == [f"{n}." for n in numbers]


def test_every_clause_of_chaoyang_2_is_in_the_library(policy_data):
    first, last = source_range("chaoyang-2020-2")
    numbers = printed(first, last, r"^(\d+)\.")
    assert numbers == [str(n) for n in range(1, 19)]
    assert clauses("chaoyang-2020-2") == [f"{n}." for n in numbers]
    # Each clause's lead as printed ("（主责部门：…）") is the measure's lead.
    text = "".join(compilation()[first - 1 : last])
    assert printed_units("朝阳区", text, "主责部门") == leads("chaoyang-2020-2")


def test_every_contact_block_of_the_haidian_measures_belongs_to_one_measure(policy_data):
    first, last = source_range("haidian-2020-02-11")
    heading = rf"^\s*（([{NUMERALS}]+)）"
    headings = printed(first, last, heading)
    assert len(headings) == 15
    blocks = marks(first, last, "（对接部门")
    measures = list(document("haidian-2020-02-11").measures.all())
    held = [[b for b in blocks if m.source_line_start <= b <= m.source_line_end] for m in measures]
    assert all(len(found) == 1 for found in held), [
        m.key for m, found in zip(measures, held, strict=True) if len(found) != 1
    ]
    assert {found[0] for found in held} == set(blocks)
    # (七) is one paragraph with one block that states two subsidies: two measures.
    assert len(measures) == len(blocks) + 1
    expected = [f"（{heading_before(found[0], heading)}）" for found in held]
    assert [m.clause for m in measures] == expected
    assert sorted({c.strip("（）") for c in expected}, key=headings.index) == headings


def test_every_item_of_the_haidian_hr_agency_notice_is_in_the_library(policy_data):
    first, last = source_range("haidian-2020-02-01")
    items = printed(first, last, r"^\s*([一二三四五六七八九十]+)、")
    assert items == list("一二三四五六七八")
    assert clauses("haidian-2020-02-01") == [f"{n}、" for n in items]
    for measure in document("haidian-2020-02-01").measures.all():
        assert [b.code for b in measure.beneficiary_types.all()] == ["hr_agency"]
        assert [p.name for p in measure.contacts.all()] == ["杨宗奇"]


def leads(key: str) -> list[list[str]]:
    """Return the lead departments of each measure of the document, by name."""
    return [sorted(d.name for d in m.lead_departments.all()) for m in document(key).measures.all()]


def printed_units(district: str, text: str, label: str) -> list[list[str]]:
    """Return the departments of every "（<label>：…）" block, resolved by name or alias, without the collective
    各相关部门/各有关部门."""
    known = {}
    for department in Department.objects.filter(district__name=district):
        known.update(dict.fromkeys([department.name, *department.alias_list], department.name))
    units = []
    for block in re.findall(rf"[（(]{label}：(.+?)[）)]", squeeze(text)):
        names = [re.sub(r"及各相关部门$", "", name) for name in block.split("、")]
        units.append(sorted(known[name] for name in names if not re.match(r"^各(相关|有关)部门$", name)))
    return units


def test_every_item_of_xicheng_1_is_in_the_library_with_its_units(policy_data):
    first, last = source_range("xicheng-2020-1")
    items = printed(first, last, rf"^\s*（([{NUMERALS}]+)）")
    assert len(items) == 23 and items[0] == "一" and items[-1] == "二十三"
    assert clauses("xicheng-2020-1") == [f"（{n}）" for n in items]
    text = "".join(compilation()[first - 1 : last])
    assert printed_units("西城区", text, "(?:责任|主责)单位") == leads("xicheng-2020-1")


def test_every_section_and_item_of_the_dongcheng_training_notice_is_in_the_library(policy_data):
    first, last = source_range("dongcheng-2020-02-18-rsj")
    sections = printed(first, last, r"^([一二三])、")
    second, third = (line_of(first, last, rf"^{n}、") for n in "二三")
    items = printed(second, third - 1, r"^(\d)\.")
    assert sections == ["一", "二", "三"] and items == ["1", "2", "3", "4"]
    assert clauses("dongcheng-2020-02-18-rsj") == ["一、", *[f"二、{n}." for n in items], "三、"]
    # The bureau's phones are printed after 一, 二、3. and 三, with no person.
    phones = marks(first, last, "联系电话")
    with_phone = [
        m.clause
        for m in document("dongcheng-2020-02-18-rsj").measures.all()
        if any(m.source_line_start <= p <= m.source_line_end for p in phones)
    ]
    assert with_phone == ["一、", "二、3.", "三、"]
    for measure in document("dongcheng-2020-02-18-rsj").measures.all():
        assert bool(measure.contacts.exists()) == (measure.clause in with_phone)


def test_the_dongcheng_risk_fund_rules_hold_their_measures_for_borrowers_and_lenders(policy_data):
    first, last = source_range("dongcheng-jrw-2020-7")
    articles = printed(first, last, r"^\s*(第[一二三四五六七八九十]+条)")
    assert len(articles) == 26
    fifteen, sixteen = (line_of(first, last, rf"^\s*{a}") for a in ("第十五条", "第十六条"))
    shares = printed(fifteen, sixteen - 1, rf"^（([{NUMERALS}])）")
    assert shares == ["一", "二"]
    # 第九条 is the one other article that promises the borrower something (a rate ceiling and fast approval).
    ninth = line_of(first, last, r"^\s*第九条")
    assert "享受" in compilation()[ninth - 1]
    assert clauses("dongcheng-jrw-2020-7") == ["第九条", *[f"第十五条（{n}）" for n in shares]]


def test_the_dongcheng_talent_call_is_one_measure_with_its_deadline(policy_data):
    first, last = source_range("dongcheng-2020-02-14-rencai")
    sections = printed(first, last, r"^\s*([一二三四])、")
    assert sections == list("一二三四")
    (measure,) = document("dongcheng-2020-02-14-rencai").measures.all()
    assert all(f"{n}、" in measure.text for n in sections)
    deadline = re.search(r"至\s*(\d{4})年\s*(\d+)月\s*(\d+)日", "".join(compilation()[first - 1 : last]))
    assert measure.window_closes.isoformat() == "{}-{:0>2}-{:0>2}".format(*deadline.groups())
    assert [p.name for p in measure.contacts.all()] == ["孙连海"]


def test_every_item_of_dongcheng_3_is_in_the_library_with_its_units(policy_data):
    first, last = source_range("dongcheng-2020-3")
    numbers = printed(first, last, r"^\s*(\d+)\.")
    assert numbers == [str(n) for n in range(1, 43)]
    assert clauses("dongcheng-2020-3") == [f"{n}." for n in numbers]
    text = "".join(compilation()[first - 1 : last])
    assert printed_units("东城区", text, "责任单位") == leads("dongcheng-2020-3")
    # Every item prints 联系人 lines, and every measure names its contacts.
    assert all(m.contacts.exists() for m in document("dongcheng-2020-3").measures.all())


def test_every_item_of_dongcheng_2_is_in_the_library_with_its_leads(policy_data):
    first, last = source_range("dongcheng-2020-2")
    numbers = printed(first, last, r"^(\d+)．")
    assert numbers == [str(n) for n in range(1, 17)]
    assert clauses("dongcheng-2020-2") == [f"{n}．" for n in numbers]
    lines = compilation()[first - 1 : last]
    printed_leads = [line.split("：", 1)[1].strip() for line in lines if line.startswith("牵头单位：")]
    known = {}
    for department in Department.objects.filter(district__name="东城区"):
        known.update(dict.fromkeys([department.name, *department.alias_list], department.name))
    assert [sorted(known[n] for n in lead.split("、")) for lead in printed_leads] == leads("dongcheng-2020-2")


def test_every_item_of_the_dongcheng_tendering_notice_is_in_the_library(policy_data):
    first, last = source_range("dongcheng-2020-02-03-zbb")
    items = printed(first, last, r"^\s*([一二三四五六七八九十]+)、")
    assert items == list("一二三四")
    assert clauses("dongcheng-2020-02-03-zbb") == [f"{n}、" for n in items]
    for measure in document("dongcheng-2020-02-03-zbb").measures.all():
        phones = {p.office_phone for p in measure.contacts.all()}
        assert phones == {"010-85295576", "010-85295573"}
