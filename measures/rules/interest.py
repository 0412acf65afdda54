"""interest_subsidy (贷款贴息): conditions on the loan (amount, term, issue date), the interest paid or the interest at
the benchmark rate, and the rate of subsidy."""

from __future__ import annotations

from decimal import Decimal

from .base import (
    ZERO,
    Input,
    Param,
    as_date,
    money_input,
    money_needles,
    number,
    percent,
    quantize_yuan,
    rate_needles,
    yuan,
)
from .caps import Work, apply_caps, cap_params
from .kind import RuleKind

# interest_subsidy -------------------------------------------------------------------------------------------------


def _interest_inputs(params: dict) -> list[Input]:
    inputs = []
    if "loan_max_amount" in params:
        inputs.append(money_input("loan_amount", "贷款金额"))
    if "loan_max_term_months" in params:
        inputs.append(Input("loan_term_months", "贷款期限", "integer", unit="月"))
    if "issued_from" in params or "issued_to" in params:
        inputs.append(Input("issued_on", "贷款发放日期", "date"))
    if not params.get("of_benchmark"):
        inputs.append(money_input("interest_paid", "实际支付的贷款利息"))
    if params.get("of_benchmark") or params.get("benchmark_cap"):
        inputs.append(
            money_input("benchmark_interest", "按同期贷款基准利率计算的利息", help="以贷款银行出具的计算为准")
        )
    return inputs


def _interest_check(params: dict) -> list[str]:
    problems = []
    if params.get("of_benchmark") and params.get("benchmark_cap"):
        problems.append("参数“of_benchmark”与“benchmark_cap”不能同时使用")
    low, high = as_date(params.get("issued_from")), as_date(params.get("issued_to"))
    if low and high and low > high:
        problems.append("参数“issued_from”（发放起始日）不能晚于“issued_to”（发放截止日）")
    return problems


def _interest_compute(work: Work) -> Decimal:
    params, values = work.params, work.values
    failed = False

    def condition(ok: bool, label: str, detail: str, needles: list[str]) -> None:
        nonlocal failed
        failed = failed or not ok
        work.step(
            label + ("：符合" if ok else "：不符合，不予贴息"), None if ok else ZERO, detail, work.words(*needles)
        )

    if "loan_max_amount" in params:
        limit = number(params["loan_max_amount"])
        loan = values["loan_amount"]
        condition(loan <= limit, "贷款金额", f"{yuan(loan)}，条件为不超过 {yuan(limit)}", money_needles(limit))
    if "loan_max_term_months" in params:
        limit = params["loan_max_term_months"]
        term = values["loan_term_months"]
        needles = [f"{limit}个月", "一年期" if limit == 12 else f"{limit}月"]
        condition(term <= limit, "贷款期限", f"{term} 个月，条件为不超过 {limit} 个月", needles)
    if "issued_from" in params or "issued_to" in params:
        low, high = as_date(params.get("issued_from")), as_date(params.get("issued_to"))
        issued = values["issued_on"]
        ok = (low is None or issued >= low) and (high is None or issued <= high)
        window = f"{low or '不限'} 至 {high or '不限'}"
        condition(ok, "贷款发放日期", f"{issued}，条件为 {window} 期间发放", ["月起", "发放"])
    if failed:
        return ZERO
    if params.get("of_benchmark"):
        base = values["benchmark_interest"]
        label = "按基准利率计算的利息"
    else:
        base = values["interest_paid"]
        label = "实际支付的利息"
        if params.get("benchmark_cap"):
            benchmark = values["benchmark_interest"]
            if base > benchmark:
                work.step(
                    "超出基准利率的部分不予补贴",
                    benchmark,
                    f"实际利息 {yuan(base)} 超过按基准利率计算的 {yuan(benchmark)}，按 {yuan(benchmark)} 计",
                    work.words("基准利率"),
                )
                base = benchmark
            else:
                work.step(
                    "超出基准利率的部分不予补贴",
                    base,
                    f"实际利息 {yuan(base)} 未超过按基准利率计算的 {yuan(benchmark)}，不调整",
                    work.words("基准利率"),
                )
    rate = number(params["rate"])
    amount = quantize_yuan(base * rate)
    work.step(
        f"按{label}的{percent(rate)}贴息",
        amount,
        f"{yuan(base)} × {percent(rate)} = {yuan(amount)}",
        work.words(*rate_needles(rate)),
    )
    return apply_caps(work, amount)


INTEREST_SUBSIDY = RuleKind(
    name="interest_subsidy",
    label="贷款贴息",
    params={
        "rate": Param("rate", "贴息比例", required=True),
        "of_benchmark": Param("flag", "比例按基准利率计算的利息计"),
        "benchmark_cap": Param("flag", "超出基准利率的部分不予补贴"),
        **cap_params("cap_per_product_year", "cap_per_item", "cap_per_entity", "cap_per_entity_year"),
        "loan_max_amount": Param("money", "贷款金额不超过（元）"),
        "loan_max_term_months": Param("count", "贷款期限不超过（月）"),
        "issued_from": Param("date", "发放日期不早于"),
        "issued_to": Param("date", "发放日期不晚于"),
    },
    inputs=_interest_inputs,
    compute=_interest_compute,
    check=_interest_check,
)
