"""Kinds counted per person: per_head_tiers (every head at the amount of the tier reached, plus special groups),
count_tiers (one lump sum per tier), per_head_flat (per person, person-day or person-year) and
contribution_by_headcount_change (a share of social insurance contributions set by the change in headcount)."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from .base import (
    ZERO,
    Input,
    Param,
    check_items,
    money_input,
    money_needles,
    number,
    percent,
    quantize_yuan,
    rate_needles,
    share,
    yuan,
)
from .caps import Work, apply_caps, cap_params
from .kind import RuleKind

# per_head_tiers and count_tiers -----------------------------------------------------------------------------------

_TIER_FIELDS = {"min_count": Param("count", "人数下限（含）"), "amount": Param("money", "金额（元）")}


def _tiers_check(params: dict) -> list[str]:
    problems, tiers = check_items("tiers", params["tiers"], _TIER_FIELDS, ("min_count", "amount"), what="档")
    if problems:
        return problems
    counts = [tier["min_count"] for tier in tiers]
    if any(b <= a for a, b in pairwise(counts)):
        problems.append("tiers 必须按人数下限 min_count 从小到大排列（ascending order），且不能重复")
    if "special" in params:
        special, _items = check_items(
            "special",
            params["special"],
            {"label": Param("text", "人员类别"), "amount": Param("money", "每人金额（元）")},
            ("label", "amount"),
        )
        problems += special
    return problems


def _tier_for(work: Work, count: int, unit_label: str) -> dict | None:
    tiers = work.params["tiers"]
    chosen = None
    for tier in tiers:
        if count >= tier["min_count"]:
            chosen = tier
    if chosen is None:
        lowest = tiers[0]["min_count"]
        work.step(
            f"{unit_label} {count} 人，未达到最低档 {lowest} 人，不予补贴",
            ZERO,
            f"最低档为 {lowest} 人以上（含 {lowest} 人）",
            work.words(*money_needles(number(tiers[0]["amount"]))),
        )
    return chosen


def _per_head_tiers_inputs(params: dict) -> list[Input]:
    inputs = [Input("count", params.get("count_label") or "招用人数", "integer", unit="人")]
    for index, special in enumerate(params.get("special") or [], start=1):
        inputs.append(
            Input(
                f"special_{index}", f"{special['label']}人数", "integer", unit="人", required=False, help="没有请留空"
            )
        )
    return inputs


def _per_head_tiers_compute(work: Work) -> Decimal:
    count = work.values["count"]
    label = work.params.get("count_label") or "招用人数"
    amount = ZERO
    tier = _tier_for(work, count, label)
    if tier is not None:
        each = number(tier["amount"])
        amount = quantize_yuan(each * count)
        work.step(
            f"{label} {count} 人，适用 {tier['min_count']} 人以上（含 {tier['min_count']} 人）档，每人 {yuan(each)}",
            amount,
            f"{count} 人 × {yuan(each)} = {yuan(amount)}",
            work.words(*money_needles(each)),
        )
    for index, special in enumerate(work.params.get("special") or [], start=1):
        heads = work.values.get(f"special_{index}") or 0
        if heads:
            each = number(special["amount"])
            extra = quantize_yuan(each * heads)
            amount += extra
            work.step(
                f"{special['label']}每人 {yuan(each)}",
                extra,
                f"{heads} 人 × {yuan(each)} = {yuan(extra)}",
                work.words(special["label"]),
            )
    return apply_caps(work, amount)


PER_HEAD_TIERS = RuleKind(
    name="per_head_tiers",
    label="按人数分档、每人定额",
    params={
        "tiers": Param("list", "档次 [{min_count, amount}]，按人数从小到大", required=True),
        "special": Param("list", "另按人员类别给予的每人金额 [{label, amount}]"),
        "count_label": Param("text", "人数的名称（如“招用人数”）"),
        **cap_params("cap_per_entity"),
    },
    inputs=_per_head_tiers_inputs,
    compute=_per_head_tiers_compute,
    check=_tiers_check,
)


def _count_tiers_compute(work: Work) -> Decimal:
    count = work.values["count"]
    label = work.params.get("count_label") or "人数"
    tier = _tier_for(work, count, label)
    if tier is None:
        return ZERO
    amount = number(tier["amount"])
    work.step(
        f"{label} {count} 人，适用 {tier['min_count']} 人以上（含 {tier['min_count']} 人）档",
        amount,
        f"该档一次性给予 {yuan(amount)}",
        work.words(*money_needles(amount)),
    )
    return amount


COUNT_TIERS = RuleKind(
    name="count_tiers",
    label="按人数分档定额",
    params={
        "tiers": Param("list", "档次 [{min_count, amount}]（amount 为该档的总额）", required=True),
        "count_label": Param("text", "人数的名称（如“推荐成功上岗人数”）"),
    },
    inputs=lambda params: [Input("count", params.get("count_label") or "人数", "integer", unit="人")],
    compute=_count_tiers_compute,
    check=_tiers_check,
)


# per_head_flat ----------------------------------------------------------------------------------------------------

_UNITS = {"person": "每人", "person_day": "每人每天", "person_year": "每人每年"}


def _per_head_flat_check(params: dict) -> list[str]:
    problems = []
    if "amount_min" in params and number(params["amount_min"]) > number(params["amount"]):
        problems.append("参数“amount_min”（最低标准）不能大于“amount”（最高标准）")
    if "max_days" in params and params["unit"] != "person_day":
        problems.append("参数“max_days”只适用于 unit: person_day")
    if "max_years" in params and params["unit"] != "person_year":
        problems.append("参数“max_years”只适用于 unit: person_year")
    return problems


def _per_head_flat_inputs(params: dict) -> list[Input]:
    inputs = [Input("persons", params.get("count_label") or "人数", "integer", unit="人")]
    if params["unit"] == "person_day":
        inputs.append(Input("days", "每人天数", "integer", unit="天"))
    if params["unit"] == "person_year":
        inputs.append(Input("years", "补贴年数", "integer", unit="年"))
    return inputs


def _per_head_flat_compute(work: Work) -> Decimal:
    params, values = work.params, work.values
    each = number(params["amount"])
    unit = _UNITS[params["unit"]]
    if "amount_min" in params:
        work.discretionary = True
        low = number(params["amount_min"])
        work.step(
            f"标准为{unit}{yuan(low)}至{yuan(each)}",
            None,
            f"由主管部门在此范围内核定；测算按最高标准{yuan(each)}",
            work.words(*money_needles(low), *money_needles(each)),
        )
    elif params.get("up_to"):
        work.discretionary = True
        work.step(
            f"标准为{unit}最高{yuan(each)}",
            None,
            "由主管部门在此标准内核定；测算按最高标准",
            work.words(*money_needles(each)),
        )
    persons = values["persons"]
    times, detail = 1, f"{persons} 人 × {yuan(each)}"
    if params["unit"] in ("person_day", "person_year"):
        key, word, limit_key = (
            ("days", "天", "max_days") if params["unit"] == "person_day" else ("years", "年", "max_years")
        )
        times = values[key]
        if limit_key in params:
            limit = params[limit_key]
            if times > limit:
                work.step(
                    f"最长不超过 {limit} {word}",
                    None,
                    f"填写的 {times} {word} 超过上限，按 {limit} {word} 计",
                    work.words(f"{limit}{word}", "五年" if limit == 5 else f"{limit}年"),
                )
                times = limit
            else:
                work.step(f"最长不超过 {limit} {word}", None, f"{times} {word}，未超过上限", work.words("最长"))
        detail = f"{persons} 人 × {times} {word} × {yuan(each)}"
    amount = quantize_yuan(each * persons * times)
    work.step(f"按{unit}{yuan(each)}计算", amount, f"{detail} = {yuan(amount)}", work.words(*money_needles(each)))
    return apply_caps(work, amount)


PER_HEAD_FLAT = RuleKind(
    name="per_head_flat",
    label="按人（人天、人年）定额",
    params={
        "amount": Param("money", "每人（每人每天、每人每年）金额；有范围时为最高标准", required=True),
        "amount_min": Param("money", "范围的最低标准（如“500元—3000元”的500）"),
        "unit": Param("choice", "计算单位", required=True, choices=tuple(_UNITS)),
        "max_days": Param("count", "每人最多天数"),
        "max_years": Param("count", "最多年数"),
        "up_to": Param("flag", "金额为最高标准（“最高给予”）"),
        "count_label": Param("text", "人数的名称"),
        **cap_params("cap_per_entity"),
    },
    inputs=_per_head_flat_inputs,
    compute=_per_head_flat_compute,
    check=_per_head_flat_check,
)


# contribution_by_headcount_change ---------------------------------------------------------------------------------


def _headcount_check(params: dict) -> list[str]:
    fields = {"min_growth": Param("ratio", '人数增长下限（含），如 "0.20"'), "rate": Param("rate", "补贴比例")}
    problems, rates = check_items("rates", params["rates"], fields, ("min_growth", "rate"), what="档")
    if problems:
        return problems
    growths = [number(r["min_growth"]) for r in rates]
    if any(b <= a for a, b in pairwise(growths)):
        problems.append("rates 必须按人数增长下限 min_growth 从小到大排列（ascending order），且不能重复")
    return problems


def _headcount_inputs(params: dict) -> list[Input]:
    months = params["months"]
    return [
        Input("staff_before", "上年月均参保职工人数", "integer", unit="人", help="与文件规定的比较基期一致"),
        Input("staff_now", "本期月均参保职工人数", "integer", unit="人", help="如截至4月底的月均人数"),
        money_input("contributions", f"{months}个月实际缴纳的社会保险费（单位缴费部分）"),
    ]


def _headcount_check_values(params: dict, values: dict) -> dict[str, str]:
    if values.get("staff_before") == 0:
        return {"staff_before": "上年月均参保职工人数必须大于0"}
    return {}


def _headcount_compute(work: Work) -> Decimal:
    before, now = work.values["staff_before"], work.values["staff_now"]
    growth = (Decimal(now) - before) / before
    work.step(
        "人数变化",
        None,
        f"({now} − {before}) ÷ {before} = {share(growth)}",
    )
    chosen = None
    for band in work.params["rates"]:
        if growth >= number(band["min_growth"]):
            chosen = band
    if chosen is None:
        lowest = number(work.params["rates"][0]["min_growth"])
        work.step(
            f"人数变化 {share(growth)}，低于 {percent(lowest)}，不予补贴",
            ZERO,
            "文件规定人数持平或增长的才给予补贴" if lowest == 0 else f"最低档为增长 {percent(lowest)} 及以上",
            work.words("持平"),
        )
        return ZERO
    rate = number(chosen["rate"])
    work.step(
        f"适用增长 {percent(number(chosen['min_growth']))} 及以上档，补贴比例 {percent(rate)}",
        None,
        f"人数变化 {share(growth)} ≥ {percent(number(chosen['min_growth']))}",
        work.words(*rate_needles(rate)),
    )
    contributions = work.values["contributions"]
    amount = quantize_yuan(contributions * rate)
    work.step(
        f"按{work.params['months']}个月社会保险费的{percent(rate)}计算",
        amount,
        f"{yuan(contributions)} × {percent(rate)} = {yuan(amount)}",
        work.words(*rate_needles(rate)),
    )
    if "cap_per_person" in work.params:
        each = number(work.params["cap_per_person"])
        limit = quantize_yuan(each * now)
        before_cap = amount
        amount = min(amount, limit)
        verdict = f"超过上限，按 {yuan(limit)} 计" if before_cap > limit else "未超过上限，不调整"
        work.step(
            f"每人最高 {yuan(each)}",
            amount,
            f"上限 {yuan(each)} × {now} 人 = {yuan(limit)}；{yuan(before_cap)} {verdict}",
            work.words(*money_needles(each)),
        )
    return amount


CONTRIBUTION_BY_HEADCOUNT_CHANGE = RuleKind(
    name="contribution_by_headcount_change",
    label="按人数变化确定比例的社会保险费补贴",
    params={
        "months": Param("count", "补贴的月数", required=True),
        "rates": Param("list", "比例档 [{min_growth, rate}]，按增长下限从小到大", required=True),
        "cap_per_person": Param("money", "每人上限（元）"),
    },
    inputs=_headcount_inputs,
    compute=_headcount_compute,
    check=_headcount_check,
    check_values=_headcount_check_values,
)
