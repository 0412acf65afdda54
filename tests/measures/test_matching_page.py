"""The matching page as a Chaoyang enterprise sees it: its own districts, the closed measures folded away, a ban
told once at the top, and every "might qualify" linked to the profile field that settles it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.forms import ProfileForm
from applications.models import Ban
from measures.matching import MIGHT, PROFILE_FIELDS_ASKED, facts_for_enterprise, match_measures, measures_for_matching
from measures.models import District, Measure
from tests.factories import EnterpriseFactory, EnterpriseUserFactory

pytestmark = pytest.mark.django_db

RENT_WAIVER = "免收区属国有企业、区属事业单位房产2020年3月和4月房租"


@pytest.fixture
def chaoyang(policy_data):
    return District.objects.get(slug="chaoyang")


@pytest.fixture
def firm(chaoyang):
    """A small software firm registered, taxed and counted in Chaoyang (50 staff, 800万 revenue)."""
    return EnterpriseFactory(
        industry="软件和信息技术服务业",
        employees=50,
        revenue=Decimal("800"),
        total_assets=Decimal("1000"),
        registered_district=chaoyang,
        tax_district=chaoyang,
        stats_district=chaoyang,
        founded_on=datetime.date(2019, 5, 1),
    )


@pytest.fixture
def signed_in(client, firm):
    client.force_login(EnterpriseUserFactory(enterprise=firm))
    return client


def counts(page) -> dict[str, tuple[int, int]]:
    return {g["key"]: (len(g["matches"]), len(g["closed"])) for g in page.context["groups"]}


def test_a_chaoyang_firm_sees_chaoyangs_measures_with_the_closed_ones_folded(signed_in, chaoyang):
    page = signed_in.get(reverse("measures:matching"))
    # (current, closed) per group: 9 qualify, 1 might (it lacks the revenue change), 7 do not (for landlords,
    # banks, bookshops…); 17 + 2 of Chaoyang's measures are for expired documents or past months.
    assert counts(page) == {"qualifies": (9, 17), "might": (1, 0), "not": (7, 2)}
    elsewhere = Measure.objects.exclude(document__district__in=[chaoyang]).exclude(document__district__level="city")
    assert page.context["others"] == elsewhere.count() == 335
    html = page.content.decode()
    assert 'id="count-might">1<' in html and "显示已截止的17项" in html and "其他区的 335 项措施未列出" in html
    assert f'href="{reverse("applications:subscriptions")}" id="subscribe-link"' in html


def test_every_district_is_shown_on_request(signed_in):
    page = signed_in.get(reverse("measures:matching"), {"district": "all"})
    assert page.context["others"] == 0 and page.context["total"] == Measure.objects.count()
    # Another district's measure naming no place is not "might qualify": its funds are for its own firms.
    assert counts(page)["might"] == (1, 0)


def test_the_march_and_april_2020_rent_waiver_is_not_shown_as_available(signed_in):
    page = signed_in.get(reverse("measures:matching"))
    [qualifies, *_] = page.context["groups"]
    assert RENT_WAIVER not in [m.measure.title for m in qualifies["matches"]]
    [waiver] = [m for m in qualifies["closed"] if m.measure.title == RENT_WAIVER]
    assert waiver.period_ends == datetime.date(2020, 4, 30) and not waiver.open_for_applications
    card = page.content.decode().split(f'data-measure="{waiver.measure.pk}"')[1].split('class="card mb-2')[0]
    assert "适用于2020年4月及以前，已过期" in card and "正在申报" not in card


def test_a_ban_is_one_banner_at_the_top_not_a_line_per_measure(signed_in, firm, chaoyang):
    today = datetime.date.today()
    Ban.objects.create(
        enterprise=firm,
        district=chaoyang,
        starts_on=today,
        ends_on=today.replace(year=today.year + 3),
        decision_number="朝查〔2026〕1号",
        decision_date=today,
        reason="虚报职工人数",
        clause_quote="三年内不得申请区内各类补贴奖励资金",
    )
    page = signed_in.get(reverse("measures:matching"))
    html = page.content.decode()
    assert html.count('id="ban-banner"') == 1 and html.count("朝查〔2026〕1号") == 1
    assert "禁止申请</strong>" not in html  # no measure repeats it
    assert len(page.context["banned"]) == 36  # every Chaoyang measure, listed once under the banner
    assert counts(page) == {"qualifies": (0, 0), "might": (0, 0), "not": (0, 0)}


def test_a_missing_figure_links_to_the_profile_field_that_settles_it(signed_in, firm):
    firm.revenue = None
    firm.save()
    html = signed_in.get(reverse("measures:matching")).content.decode()
    edit = reverse("accounts:profile_edit")
    assert f'href="{edit}#div_id_revenue">补充“营业收入（万元）”</a>' in html
    assert f'href="{edit}#div_id_revenue_change">补充“2020年2-4月营业收入同比变化（%）”</a>' in html


def test_every_field_matching_asks_for_is_on_the_profile_form(signed_in):
    html = signed_in.get(reverse("accounts:profile_edit")).content.decode()
    for name in PROFILE_FIELDS_ASKED:
        assert name in ProfileForm.base_fields
        assert f'id="div_id_{name}"' in html, name


@pytest.mark.parametrize(
    "profile",
    [{}, {"industry": "餐饮业"}, {"industry": "工业", "employees": 20, "park": "中关村丰台园"}],
    ids=["empty", "industry only", "some figures"],
)
def test_every_might_qualify_names_a_profile_field_to_fill(chaoyang, profile):
    enterprise = EnterpriseFactory(registered_district=chaoyang, **profile)
    matches = match_measures(facts_for_enterprise(enterprise), measures_for_matching())
    unknowns = [check for match in matches if match.group == MIGHT for check in match.unknown]
    assert unknowns
    assert {check.field for check in unknowns} <= PROFILE_FIELDS_ASKED


def test_a_firm_that_says_it_is_a_landlord_is_matched_with_landlord_measures(signed_in, firm):
    landlords = Measure.objects.get(document__district__slug="chaoyang", title__startswith="对减免租金的商务楼宇")
    data = {**_profile_data(firm), "beneficiary_types": ["landlord"]}
    assert signed_in.post(reverse("accounts:profile_edit"), data).status_code == 302
    firm.refresh_from_db()
    assert firm.beneficiary_types == ["landlord"]
    page = signed_in.get(reverse("measures:matching"))
    [current] = [m for g in page.context["groups"] for m in g["matches"] if m.measure == landlords]
    assert current.group != "not"


def _profile_data(firm) -> dict:
    form = ProfileForm(instance=firm)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else getattr(value, "pk", value)
    data["founded_on"] = firm.founded_on.isoformat()
    return data | {"certifications-TOTAL_FORMS": "0", "certifications-INITIAL_FORMS": "0"}


def test_a_condition_with_a_threshold_is_named_with_its_figure(signed_in):
    # 朝政办发〔2020〕8号 16: "2020年2月至4月生产经营收入同比下降80%（含）以上" — the firm has not said its change.
    html = signed_in.get(reverse("measures:matching")).content.decode()
    assert "营业收入同比下降不低于80%" in html
    assert "（比例）" not in html


def test_in_english_the_sizes_a_measure_is_for_are_named_in_english(signed_in):
    signed_in.cookies["django_language"] = "en"
    html = signed_in.get(reverse("measures:matching")).content.decode()
    assert "Enterprise size: Medium, Small, Micro" in html
    assert "中型、小型、微型" not in html
