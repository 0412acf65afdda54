import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Certification
from measures.matching import MIGHT, NOT, QUALIFIES, facts_for_enterprise, match_measures, measures_for_matching
from measures.models import District, Measure, MeasureCondition, PolicyDocument
from tests.factories import EnterpriseFactory, EnterpriseUserFactory
from tests.measures.test_library_admin import change_url, posted

pytestmark = pytest.mark.django_db


def district(slug):
    return District.objects.get(slug=slug)


def measure(document_key, key):
    return measures_for_matching().get(document__key=document_key, key=key)


def match(enterprise, document_key, key):
    return match_measures(facts_for_enterprise(enterprise), [measure(document_key, key)])[0]


@pytest.fixture
def mentougou_firm(policy_data):
    """A small software firm registered, taxed and counted in Mentougou (50 staff, 800万 revenue)."""
    home = district("mentougou")
    return EnterpriseFactory(
        industry="软件和信息技术服务业",
        employees=50,
        revenue=Decimal("800"),
        total_assets=Decimal("1000"),
        registered_district=home,
        tax_district=home,
        stats_district=home,
        founded_on=datetime.date(2019, 5, 1),
    )


def test_it_fills_the_conditions_of_the_annex_into_every_measure_of_the_document(policy_data):
    conditions = measure("mentougou-2020-25", "1").conditions.all()
    kinds = {c.kind for c in conditions}
    assert {"registered_in_district", "tax_in_district", "stats_in_district", "sme_sizes", "not_banned"} <= kinds
    registered = next(c for c in conditions if c.kind == "registered_in_district")
    assert "以上政策适用于在门头沟区注册、纳税、纳统的企业" in registered.quote


def test_it_puts_a_firm_meeting_every_condition_in_qualifies(mentougou_firm):
    result = match(mentougou_firm, "mentougou-2020-25", "1")
    assert result.group == QUALIFIES
    assert any("注册地在门头沟区" == c.label for c in result.met)


def test_it_says_which_district_condition_fails_and_quotes_the_clause(mentougou_firm):
    mentougou_firm.tax_district = district("chaoyang")
    result = match(mentougou_firm, "mentougou-2020-25", "1")
    assert result.group == NOT
    [failed] = result.failed
    assert failed.message == "纳税地不在门头沟区。"
    assert "门头沟区注册、纳税、纳统" in failed.quote


def test_it_names_the_missing_figure_when_the_size_cannot_be_told(mentougou_firm):
    mentougou_firm.revenue = None
    result = match(mentougou_firm, "mentougou-2020-25", "1")
    assert result.group == MIGHT
    assert "营业收入" in result.unknown[0].message


def test_it_refuses_a_large_firm_a_measure_for_smes(mentougou_firm):
    mentougou_firm.employees, mentougou_firm.revenue = 400, Decimal("20000")
    result = match(mentougou_firm, "mentougou-2020-25", "1")
    assert result.group == NOT
    assert "划型为大型企业" in result.failed[0].message


@pytest.mark.parametrize(
    ("change", "group"),
    [(dict(employees=100), "qualifies"), (dict(employees=101), "not"), (dict(rd_spend=Decimal("199999.99")), "not")],
)
def test_it_applies_the_dongcheng_rd_limits_at_their_boundaries(mentougou_firm, change, group):
    # 东城 8: 成立5年以内、从业人员100人以下、营业收入1000万元以下、研发费用20万元以上的中关村高新技术企业
    firm = mentougou_firm
    firm.park, firm.revenue, firm.rd_spend = "中关村东城园", Decimal("1000"), Decimal("200000")
    firm.registered_district = district("dongcheng")
    firm.founded_on = datetime.date.today().replace(year=datetime.date.today().year - 4)
    firm.save()
    Certification.objects.create(enterprise=firm, kind="zgc_high_tech", certified_on=datetime.date(2023, 1, 1))
    for name, value in change.items():
        setattr(firm, name, value)
    assert match(firm, "dongcheng-2020-3", "8").group == group


def test_a_landlord_measure_is_for_a_firm_whose_profile_says_it_is_a_landlord(mentougou_firm):
    mentougou_firm.registered_district = district("dongcheng")
    result = match(mentougou_firm, "dongcheng-2020-3", "5")
    assert result.group == NOT
    [failed] = result.failed
    assert "出租方（房东）" in failed.message and failed.field == "beneficiary_types"
    mentougou_firm.beneficiary_types = ["landlord"]
    assert match(mentougou_firm, "dongcheng-2020-3", "5").group == QUALIFIES


def test_it_fails_an_industry_condition_whose_sectors_the_firm_is_not_in(mentougou_firm):
    # 西城 6号（四）: 餐饮、便利店、美容美发、家政4类生活性服务业企业
    result = match(mentougou_firm, "xicheng-2020-6", "4")
    assert any("不在本措施支持的行业之列" in c.message for c in result.failed)


def test_it_shows_expired_documents_and_closed_windows(mentougou_firm):
    target = Measure.objects.get(document__key="mentougou-2020-25", key="1")
    target.window_opens, target.window_closes = datetime.date(2020, 4, 1), datetime.date(2020, 7, 31)
    target.save()
    PolicyDocument.objects.filter(key="mentougou-2020-25").update(valid_until=datetime.date(2020, 12, 31))
    result = match(mentougou_firm, "mentougou-2020-25", "1")
    assert (result.window_state, result.document_status, result.open_for_applications) == ("closed", "expired", False)


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("sme_sizes", "巨型", "无法识别的企业规模“巨型”"),
        ("min_revenue_drop", "80", "比例请填写0到1之间的小数"),
        ("max_staff", "一百", "请填写不小于0的整数"),
        ("certifications", "五星企业", "无法识别的资质“五星企业”"),
        ("registered_in_district", "朝阳区", "此类条件不需要取值"),
    ],
)
def test_it_refuses_a_condition_value_it_cannot_read(policy_data, kind, value, message):
    condition = MeasureCondition(measure=Measure.objects.first(), kind=kind, value=value)
    with pytest.raises(ValidationError) as error:
        condition.full_clean()
    assert message in error.value.message_dict["value"][0]


def test_it_normalises_a_condition_value_an_administrator_types(policy_data):
    condition = MeasureCondition(measure=Measure.objects.first(), kind="sme_sizes", value="小型, 微型 中型")
    condition.full_clean()
    assert condition.value == "中型、小型、微型"


def test_an_administrator_edits_a_condition_in_the_admin(admin_client, mentougou_firm):
    target = Measure.objects.get(document__key="mentougou-2020-25", key="1")
    condition = target.conditions.get(kind="sme_sizes")
    assert match(mentougou_firm, "mentougou-2020-25", "1").group == QUALIFIES
    page = admin_client.get(change_url(target))
    [formset] = [
        inline.formset for inline in page.context["inline_admin_formsets"] if inline.formset.model is type(condition)
    ]
    [row] = [form for form in formset.forms if form.instance.pk == condition.pk]
    response = admin_client.post(change_url(target), posted(page, **{row.add_prefix("value"): "微型"}))
    assert response.status_code == 302
    assert match(mentougou_firm, "mentougou-2020-25", "1").group == NOT  # a small firm no longer qualifies


@pytest.fixture
def signed_in(client, mentougou_firm):
    user = EnterpriseUserFactory(enterprise=mentougou_firm)
    client.force_login(user)
    return user


def test_the_matching_page_shows_three_groups_with_reasons(client, signed_in):
    page = client.get(reverse("measures:matching"), {"district": district("mentougou").pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert "符合条件" in html and "可能符合" in html and "不符合" in html
    assert "延长租金减免政策实施时限" in html
    assert page.context["groups"][0]["matches"]


def test_the_matching_page_links_a_missing_figure_to_the_profile_form(client, signed_in, mentougou_firm):
    mentougou_firm.revenue = None
    mentougou_firm.save()
    html = client.get(reverse("measures:matching")).content.decode()
    assert "资料中缺少：营业收入" in html
    assert reverse("accounts:profile_edit") in html


def test_the_matching_page_filters_open_and_monetary_measures(client, signed_in):
    page = client.get(reverse("measures:matching"), {"monetary": "on", "open_only": "on"})
    matches = [m for group in page.context["groups"] for m in group["matches"]]
    assert matches and all(m.measure.monetary and m.open_for_applications for m in matches)


def test_the_public_is_sent_to_the_short_form(client, policy_data):
    assert client.get(reverse("measures:matching")).url == reverse("measures:match_check")


def test_the_short_form_matches_without_an_account(client, policy_data):
    page = client.get(
        reverse("measures:match_check"),
        {
            "industry": "工业",
            "employees": "50",
            "revenue": "1000",
            "location": district("haidian").pk,
            "same_district": "on",
        },
    )
    html = page.content.decode()
    assert page.context["classification"].size == "small"
    assert "符合条件" in html and "海淀区" in html


def test_the_short_form_explains_a_bad_figure_in_chinese(client, policy_data):
    page = client.get(reverse("measures:match_check"), {"industry": "工业", "employees": "-3", "location": "1"})
    assert "groups" not in page.context
    html = page.content.decode()
    assert "从业人员须为不小于 0 的整数。" in html and "请从列表中选择注册地所在的区。" in html


def test_matching_takes_the_same_number_of_queries_whatever_the_number_of_measures(
    client, signed_in, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("measures:matching") + "?district=all"
    client.get(url)  # the session's first page also records the reader's language
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    document = PolicyDocument.objects.get(key="mentougou-2020-25")
    for n in range(40):
        extra = Measure.objects.create(document=document, key=f"extra-{n}", title=f"附加措施{n}", text="……")
        MeasureCondition.objects.create(measure=extra, kind="max_staff", value="10")
    with django_assert_num_queries(len(before.captured_queries)):
        page = client.get(url)
    assert page.context["total"] == Measure.objects.count()


def test_a_district_measure_naming_no_place_is_for_the_districts_own_firms(mentougou_firm):
    # 东城 3号 35 (社会保险费延长征收期) states no place of registration.
    result = match(mentougou_firm, "dongcheng-2020-3", "35")
    assert result.group == NOT and "都不在东城区" in result.failed[0].message
    mentougou_firm.tax_district = district("dongcheng")  # taxed there: asked to confirm with the department
    result = match(mentougou_firm, "dongcheng-2020-3", "35")
    assert result.group == QUALIFIES and "申请前请向牵头部门确认" in result.to_confirm[0].message
    mentougou_firm.registered_district = district("dongcheng")
    result = match(mentougou_firm, "dongcheng-2020-3", "35")
    assert result.group == QUALIFIES and "东城区的政策" in [c.label for c in result.met]
