"""The library holds every document and every measure of the 丰台, 顺义, 房山 and 密云 sections of the 2020
compilation (003), monetary or not: the expectations are read from the source text, not copied from the data files."""

import re

import pytest

from contacts.models import ContactPerson
from measures.models import Measure, PolicyDocument
from measures.policydata import SOURCES_DIR

pytestmark = pytest.mark.django_db

NUMERALS = "一二三四五六七八九十"
DISTRICTS = ["丰台区", "顺义区", "房山区", "密云区"]


def compilation() -> list[str]:
    (path,) = SOURCES_DIR.glob("003_*.txt")
    return path.read_text(encoding="utf-8").splitlines()


LINES = compilation()


def squeeze(text: str) -> str:
    return re.sub(r"[\s　]", "", text)


def section(district: str) -> tuple[int, int]:
    """Return the first and last line (1-based) of the district's section of the compilation."""
    heads = [n for n, line in enumerate(LINES, start=1) if re.match(rf"^\s*\([{NUMERALS}]+\) 北京市\S+区\s*$", line)]
    start = next(n for n in heads if LINES[n - 1].strip().endswith(district))
    following = [n for n in heads if n > start]
    return start, (following[0] - 1 if following else len(LINES))


def headers(district: str) -> list[int]:
    """Return the line of each numbered document of the section ("3 2020年 2月 13 日，…")."""
    first, last = section(district)
    return [n for n in range(first, last + 1) if re.match(r"^\d+\s+2020\s*年", LINES[n - 1])]


def printed(first: int, last: int, pattern: str) -> list[str]:
    """Return group 1 of every line of first..last (1-based, inclusive) that matches the pattern."""
    return [m.group(1) for line in LINES[first - 1 : last] if (m := re.match(pattern, line))]


def body_end(first: int, last: int) -> int:
    """Return the last line of first..last before the list of attachments ("附件：…"), or last."""
    return next((n - 1 for n in range(first + 1, last + 1) if LINES[n - 1].strip().startswith("附件")), last)


def document(key: str) -> PolicyDocument:
    return PolicyDocument.objects.get(key=key)


def measures(key: str) -> list[Measure]:
    return list(document(key).measures.all())


def clauses(key: str) -> list[str]:
    return [m.clause for m in measures(key)]


def source_range(key: str) -> tuple[int, int]:
    doc = document(key)
    return doc.source_line_start, doc.source_line_end


def phones_of(person: ContactPerson) -> list[str]:
    return [p for p in [person.office_phone, *re.split(r"[,，\s]+", person.other_phones)] if p]


@pytest.mark.parametrize("district", DISTRICTS)
def test_every_document_of_the_district_section_is_in_the_library(policy_data, district):
    first, last = section(district)
    found = headers(district)
    library = PolicyDocument.objects.filter(district__name=district, source_file__startswith="003_")
    assert sorted(library.values_list("source_line_start", flat=True)) == found
    for header in found:
        doc = library.get(source_line_start=header)
        number = re.search(r"([\u4e00-\u9fff]+〔2020〕\s*\d+\s*号)", LINES[header - 1])
        assert doc.number == (squeeze(number.group(1)) if number else "")
        assert squeeze(doc.title) in squeeze("".join(LINES[header - 1 : header + 16])), doc.key
        assert first <= doc.source_line_start <= doc.source_line_end <= last


def test_fengtai_lists_nine_documents_the_sixth_printed_over_two_numbers(policy_data):
    numbers = [LINES[n - 1].split()[0] for n in headers("丰台区")]
    assert numbers == ["1", "2", "3", "4", "5", "6", "8", "9", "10"]
    # "7" opens the title line of document 6 (its date and issuer are on the "6" line): one document.
    sixth = headers("丰台区")[5]
    title_line = next(n for n in range(sixth + 1, sixth + 4) if LINES[n - 1].strip())
    assert LINES[title_line - 1].startswith("7 《")
    assert squeeze(document("fengtai-2020-02-09-30").title) in squeeze(LINES[title_line - 1])


def test_every_measure_of_the_fengtai_30_is_in_the_library_with_its_printed_lead(policy_data):
    first, last = source_range("fengtai-2020-02-09-30")
    numbers = printed(first, last, r"^\s*(\d+)\.")
    assert numbers == [str(n) for n in range(1, 31)]
    assert clauses("fengtai-2020-02-09-30") == [f"{n}." for n in numbers]
    leads = printed(first, last, r"^\s*牵头单位：\s*(\S+)")
    library = [m.lead_departments.get() for m in measures("fengtai-2020-02-09-30")]
    assert len(leads) == len(library) == 30
    assert all(lead in [d.name, *d.alias_list] for lead, d in zip(leads, library, strict=True))


def test_every_phone_of_a_fengtai_30_measure_belongs_to_its_contacts(policy_data):
    for measure in measures("fengtai-2020-02-09-30"):
        text = squeeze("".join(LINES[measure.source_line_start - 1 : measure.source_line_end]))
        phones = set(re.findall(r"010-\d{8}", text))
        held = set(measure.contacts.values_list("office_phone", flat=True))
        assert phones and held == phones, measure.clause


@pytest.mark.parametrize(
    "key",
    [
        "fengtai-2020-02-17-kxj",
        "fengtai-2020-02-13-rsj-gzjzz",
        "fengtai-2020-02-13-rsj-rcyj",
        "fengtai-2020-02-12-kxj",
        "fengtai-2020-02-11-kxj",
        "fengtai-2020-02-07-zwfw",
        "fangshan-2020-02-17-kw",
    ],
)
def test_a_single_service_notice_is_one_measure_holding_every_printed_item(policy_data, key):
    first, last = source_range(key)
    items = [
        squeeze(line)[:12]
        for line in LINES[first : body_end(first, last)]
        if re.match(rf"^\s*(\d+[\.、]|[{NUMERALS}]+、|方法[{NUMERALS}]：)", line)
    ]
    (measure,) = measures(key)
    assert measure.clause == ""
    assert all(item in squeeze(measure.text) for item in items), items
    assert measure.lead_departments.exists()


def test_every_action_of_the_fengtai_incubator_appeal_is_in_the_library(policy_data):
    first, last = source_range("fengtai-2020-02-03-kxj")
    items = printed(first, last, rf"^\s*([{NUMERALS}]+)、")
    assert items == ["一", "二", "三"]
    assert clauses("fengtai-2020-02-03-kxj") == [f"{n}、" for n in items]
    headings = printed(first, last, rf"^\s*[{NUMERALS}]+、(.+?)。")
    assert [m.title for m in measures("fengtai-2020-02-03-kxj")] == headings


def test_every_service_of_the_fengtai_registration_notice_is_in_the_library_with_its_phones(policy_data):
    first, last = source_range("fengtai-2020-01-30-scjgj")
    sections = printed(first, last, rf"^\s*([{NUMERALS}]+、\S+)")
    assert [s[0] for s in sections] == list("一二三四五")
    # 五、 gives the phones and the mailing address of the services 一、-四、: not a service of its own.
    assert sections[4] == "五、咨询电话及邮寄地址"
    assert [(m.clause, m.title) for m in measures("fengtai-2020-01-30-scjgj")] == [(s[:2], s[2:]) for s in sections[:4]]
    start = next(n for n in range(first, last + 1) if LINES[n - 1].strip() == sections[4])
    phones = set(re.findall(r"(?<!\d)\d{8}(?!\d)", "".join(LINES[start - 1 : start + 7])))
    assert len(phones) == 3
    for measure in measures("fengtai-2020-01-30-scjgj"):
        held = {p for person in measure.contacts.all() for p in phones_of(person)}
        assert phones <= held, measure.clause


def test_every_measure_of_shunyi_3_is_in_the_library(policy_data):
    first, last = source_range("shunyi-2020-3")
    numbers = printed(first, body_end(first, last), r"^\s*(\d+)\.")
    assert numbers == [str(n) for n in range(1, 11)]
    assert clauses("shunyi-2020-3") == [f"{n}." for n in numbers]
    headings = printed(first, body_end(first, last), r"^\s*\d+\.(.+?)。")
    assert [m.title for m in measures("shunyi-2020-3")] == headings


def test_shunyi_3_names_no_lead_because_its_lead_list_is_not_printed(policy_data):
    first, last = source_range("shunyi-2020-3")
    attachments = body_end(first, last) + 1
    assert squeeze(LINES[attachments - 1]) == "附件：1.项目牵头单位及联系方式"
    assert "牵头" not in "".join(LINES[first - 1 : attachments - 1])
    assert [m.clause for m in measures("shunyi-2020-3") if m.lead_departments.exists() or m.contacts.exists()] == []


def test_shunyi_3_applies_the_sme_standard_wherever_a_measure_names_smes(policy_data):
    doc = document("shunyi-2020-3")
    assert "工信部联企业〔2011〕300号" in doc.general_provisions
    naming = [m.clause for m in doc.measures.all() if "中小企业" in m.text]
    assert naming == ["5.", "6."]
    assert all(doc.measures.get(clause=c).eligibility.get("sme_standard") for c in naming)


def test_every_section_of_the_fangshan_sports_notice_is_in_the_library(policy_data):
    first, last = source_range("fangshan-2020-02-17-tyj")
    sections = printed(first, last, rf"^\s*([{NUMERALS}]+、\S+)")
    assert [s[0] for s in sections] == ["一", "二", "三"]
    assert [(m.clause, m.title) for m in measures("fangshan-2020-02-17-tyj")] == [(s[:2], s[2:]) for s in sections]
    subsidy = document("fangshan-2020-02-17-tyj").measures.get(clause="二、")
    assert (subsidy.window_closes.isoformat(), subsidy.deadline_rule) == ("2020-02-24", "逾期视为自动放弃申请")


def test_the_fangshan_culture_notice_holds_its_two_measures_and_their_contacts(policy_data):
    first, last = source_range("fangshan-2020-02-13-wcz")
    sections = printed(first, last, rf"^\s*([{NUMERALS}]+、\S+)")
    assert sections == ["一、常态化申报", "二、加快推进审核工作", "三、申报平台", "四、政策咨询"]
    # 三、 (the platforms) and 四、 (the contacts) serve the two measures: they are not measures of their own.
    assert [(m.clause, m.title) for m in measures("fangshan-2020-02-13-wcz")] == [(s[:2], s[2:]) for s in sections[:2]]
    start = next(n for n in range(first, last + 1) if LINES[n - 1].strip() == "四、政策咨询")
    names = re.findall(
        r"([\u4e00-\u9fff]{2,3})\d{8}", squeeze("".join(LINES[start : start + 5])).replace("联系人：", "")
    )
    assert names == ["成凯", "崔楚轩"]
    for measure in measures("fangshan-2020-02-13-wcz"):
        assert sorted(measure.contacts.values_list("name", flat=True)) == sorted(names)


def test_every_service_of_the_miyun_interpretation_is_in_the_library(policy_data):
    first, last = source_range("miyun-2020-02-18-jxj")
    start = next(n for n in range(first, last + 1) if LINES[n - 1].startswith("三、"))
    items = printed(start, last, r"^\s*(\d+)\.")
    assert items == [str(n) for n in range(1, 7)]
    assert clauses("miyun-2020-02-18-jxj") == [f"三、{n}." for n in items]
    # The public mailbox's password (printed with its address) is left out of the library.
    password = re.search(r"密码：(\d+)", "".join(LINES[first - 1 : last])).group(1)
    assert all(password not in m.text for m in measures("miyun-2020-02-18-jxj"))


# Numbers printed in these sections that are no district contact: the city's 文创 platforms (房山, 三、申报平台,
# kept in the measure's procedure) and the password of 密云's public mailbox.
NOT_CONTACTS = {"68292833", "87537753", "69071019"}


@pytest.mark.parametrize("district", DISTRICTS)
def test_every_phone_printed_in_the_section_reaches_a_contact_of_the_district(policy_data, district):
    first, last = section(district)
    text = re.sub(r"https?://\S+", "", "\n".join(LINES[first - 1 : last]))
    printed_phones = set(re.findall(r"(?<!\d)\d{8}(?!\d)", text)) - NOT_CONTACTS
    held = set()
    for person in ContactPerson.objects.filter(department__district__name=district):
        held |= {re.sub(r"^010-|-\d+$", "", p) for p in phones_of(person)}
    assert printed_phones <= held, sorted(printed_phones - held)
