"""The clauses that state several money rules, as transcribed (more_rules), and the cap period of every rule.

The expected figures are the documents' own numbers; the data is read with measures.policydata, without the
database.
"""

import re
from decimal import Decimal

import pytest

from measures.policydata import SOURCES_DIR, read_policy_data
from measures.policydata.measures import rule_of
from measures.rules import CAP_PERIODS, Context, RuleSet

D = Decimal
DATA = read_policy_data()
MEASURES = {(doc["key"], m["key"]): m for doc in DATA.documents for m in doc["measures"]}
WITH_RULES = sorted(key for key, m in MEASURES.items() if m["rule"])
SEVERAL = sorted(key for key, m in MEASURES.items() if m["more_rules"])


def ruleset(doc_key: str, key: str) -> RuleSet:
    measure = MEASURES[(doc_key, key)]
    rule = measure["rule"]
    rules = (rule_of(rule), *(rule_of(extra) for extra in measure["more_rules"]))
    return RuleSet(rules, rule["combine"] or "sum", rule["choice_label"])


def squeeze(text: str) -> str:
    return re.sub(r"[\s　]", "", text)


def test_every_rule_says_which_earlier_awards_its_cap_per_enterprise_counts():
    periods = [
        (key, rule["cap_period"])
        for key in WITH_RULES
        for rule in (MEASURES[key]["rule"], *MEASURES[key]["more_rules"])
    ]
    assert periods and all(period in CAP_PERIODS for _key, period in periods), periods


@pytest.mark.parametrize(
    ("key", "period"),
    [
        (("chaoyang-2020-8", "2"), "ever"),  # 给予每个单位不超过100万元奖励
        (("haidian-2020-02-11", "7-1"), "ever"),  # 对单家机构或网点的补贴上限为100万元
        (("mentougou-2020-25", "9-p2"), "year"),  # 单家机构年度补贴总额不超过150万元
        (("xicheng-2025-draft", "8"), "year"),  # 每年每家企业支持金额最高为100万元
        (("chaoyang-2020-2", "9"), "once"),  # 一次性给予该企业3个月应缴纳社会保险费30%的补贴
        (("xicheng-2025-draft", "7"), "once"),  # 单个企业不重复享受，晋级补差
        (("xicheng-2020-6", "1"), "none"),  # 免收2020年3月和4月房租
    ],
    ids=str,
)
def test_the_cap_period_follows_the_clauses_words(key, period):
    assert MEASURES[key]["rule"]["cap_period"] == period


def test_the_clauses_of_the_issue_hold_their_further_rules():
    assert {key: len(MEASURES[key]["more_rules"]) for key in SEVERAL}.items() >= {
        ("chaoyang-2020-8", "16"): 2,
        ("chaoyang-2020-8", "8"): 1,
        ("chaoyang-2020-8", "1"): 2,
        ("chaoyang-2020-2", "9"): 2,
        ("chaoyang-2020-2", "2"): 1,
        ("xicheng-2020-6", "1"): 1,
        ("xicheng-2020-1", "13"): 1,
        ("xicheng-2025-draft", "11"): 1,
        ("mentougou-hr-2020-02-18", "jy-1-1"): 3,
        ("mentougou-hr-2020-02-18", "jy-1-2"): 3,
        ("xicheng-2020-1", "3"): 3,
        ("dongcheng-2020-3", "13"): 1,
        ("dongcheng-2020-2", "7"): 1,
        ("dongcheng-2020-02-18-rsj", "2-1"): 1,
        ("haidian-2020-02-11", "8-5"): 1,
    }.items()


@pytest.mark.parametrize("key", SEVERAL, ids="/".join)
def test_each_further_rule_is_valid_labelled_and_quotes_words_at_the_cited_lines(key):
    measure = MEASURES[key]
    assert ruleset(*key).problems() == []
    first, last = measure["source_lines"]
    lines = (SOURCES_DIR / measure["source_file"]).read_text(encoding="utf-8").splitlines()[first - 1 : last]
    for rule in measure["more_rules"]:
        fragments = [f for f in squeeze(rule["quote"]).split("…") if f]
        assert rule["label"] and fragments and all(f in squeeze("".join(lines)) for f in fragments), rule["key"]


# --- the documents' numbers -------------------------------------------------------------------------------------------

CASES = [
    # 朝政办发〔2020〕8号 16.: "每名参培职工1000元…每名参培职工500元—3000元…每人1540元"
    pytest.param(
        ("chaoyang-2020-8", "16"),
        {"persons": "10", "stable_training__persons": "4", "temporary_post__persons": "4"},
        "28160.00",
        {"main": "10000.00", "stable_training": "12000.00", "temporary_post": "6160.00"},
        id="朝阳16 培训1000 稳岗最高3000 岗位1540",
    ),
    # 朝政办发〔2020〕8号 1.: "免收2020年3月和4月人防工程使用费；…办公、仓储自用的…2020年2月、3月和4月使用费减半"
    pytest.param(
        ("chaoyang-2020-8", "1"),
        {"rule": "civil_defence", "civil_defence__monthly_rent": "8000"},
        "16000.00",
        {"civil_defence": "16000.00"},
        id="朝阳1 人防生产经营3-4月免收",
    ),
    pytest.param(
        ("chaoyang-2020-8", "1"),
        {"rule": "civil_defence_office", "civil_defence_office__monthly_rent": "8000"},
        "12000.00",
        {"civil_defence_office": "12000.00"},
        id="朝阳1 人防办公仓储2-4月减半",
    ),
    # 朝政办发〔2020〕8号 8.: "视情况给予每年最高不超过20万元奖励"
    pytest.param(
        ("chaoyang-2020-8", "8"), {"rule": "park"}, "200000.00", {"park": "200000.00"}, id="朝阳8 园区每年20万"
    ),
    # 朝政办发〔2020〕2号 9.: "按6个月的上年度本市月人均失业保险金标准和参保职工人数，返还失业保险费…每人1000元"
    pytest.param(
        ("chaoyang-2020-2", "9"),
        {
            "staff_before": "100",
            "staff_now": "120",
            "contributions": "100000",
            "refund__monthly_benefit": "1800",
            "refund__insured_staff": "50",
            "training__persons": "20",
        },
        "610000.00",
        {"main": "50000.00", "refund": "540000.00", "training": "20000.00"},
        id="朝阳2号9 社保补贴50%+失业保险返还+培训",
    ),
    # 西政办发〔2020〕6号 (一): "给予减免金额30%的资金补贴"
    pytest.param(
        ("xicheng-2020-6", "1"),
        {"rule": "landlord", "landlord__base": "200000"},
        "60000.00",
        {"landlord": "60000.00"},
        id="西城6号(一) 出租方减免额30%",
    ),
    # 西政办发〔2020〕1号 (十三): "区政府给予减免金额 30%的资金补贴"
    pytest.param(
        ("xicheng-2020-1", "13"),
        {"rule": "landlord", "landlord__base": "100000"},
        "30000.00",
        {"landlord": "30000.00"},
        id="西城1号(十三) 出租方减免额30%",
    ),
    # 西城 征求意见稿 第十一条: "给予专精特新中小企业担保费的50%、最高不超过10万元的费用补贴"
    pytest.param(
        ("xicheng-2025-draft", "11"),
        {"rule": "guarantee_fee", "guarantee_fee__base": "150000"},
        "75000.00",
        {"guarantee_fee": "75000.00"},
        id="西城第十一条 担保费50%",
    ),
    pytest.param(
        ("xicheng-2025-draft", "11"),
        {"rule": "guarantee_fee", "guarantee_fee__base": "300000"},
        "100000.00",
        {"guarantee_fee": "100000.00"},
        id="西城第十一条 担保费补贴最高10万",
    ),
    # 东政办发〔2020〕3号 13.: "投贷奖…给予 20%的区级配套资金支持。…“房租通”…给予 20%的区级配套资金支持"
    pytest.param(
        ("dongcheng-2020-3", "13"),
        {"city_amount": "500000", "rent_pass__city_amount": "100000"},
        "120000.00",
        {"main": "100000.00", "rent_pass": "20000.00"},
        id="东城13 投贷奖与房租通各配套20%",
    ),
    # 海淀 （八）: "按照担保金额的 1%予以补贴，对单家融资担保公司的补贴上限为 100万元"
    pytest.param(
        ("haidian-2020-02-11", "8-5"),
        {"rule": "guarantee", "guarantee__base": "200000000"},
        "1000000.00",
        {"guarantee": "1000000.00"},
        id="海淀续贷担保1% 单家上限100万",
    ),
    # 门头沟 服务包 一、(一): "岗位补贴标准为每人每年 8000 元。基本养老保险补贴 16%,失业保险补贴 0.8%…医疗保险补贴 10%"
    pytest.param(
        ("mentougou-hr-2020-02-18", "jy-1-1"),
        {
            "persons": "2",
            "years": "1",
            "pension__base": "100000",
            "unemployment__base": "100000",
            "medical__base": "50000",
        },
        "37800.00",
        {"main": "16000", "pension": "16000.00", "unemployment": "800.00", "medical": "5000.00"},
        id="门头沟 岗位补贴+养老16%+失业0.8%+医疗10%",
    ),
]


@pytest.mark.parametrize(("key", "values", "expected", "parts"), CASES)
def test_the_rules_of_a_clause_give_the_documents_figures(key, values, expected, parts):
    result = ruleset(*key).estimate(values, context=Context())
    assert result.amount == D(expected)
    assert {part.key: part.amount for part in result.parts} == {k: D(v) for k, v in parts.items()}
