"""Caps that hold across years, awards paid once, 晋级补差 against the record and the annual ceiling's coverage,
through the estimate API with `"enterprise": true` (the signed-in enterprise's earlier awards counted).

朝政办发〔2020〕8号 2.: "给予每个单位不超过100万元奖励" — no year in the words, so every earlier award counts: an
enterprise awarded 80万 in an earlier year under it could, before, be estimated the full 100万 again.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.workflow.estimates import estimate
from measures.models import Measure
from tests.factories import ApplicationFactory, chaoyang_software_owner

pytestmark = pytest.mark.django_db

D = Decimal
LANDLORD = ("chaoyang-2020-8", "2")  # 每个单位不超过100万元 (cap_period ever)
RESEARCH = ("xicheng-2025-draft", "8")  # 每年每家企业支持金额最高为100万元 (year)
TRAINING = ("dongcheng-2020-02-18-rsj", "3")  # 每人1000元…一次性技能培训补贴 (once)
LEVELS = ("xicheng-2025-draft", "7")  # 120万、30万、2万…单个企业不重复享受，晋级补差 (once, top_up)
GUARANTEE = ("xicheng-2025-draft", "11")  # 担保机构补偿，或专精特新企业担保费50%、最高不超过10万元 (choice)
XICHENG_2020 = ("xicheng-2020-6", "6")  # another 西城区 document: not under 004's annual ceiling


def measure(key):
    return Measure.objects.get(document__key=key[0], key=key[1])


@pytest.fixture
def owner(policy_data):
    return chaoyang_software_owner()


def award(owner, key, amount, *, years_ago=0, inputs=None, snapshot=None, status="closed"):
    submitted = timezone.now() - datetime.timedelta(days=366 * years_ago)
    return ApplicationFactory(
        created_by=owner,
        measure=measure(key),
        status=status,
        inputs=inputs or {},
        proposed_amount=D(amount),
        approved_amount=D(amount),
        submitted_at=submitted,
        rule_snapshot=snapshot or {},
    )


def post(client, key, inputs):
    answer = client.post(
        f"/api/measures/{measure(key).pk}/estimate",
        json.dumps({"inputs": inputs, "enterprise": True}),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


def details(body):
    return " ".join(f"{step['label']} {step['detail']}" for step in body["steps"])


# --- a cap per unit with no year counts every earlier award ---------------------------------------------------------


@pytest.mark.parametrize("years_ago", [0, 1, 3], ids=["same year", "last year", "three years ago"])
def test_an_earlier_award_in_any_year_counts_against_a_cap_per_unit(client, owner, years_ago):
    award(owner, LANDLORD, "800000", years_ago=years_ago)
    client.force_login(owner)
    body = post(client, LANDLORD, {"base": "5000000"})
    assert body["amount"] == "200000.00"
    assert "此前各年度本措施累计已获 800,000.00 元" in details(body)


def test_a_cap_per_unit_counts_every_earlier_award_together(client, owner):
    award(owner, LANDLORD, "600000", years_ago=2)
    award(owner, LANDLORD, "300000", years_ago=1)
    client.force_login(owner)
    assert post(client, LANDLORD, {"base": "5000000"})["amount"] == "100000.00"


def test_without_earlier_awards_the_cap_per_unit_is_whole(client, owner):
    award(chaoyang_software_owner(), LANDLORD, "800000")  # another enterprise's award does not count
    client.force_login(owner)
    assert post(client, LANDLORD, {"base": "5000000"})["amount"] == "1000000.00"


# --- a yearly cap counts the year's awards --------------------------------------------------------------------------


@pytest.mark.parametrize(("years_ago", "expected"), [(0, "400000.00"), (1, "1000000.00")])
def test_a_yearly_cap_counts_only_this_years_awards(client, owner, years_ago, expected):
    award(owner, RESEARCH, "600000", years_ago=years_ago)
    client.force_login(owner)
    assert post(client, RESEARCH, {})["amount"] == expected


# --- an award paid once ---------------------------------------------------------------------------------------------


def test_a_once_only_award_is_estimated_the_first_time(client, owner):
    client.force_login(owner)
    assert post(client, TRAINING, {"persons": "12"})["amount"] == "12000.00"


@pytest.mark.parametrize("years_ago", [0, 2])
def test_a_second_estimate_of_a_once_only_award_gives_nothing_and_says_why(client, owner, years_ago):
    earlier = award(owner, TRAINING, "12000", years_ago=years_ago)
    client.force_login(owner)
    body = post(client, TRAINING, {"persons": "30"})
    assert body["amount"] == "0.00"
    step = body["steps"][0]
    assert step["label"] == "每家企业只给予一次：已获得，不再给予"
    assert f"申请编号 {earlier.reference}" in step["detail"] and "12,000.00 元" in step["detail"]


def test_a_refused_or_withdrawn_case_is_no_award(client, owner):
    award(owner, TRAINING, "12000", status="rejected")
    award(owner, TRAINING, "12000", status="withdrawn")
    client.force_login(owner)
    assert post(client, TRAINING, {"persons": "30"})["amount"] == "30000.00"


# --- 晋级补差 against the record ------------------------------------------------------------------------------------


def test_an_upgrade_pays_the_difference_to_the_amount_actually_awarded(client, owner):
    lower = award(owner, LEVELS, "250000", years_ago=1, inputs={"level": "municipal"})
    client.force_login(owner)
    body = post(client, LEVELS, {"level": "national"})
    assert body["amount"] == "950000.00"  # 120万 − the 25万 awarded, not − the 30万 maximum of the level
    step = next(s for s in body["steps"] if s["label"] == "晋级补差")
    assert "250,000.00 元" in step["detail"] and lower.reference in step["detail"]


def test_an_upgrade_counts_a_top_up_already_paid(client, owner):
    award(owner, LEVELS, "20000", years_ago=2, inputs={"level": "innovative"})
    award(owner, LEVELS, "280000", years_ago=1, inputs={"level": "municipal"})
    client.force_login(owner)
    assert post(client, LEVELS, {"level": "national"})["amount"] == "900000.00"


def test_the_same_level_again_gives_nothing(client, owner):
    award(owner, LEVELS, "300000", years_ago=1, inputs={"level": "municipal"})
    client.force_login(owner)
    assert post(client, LEVELS, {"level": "municipal"})["amount"] == "0.00"


# --- the annual ceiling counts the awards of the documents it names ---------------------------------------------------


def test_the_annual_ceiling_counts_this_years_awards_under_the_documents_it_covers(client, owner):
    owner.enterprise.prior_year_district_contribution = D("1000000")
    owner.enterprise.save()
    award(owner, RESEARCH, "300000")  # under 004: counted
    award(owner, XICHENG_2020, "500000")  # 西政办发〔2020〕6号: another document, not counted
    award(owner, RESEARCH, "400000", years_ago=1)  # last year: not counted
    client.force_login(owner)
    body = post(client, LEVELS, {"level": "national"})
    assert body["amount"] == "700000.00"
    step = next(s for s in body["steps"] if s["label"] == "每年资金支持上限")
    assert (
        "本年度已获资金支持（计入《北京市西城区支持中小企业高质量发展的若干措施（征求意见稿）》项下的资金支持） 300,000.00 元"
        in step["detail"]
    )


# --- a clause with several rules: each counts its own earlier awards -------------------------------------------------


def test_each_rule_of_a_clause_counts_the_earlier_awards_under_it(client, owner):
    # an earlier case computed with the guarantee-fee rule (its part on record), and one from before parts were kept
    snapshot = {"version": "x", "combine": "choice", "rules": [{"key": "guarantee_fee", "amount": "70000.00"}]}
    award(owner, GUARANTEE, "70000", years_ago=1, inputs={"rule": "guarantee_fee"}, snapshot=snapshot)
    award(owner, GUARANTEE, "500000", years_ago=1, inputs={"base": "2000000", "project": "甲项目"})
    client.force_login(owner)
    body = post(client, GUARANTEE, {"rule": "guarantee_fee", "guarantee_fee__base": "300000"})
    assert body["amount"] == "30000.00"  # 50% = 15万, at most 10万 less the 7万 received
    assert [(p["key"], p["amount"]) for p in body["parts"]] == [("guarantee_fee", "30000.00")]


# --- the rules an estimate was computed with ------------------------------------------------------------------------


def test_an_estimate_names_the_version_of_the_rules_and_each_part(client, policy_data):
    target = measure(("chaoyang-2020-8", "16"))
    answer = client.post(
        f"/api/measures/{target.pk}/estimate",
        json.dumps({"inputs": {"persons": "2", "temporary_post__persons": "2"}}),
        content_type="application/json",
    ).json()
    assert answer["amount"] == "5080.00"
    assert answer["rule_version"] == target.ruleset.version
    assert [(p["key"], p["amount"]) for p in answer["parts"]] == [("main", "2000.00"), ("temporary_post", "3080.00")]
    listed = next(
        m for m in client.get("/api/measures/", {"document": "朝政办发〔2020〕8号"}).json() if m["id"] == target.pk
    )
    assert [r["key"] for r in listed["rules"]] == ["main", "stable_training", "temporary_post"]
    assert listed["combine"] == "sum" and listed["rule_kind"] == "per_head_flat"


def test_a_case_keeps_the_rules_it_was_estimated_with(owner):
    target = measure(TRAINING)
    result = estimate(target, {"persons": "3"}, enterprise=owner.enterprise)
    assert result.rule_version == target.ruleset.version
    assert result.rule_snapshot["rules"][0] | {"params": None} == {
        "key": "main",
        "label": "",
        "kind": "per_head_flat",
        "params": None,
        "quote": target.rule_quote,
        "cap_period": "once",
        "version": target.ruleset.version,
        "amount": "3000.00",
    }
