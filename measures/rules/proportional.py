"""Kinds that take a share of a figure the applicant gives: percent_of_base (a rate, or a range the reviewer decides
within), matching_ratio (1:x of a city award) and fee_waiver (a fee reduced or waived)."""

from __future__ import annotations

from decimal import Decimal

from .base import Param, money_input, months_text, number, percent, plain, quantize_yuan, rate_needles, yuan
from .caps import Work, apply_caps, cap_params
from .kind import RuleKind

# percent_of_base --------------------------------------------------------------------------------------------------


def _rate_choice(work: Work) -> Decimal:
    """Return the rate to apply; a range or a maximum makes the estimate discretionary (the reviewer decides)."""
    params = work.params
    if "rate" in params:
        return number(params["rate"])
    high = number(params["rate_max"])
    work.discretionary = True
    if "rate_min" in params:
        low = number(params["rate_min"])
        work.step(
            f"比例为{percent(low)}至{percent(high)}",
            None,
            f"由主管部门在{percent(low)}至{percent(high)}之间核定；测算按最高比例{percent(high)}",
            work.words(*rate_needles(low), *rate_needles(high)),
        )
    else:
        work.step(
            f"比例不超过{percent(high)}",
            None,
            f"由主管部门在{percent(high)}以内核定；测算按最高比例{percent(high)}",
            work.words(*rate_needles(high)),
        )
    return high


def _percent_check(params: dict) -> list[str]:
    problems = []
    if "rate" in params and ("rate_min" in params or "rate_max" in params):
        problems.append("参数“rate”与“rate_min”/“rate_max”只能给出一种")
    if "rate" not in params and "rate_max" not in params:
        problems.append("缺少参数“rate”（比例）或“rate_max”（最高比例）")
    if "rate_min" in params and "rate_max" not in params:
        problems.append("给出“rate_min”时必须同时给出“rate_max”")
    if "rate_min" in params and "rate_max" in params and number(params["rate_min"]) > number(params["rate_max"]):
        problems.append("参数“rate_min”（最低比例）不能大于“rate_max”（最高比例）")
    return problems


def _percent_compute(work: Work) -> Decimal:
    rate = _rate_choice(work)
    base = work.values["base"]
    amount = quantize_yuan(base * rate)
    work.step(
        f"按{work.params['base']}的{percent(rate)}计算",
        amount,
        f"{yuan(base)} × {percent(rate)} = {yuan(amount)}",
        work.words(*rate_needles(rate)),
    )
    return apply_caps(work, amount)


PERCENT_OF_BASE = RuleKind(
    name="percent_of_base",
    label="按基数的比例计算",
    params={
        "base": Param("text", "计算基数（中文，如“减免的租金金额”）", required=True),
        "rate": Param("rate", "比例"),
        "rate_min": Param("rate", "最低比例"),
        "rate_max": Param("rate", "最高比例"),
        **cap_params("cap_per_item", "cap_per_entity", "cap_per_entity_year", "cap_per_project"),
    },
    inputs=lambda params: [money_input("base", params["base"])],
    compute=_percent_compute,
    check=_percent_check,
)


# matching_ratio ---------------------------------------------------------------------------------------------------


def _matching_compute(work: Work) -> Decimal:
    ratio = number(work.params["ratio"])
    city = work.values["city_amount"]
    amount = quantize_yuan(city * ratio)
    work.step(
        f"按{work.params['of']} 1:{plain(ratio)} 配套",
        amount,
        f"{yuan(city)} × {plain(ratio)} = {yuan(amount)}",
        work.words(f"1:{plain(ratio)}", *rate_needles(ratio)),
    )
    return apply_caps(work, amount)


MATCHING_RATIO = RuleKind(
    name="matching_ratio",
    label="按比例配套市级资金",
    params={
        "ratio": Param("ratio", '配套比例（1:0.5 写作 "0.5"）', required=True),
        "of": Param("text", "配套的对象（如“市级支持资金”）", required=True),
        **cap_params("cap"),
    },
    inputs=lambda params: [money_input("city_amount", f"获得的{params['of']}")],
    compute=_matching_compute,
)


# fee_waiver -------------------------------------------------------------------------------------------------------


def _fee_compute(work: Work) -> Decimal:
    rate = number(work.params["rate"])
    fee = work.values["fee_amount"]
    amount = quantize_yuan(fee * rate)
    months = f"（{months_text(work.params['months'])}）" if "months" in work.params else ""
    work.step(
        f"{work.params['fee']}{months}减免{percent(rate)}",
        amount,
        f"{yuan(fee)} × {percent(rate)} = {yuan(amount)}",
        work.words(*rate_needles(rate)),
    )
    return amount


FEE_WAIVER = RuleKind(
    name="fee_waiver",
    label="费用减免",
    params={
        "fee": Param("text", "减免的费用（中文）", required=True),
        "rate": Param("rate", "减免比例（“1”为免收，“0.5”为减半）", required=True),
        "months": Param("months", "减免的月份"),
    },
    inputs=lambda params: [money_input("fee_amount", "应缴费用金额", help=f"减免的费用：{params['fee']}")],
    compute=_fee_compute,
)
