"""The rules in the policy data: every monetary measure has one, and its estimates agree with the document's words.

The expected figures are the documents' own numbers (each case quotes the words it comes from); the data is read
with measures.policydata, without the database.
"""

import re
from decimal import Decimal

import pytest

from measures import rules
from measures.policydata import SOURCES_DIR, read_policy_data
from measures.rules import Context, estimate, rule_inputs, validate_params

D = Decimal
DATA = read_policy_data()
MEASURES = {(doc["key"], m["key"]): (doc, m) for doc in DATA.documents for m in doc["measures"]}
MONETARY = sorted(key for key, (_doc, m) in MEASURES.items() if m["monetary"])
NEEDS_NO_INPUTS = {"reviewer_sets", "discretionary_ceiling", "fixed_amount", "growth_award"}


def rule_of(doc_key: str, key: str) -> dict:
    return MEASURES[(doc_key, key)][1]["rule"]


def estimate_for(doc_key: str, key: str, values: dict, context: Context | None = None) -> rules.Estimate:
    doc, measure = MEASURES[(doc_key, key)]
    rule = measure["rule"]
    citation = f"{doc['number'] or doc['title']} {measure['clause']}"
    if rules.item_input(rule["kind"], rule["params"]):  # a cap per project or product: name one
        values = {"project": "科创贷", **values}
    return estimate(rule["kind"], rule["params"], values, context=context, citation=citation, quote=rule["quote"])


def sample_value(spec: rules.Input, params: dict):
    return {
        "money": "100000",
        "integer": "10",
        "decimal": "100",
        "date": params.get("issued_from", "2020-03-01"),
        "boolean": "false",
        "text": "科创贷",
    }.get(spec.type) or spec.choices[0][0]


def squeeze(text: str) -> str:
    return re.sub(r"[\s　]", "", text)


# --- every monetary measure -----------------------------------------------------------------------------------------


def test_every_monetary_measure_has_a_rule_and_no_other_measure_has_one():
    assert [key for key in MONETARY if not MEASURES[key][1]["rule"]] == []
    assert [key for key, (_d, m) in MEASURES.items() if m["rule"] and not m["monetary"]] == []


def test_no_rule_is_left_as_other():
    assert [key for key in MONETARY if rule_of(*key)["kind"] == "other"] == []


@pytest.mark.parametrize("key", MONETARY, ids="/".join)
def test_the_rule_is_valid_and_estimates_with_sample_inputs(key):
    rule = rule_of(*key)
    assert rule["kind"] in rules.KINDS
    assert validate_params(rule["kind"], rule["params"]) == []
    inputs = rule_inputs(rule["kind"], rule["params"])
    assert inputs or rule["kind"] in NEEDS_NO_INPUTS
    result = estimate_for(*key, {spec.name: sample_value(spec, rule["params"]) for spec in inputs})
    assert result.amount >= 0 and result.steps and result.citation


@pytest.mark.parametrize("key", MONETARY, ids="/".join)
def test_the_rule_quotes_words_at_the_cited_lines(key):
    _doc, measure = MEASURES[key]
    first, last = measure["source_lines"]
    lines = (SOURCES_DIR / measure["source_file"]).read_text(encoding="utf-8").splitlines()[first - 1 : last]
    fragments = [f for f in squeeze(measure["rule"]["quote"]).split("…") if f]
    assert fragments and all(f in squeeze("".join(lines)) for f in fragments)


NUMBER_KEYS = {"amount", "ceiling", "cap", "cap_per_entity_year", "min", "max", "rate", "office_rate", "min_growth"}


@pytest.mark.parametrize("key", MONETARY, ids="/".join)
def test_amounts_and_rates_are_written_as_strings(key):
    rule = rule_of(*key)
    specs = rules.KINDS[rule["kind"]].params
    numbers = [v for k, v in rule["params"].items() if specs[k].type in ("money", "rate", "ratio")]
    for value in rule["params"].values():
        if isinstance(value, list):
            numbers += [v for item in value if isinstance(item, dict) for k, v in item.items() if k in NUMBER_KEYS]
    assert all(isinstance(v, str) for v in numbers), numbers


def test_stacking_groups_join_measures_of_one_district():
    groups: dict[str, set[str]] = {}
    for doc, measure in MEASURES.values():
        if measure["stacking_group"]:
            groups.setdefault(measure["stacking_group"], set()).add(doc["district"])
    assert groups and all(len(districts) == 1 for districts in groups.values())


# --- the documents' numbers -------------------------------------------------------------------------------------------

CASES = [
    # 朝政办发〔2020〕8号 2.: "按减免金额的30%给予奖励，给予每个单位不超过100万元奖励"
    pytest.param(
        "chaoyang-2020-8", "2", {"base": "5000000"}, None, "1000000.00", id="朝阳 减免500万 30%=150万 每单位不超过100万"
    ),
    pytest.param("chaoyang-2020-8", "2", {"base": "3000000"}, None, "900000.00", id="朝阳 减免300万 30%=90万"),
    pytest.param("chaoyang-2020-8", "2", {"base": "3333333.33"}, None, "1000000.00", id="朝阳 30%恰为100万"),
    # 门政发〔2020〕25号 （九）: "贴息比例…提高到50%，每家企业单一信贷产品年度利息补贴不超过50万元"
    pytest.param(
        "mentougou-2020-25", "9-p3", {"interest_paid": "300000"}, None, "150000.00", id="门头沟 利息30万 50%=15万"
    ),
    pytest.param(
        "mentougou-2020-25", "9-p3", {"interest_paid": "1000000"}, None, "500000.00", id="门头沟 贴息恰为50万"
    ),
    pytest.param(
        "mentougou-2020-25", "9-p3", {"interest_paid": "1000000.02"}, None, "500000.00", id="门头沟 超50万一分"
    ),
    pytest.param(
        "mentougou-2020-25",
        "9-p3",
        {"interest_paid": "300000"},
        Context(earlier_this_item=D("400000")),
        "100000.00",
        id="门头沟 同一信贷产品本年已获40万",
    ),
    # 门头沟 服务包 四、: "5人以上(含 5人)…每人 1500元；10人以上…2000元；20人以上…2500元；30人以上…3000元"
    *[
        pytest.param("mentougou-hr-2020-02-18", "jy-4", {"count": n}, None, expected, id=f"招用{n}人")
        for n, expected in [
            (4, "0"),
            (5, "7500"),
            (9, "13500"),
            (10, "20000"),
            (19, "38000"),
            (20, "50000"),
            (29, "72500"),
            (30, "90000"),
        ]
    ],
    pytest.param(
        "mentougou-hr-2020-02-18", "jy-4", {"count": 10, "special_1": 1}, None, "23000", id="招用本区随军家属每人3000元"
    ),
    # 门头沟 服务包 三、: "持平或增长 20%(不含)以内…30%…增长 20%及以上…50%…(最高补贴 6315元/人)"
    *[
        pytest.param(
            "mentougou-hr-2020-02-18",
            "jy-3",
            {"staff_before": 100, "staff_now": now, "contributions": "100000"},
            None,
            expected,
            id=f"社保补贴 人数100→{now}",
        )
        for now, expected in [(99, "0"), (100, "30000"), (119, "30000"), (120, "50000")]
    ],
    pytest.param(
        "mentougou-hr-2020-02-18",
        "jy-3",
        {"staff_before": 10, "staff_now": 12, "contributions": "200000"},
        None,
        "75780.00",
        id="社保补贴 最高6315元每人×12人",
    ),
    # 门头沟 服务包 二、: "按 6 个月的…月人均失业保险金标准和企业参保职工人数确定" (the standard itself is published elsewhere)
    pytest.param(
        "mentougou-hr-2020-02-18",
        "jy-2",
        {"monthly_benefit": "1800", "insured_staff": "50"},
        None,
        "540000.00",
        id="失业保险返还 6个月×标准×人数",
    ),
    # 门头沟 服务包 五、: "50 人(含)以上的,补助 2.4 万元;100 人(含)以上的,补助 4.5 万元;200 人(含)以上的,补助 9 万元"
    *[
        pytest.param("mentougou-hr-2020-02-18", "jy-5", {"count": n}, None, expected, id=f"推荐上岗{n}人")
        for n, expected in [(49, "0"), (50, "24000"), (99, "24000"), (100, "45000"), (199, "45000"), (200, "90000")]
    ],
    # 门头沟 服务包 一、(一): "岗位补贴标准为每人每年 8000 元" "最长不超过五年"
    pytest.param(
        "mentougou-hr-2020-02-18", "jy-1-1", {"persons": 2, "years": 6}, None, "80000", id="岗位补贴8000元 最长5年"
    ),
    # 门政发〔2020〕25号 （九）: "首轮…单笔补贴不超过50万元，单家机构年度补贴总额不超过150万元；首轮之后…100万元…200万元"
    pytest.param("mentougou-2020-25", "9-p2", {"case": "first_round"}, None, "500000", id="创投首轮单笔不超过50万"),
    pytest.param(
        "mentougou-2020-25",
        "9-p2",
        {"case": "first_round"},
        Context(earlier_this_year=D("1200000")),
        "300000",
        id="创投首轮年度不超过150万",
    ),
    pytest.param(
        "mentougou-2020-25",
        "9-p2",
        {"case": "later_round"},
        Context(earlier_this_year=D("1500000")),
        "500000",
        id="创投首轮之后年度不超过200万",
    ),
    # 西城 征求意见稿 第七条: "分别给予最高120万元、30万元、2万元资金奖励。单个企业不重复享受，晋级补差"
    pytest.param("xicheng-2025-draft", "7", {"level": "national"}, None, "1200000", id="小巨人最高120万"),
    pytest.param("xicheng-2025-draft", "7", {"level": "municipal"}, None, "300000", id="市级专精特新最高30万"),
    pytest.param("xicheng-2025-draft", "7", {"level": "innovative"}, None, "20000", id="创新型最高2万"),
    pytest.param(
        "xicheng-2025-draft", "7", {"level": "national"}, Context(held_level="municipal"), "900000", id="晋级补差90万"
    ),
    pytest.param(
        "xicheng-2025-draft", "7", {"level": "municipal"}, Context(held_level="national"), "0", id="已获小巨人不重复"
    ),
    pytest.param(
        "xicheng-2025-draft",
        "7",
        {"level": "national"},
        Context(group_award=D("300000"), group_measure="西发改文〔2023〕71号"),
        "900000",
        id="已获得同类补贴的企业补差",
    ),
    # 西城 征求意见稿 说明: "每家企业每年可获得资金支持上限不超过其上年度区收"
    pytest.param(
        "xicheng-2025-draft",
        "7",
        {"level": "national"},
        Context(annual_ceiling=D("1000000"), awarded_this_year_total=D("200000")),
        "800000",
        id="每年资金支持不超过上年度区收",
    ),
    # 东政办发〔2020〕3号 8.: "20万元（含）至100万元的，按支出额的5%…高于100万元（含）、不足500万元的…不超过10万元…
    # 高于500万元（含）的…不超过20万元"
    *[
        pytest.param("dongcheng-2020-3", "8", {"spending": spending}, None, expected, id=f"研发费用{spending}")
        for spending, expected in [
            ("199999.99", "0"),
            ("200000", "10000"),
            ("999999.99", "50000.00"),
            ("1000000", "100000"),
            ("4999999.99", "100000"),
            ("5000000", "200000"),
        ]
    ],
    # 东政办发〔2020〕3号 6.: "由区政府给予 30%-50%的资金补贴，最高不超过 50万元"
    pytest.param("dongcheng-2020-3", "6", {"base": "600000"}, None, "300000", id="东城楼宇 30%-50% 按50%测算"),
    pytest.param("dongcheng-2020-3", "6", {"base": "2000000"}, None, "500000", id="东城楼宇 最高不超过50万"),
    # 东金融文【2020】7号 第十五条: "代偿比例不超过 60%，最高代偿金额不超过 300万元"
    pytest.param("dongcheng-jrw-2020-7", "15-1", {"base": "10000000"}, None, "3000000", id="文化+ 代偿60% 最高300万"),
    # 西城 征求意见稿 第十五条: "按照最高2元/平方米/天，总面积不超过500平方米的标准给予连续3年房租补贴"
    pytest.param("xicheng-2025-draft", "15", {"area": "400", "days": "365"}, None, "292000", id="400平方米×2元×365天"),
    pytest.param("xicheng-2025-draft", "15", {"area": "500", "days": "365"}, None, "365000", id="恰为500平方米"),
    pytest.param("xicheng-2025-draft", "15", {"area": "800", "days": "365"}, None, "365000", id="面积不超过500平方米"),
    pytest.param("xicheng-2025-draft", "15", {"area": "500", "days": "1200"}, None, "1095000", id="连续3年"),
    # 西城 征求意见稿 第四条: "给予每家5万元奖励…连续两年保持营业收入20%以上增长的企业，再次给予每家5万元奖励"
    pytest.param("xicheng-2025-draft", "4", {"stage": "first"}, None, "50000", id="达到一定规模5万"),
    pytest.param(
        "xicheng-2025-draft",
        "4",
        {"stage": "repeat", "revenue_0": "1000", "revenue_1": "1200", "revenue_2": "1440"},
        None,
        "50000",
        id="连续两年增长20%再次5万",
    ),
    pytest.param(
        "xicheng-2025-draft",
        "4",
        {"stage": "repeat", "revenue_0": "1000", "revenue_1": "1199.99", "revenue_2": "1440"},
        None,
        "0",
        id="一年增长不足20%",
    ),
    # 西城 征求意见稿 第八条: "每年每家企业支持金额最高为100万元"
    pytest.param("xicheng-2025-draft", "8", {}, None, "1000000", id="研发投入补贴每年最高100万"),
    # 西城 征求意见稿 第十条: "按照市级支持资金1:0.5的比例给予区级配套支持"
    pytest.param("xicheng-2025-draft", "10", {"city_amount": "300000"}, None, "150000", id="市级资金1比0.5配套"),
    # 西城 征求意见稿 第十一条: "不超过实际发生金额的30%、单个项目不超过900万元（含）"
    pytest.param("xicheng-2025-draft", "11", {"base": "30000000"}, None, "9000000", id="代偿30% 单个项目900万含"),
    # 西政办发〔2020〕1号 （七）: "2 月起至 5 月底发放的不超过一年期、总额 1000万元及以下…30%的实际利息补贴"
    *[
        pytest.param(
            "xicheng-2020-1",
            "7",
            {"loan_amount": loan, "loan_term_months": term, "issued_on": issued}
            | {"interest_paid": "100000", "benchmark_interest": "90000"},
            None,
            expected,
            id=f"西城贴息 {loan}元 {term}个月 {issued}",
        )
        for loan, term, issued, expected in [
            ("10000000", "12", "2020-02-01", "27000"),  # interest above the benchmark is not subsidised
            ("10000000.01", "12", "2020-03-01", "0"),
            ("5000000", "13", "2020-03-01", "0"),
            ("5000000", "12", "2020-05-31", "27000"),
            ("5000000", "12", "2020-06-01", "0"),
        ]
    ],
    # 西政办发〔2020〕6号 (一): "免收2020年3月和4月房租；承租用于办公用房的，2020年3月和4月给予租金50%的减免"
    pytest.param(
        "xicheng-2020-6", "1", {"monthly_rent": "20000", "use": "production"}, None, "40000", id="西城3-4月免租"
    ),
    pytest.param(
        "xicheng-2020-6", "1", {"monthly_rent": "20000", "use": "office"}, None, "20000", id="西城办公用房减免50%"
    ),
    # 朝政办发〔2020〕2号 2.: "免收2月份房租，3月份、4月份房租减半；…办公用房…2月份、3月份、4月份房租减半"
    pytest.param(
        "chaoyang-2020-2", "2", {"monthly_rent": "10000", "use": "production"}, None, "20000", id="朝阳2月免3-4月减半"
    ),
    pytest.param(
        "chaoyang-2020-2", "2", {"monthly_rent": "10000", "use": "office"}, None, "15000", id="朝阳办公2-4月减半"
    ),
    # 石政发〔2020〕3号 6.: "按照贷款实际支付利息的100%给予企业财政贴息支持，单个企业贴息额度最高不超过100万元"
    pytest.param("shijingshan-2020-3", "6", {"interest_paid": "800000"}, None, "800000", id="石景山贴息100%"),
    pytest.param("shijingshan-2020-3", "6", {"interest_paid": "1200000"}, None, "1000000", id="石景山最高100万"),
    # 石政发〔2020〕3号 8.: "按照每人每天100元的补贴标准"
    pytest.param("shijingshan-2020-3", "8", {"persons": 5, "days": 20}, None, "10000", id="每人每天100元"),
    # 海淀 （八）: "超过 20笔（含）的金融机构，按照 0.5万元/笔…奖励上限为 20万元"
    *[
        pytest.param("haidian-2020-02-11", "8-4", {"count": n}, None, expected, id=f"续贷{n}笔")
        for n, expected in [(19, "0"), (20, "100000"), (40, "200000"), (41, "200000")]
    ],
    # 海淀 （七）: "按本金的 20%至 70%予以补贴，对单家机构或网点的补贴上限为 500万元"
    pytest.param("haidian-2020-02-11", "7-2", {"base": "10000000"}, None, "5000000", id="信贷损失70% 上限500万"),
    # 朝政办发〔2020〕8号 16.: "按照每名参培职工1000元的标准给予企业一次性培训补贴"
    pytest.param("chaoyang-2020-8", "16", {"persons": 30}, None, "30000", id="培训补贴每人1000元"),
    # 通政办发〔2020〕3号 （七）: "按劳务用工人数最高给予100元/人的一次性补助"
    pytest.param("tongzhou-2020-3", "7", {"persons": 250}, None, "25000", id="通州最高100元每人"),
    # 西政办发〔2020〕6号 (六): "给予50%补贴，单家机构最高不超过500万元"
    pytest.param("xicheng-2020-6", "6", {"base": "12000000"}, None, "5000000", id="担保费补贴50% 最高500万"),
]


@pytest.mark.parametrize(("doc_key", "key", "values", "context", "expected"), CASES)
def test_the_estimate_agrees_with_the_document(doc_key, key, values, context, expected):
    assert estimate_for(doc_key, key, values, context).amount == D(expected)


def test_the_chaoyang_landlord_reward_shows_its_cap():
    result = estimate_for("chaoyang-2020-8", "2", {"base": "5000000"})
    cap = next(step for step in result.steps if "上限" in step.label)
    assert (cap.amount, cap.quote) == (D("1000000.00"), "给予每个单位不超过100万元奖励")
    assert "1,500,000.00 元 超过上限，按 1,000,000.00 元 计" in cap.detail
    assert result.citation == "朝政办发〔2020〕8号 2."


def test_the_mentougou_interest_subsidy_explains_the_rate():
    result = estimate_for("mentougou-2020-25", "9-p3", {"interest_paid": "300000"})
    assert result.steps[0].detail == "300,000.00 元 × 50% = 150,000.00 元"
    assert result.citation == "门政发〔2020〕25号 （九）"


def test_the_xicheng_draft_states_the_annual_ceiling_and_the_level_group():
    doc, measure = MEASURES[("xicheng-2025-draft", "7")]
    assert "上年度区收" in doc["annual_ceiling"]
    assert measure["stacking_group"] == "xicheng-zjtx-award"


def test_a_measure_stating_no_amount_says_so():
    result = estimate_for("chaoyang-2020-2", "11", {})
    assert (result.amount, result.discretionary, result.ceiling) == (D("0"), True, None)
    assert result.steps[0].quote == "对取得重大突破的，给予奖励支持"
