"""Kinds about premises: rent_months_waived (rent waived for named months or periods, by use of the premises) and
area_rate_days (area × rate per square metre and day × days)."""

from __future__ import annotations

from decimal import Decimal

from .base import (
    ZERO,
    Input,
    Param,
    check_items,
    money_input,
    months_text,
    number,
    percent,
    plain,
    quantize_yuan,
    rate_needles,
    yuan,
)
from .caps import Work
from .kind import RuleKind

# rent_months_waived -----------------------------------------------------------------------------------------------

_USES = (("production", "生产经营用房"), ("office", "办公用房"))


def _periods(params: dict) -> list[dict]:
    if "periods" in params:
        return params["periods"]
    period = {"months": params["months"], "rate": params["rate"]}
    if "office_rate" in params:
        period["office_rate"] = params["office_rate"]
    return [period]


def _rent_check(params: dict) -> list[str]:
    single = [name for name in ("months", "rate", "office_rate") if name in params]
    if "periods" in params:
        if single:
            return [f"参数“periods”不能与{'、'.join(single)}同时使用"]
        fields = {
            "months": Param("months", "月份"),
            "month_count": Param("count", "月数（文件未写明哪几个月时）"),
            "rate": Param("rate", "减免比例"),
            "office_rate": Param("rate", "办公用房减免比例"),
        }
        problems, periods = check_items("periods", params["periods"], fields, ("rate",), what="段")
        for index, period in enumerate(periods, start=1):
            if "months" in period and "month_count" in period:
                problems.append(f"periods 第{index}段不能同时给出 months 和 month_count")
        return problems
    missing = [name for name in ("months", "rate") if name not in params]
    return [f"缺少参数“{name}”（或改用 periods）" for name in missing]


def _rent_inputs(params: dict) -> list[Input]:
    inputs = [money_input("monthly_rent", params.get("base") or "月租金")]
    periods = _periods(params)
    if any("office_rate" in p for p in periods):
        inputs.append(Input("use", "房屋用途", "choice", choices=_USES))
    for index, period in enumerate(periods, start=1):
        if "months" not in period and "month_count" not in period:
            inputs.append(
                Input(
                    f"months_{index}",
                    f"按{percent(number(period['rate']))}减免的月数",
                    "integer",
                    unit="月",
                    help="文件未写明月数，按实际享受的月数填写",
                )
            )
    return inputs


def _rent_compute(work: Work) -> Decimal:
    rent = work.values["monthly_rent"]
    office = work.values.get("use") == "office"
    total = ZERO
    for index, period in enumerate(_periods(work.params), start=1):
        rate = number(period["office_rate"] if office and "office_rate" in period else period["rate"])
        if "months" in period:
            count, which = len(period["months"]), months_text(period["months"])
        elif "month_count" in period:
            count, which = period["month_count"], f"{period['month_count']}个月"
        else:
            count, which = work.values[f"months_{index}"], f"后续{work.values[f'months_{index}']}个月"
        amount = quantize_yuan(rent * count * rate)
        total += amount
        use = "（办公用房）" if office and "office_rate" in period else ""
        work.step(
            f"{which}{use}：减免{percent(rate)}",
            amount,
            f"{count} 个月 × {yuan(rent)} × {percent(rate)} = {yuan(amount)}",
            work.words(*rate_needles(rate)),
        )
    return total


RENT_MONTHS_WAIVED = RuleKind(
    name="rent_months_waived",
    label="按月减免租金",
    params={
        "months": Param("months", '减免的月份，如 ["2020-03", "2020-04"]'),
        "rate": Param("rate", "减免比例（“1”为全免）"),
        "office_rate": Param("rate", "办公用房的减免比例"),
        "periods": Param("list", "分段减免 [{months 或 month_count, rate, office_rate}]"),
        "base": Param("text", "每月金额的名称（默认“月租金”）"),
    },
    inputs=_rent_inputs,
    compute=_rent_compute,
    check=_rent_check,
)


# area_rate_days ---------------------------------------------------------------------------------------------------


def _area_compute(work: Work) -> Decimal:
    params = work.params
    rate = number(params["rate_per_sqm_day"])
    area, days = work.values["area"], work.values["days"]
    if params.get("up_to"):
        work.discretionary = True
        work.step(
            f"标准为最高 {plain(rate)} 元/平方米/天",
            None,
            "由主管部门在此标准内核定；测算按最高标准",
            work.words(f"{plain(rate)}元"),
        )
    if "area_cap_sqm" in params:
        cap = number(params["area_cap_sqm"])
        verdict = f"超过上限，按 {plain(cap)} 平方米计" if area > cap else "未超过上限，不调整"
        work.step(
            f"面积不超过 {plain(cap)} 平方米",
            None,
            f"{plain(area)} 平方米 {verdict}",
            work.words(f"{plain(cap)}平方米"),
        )
        area = min(area, cap)
    if "years" in params:
        limit = params["years"] * 365
        verdict = f"超过上限，按 {limit} 天计" if days > limit else "未超过上限，不调整"
        work.step(
            f"连续 {params['years']} 年（按每年 365 天计，至多 {limit} 天）",
            None,
            f"{days} 天 {verdict}",
            work.words(f"{params['years']}年"),
        )
        days = min(days, limit)
    amount = quantize_yuan(area * rate * days)
    work.step(
        "按面积 × 标准 × 天数计算",
        amount,
        f"{plain(area)} 平方米 × {plain(rate)} 元/平方米/天 × {days} 天 = {yuan(amount)}",
        work.words(f"{plain(rate)}元"),
    )
    return amount


AREA_RATE_DAYS = RuleKind(
    name="area_rate_days",
    label="按面积、标准和天数补贴",
    params={
        "rate_per_sqm_day": Param("amount", "每平方米每天的金额（元）", required=True),
        "area_cap_sqm": Param("amount", "面积上限（平方米）"),
        "years": Param("count", "连续补贴的年数"),
        "up_to": Param("flag", "标准为最高标准（“最高”）"),
    },
    inputs=lambda params: [
        Input("area", "租用面积", "decimal", unit="平方米"),
        Input("days", "本次申请补贴的天数", "integer", unit="天"),
    ],
    compute=_area_compute,
)
