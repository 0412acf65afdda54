"""Awards and refunds that are not a share of one figure: formula_refund (months × factors), fixed_by_level
(an amount per recognised level, paid once with the difference on an upgrade), spending_tiers (bands of
spending), growth_award (reaching a size, then consecutive years of growth), discretionary_ceiling (the reviewer
decides up to a ceiling), fixed_amount (a lump sum or an amount per unit), reviewer_sets and other (no amount
stated: the lead department decides)."""

from __future__ import annotations

import re
from dataclasses import replace
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
    plain,
    quantize_yuan,
    rate_needles,
    share,
    yuan,
)
from .caps import Work, apply_caps, cap_params, entity_earlier
from .kind import RuleKind

# formula_refund ---------------------------------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_FACTOR_TYPES = ("money", "integer", "decimal")


def _formula_check(params: dict) -> list[str]:
    fields = {
        "name": Param("text", "输入项的英文名"),
        "label": Param("text", "中文名称"),
        "type": Param("choice", "类型", choices=_FACTOR_TYPES),
        "unit": Param("text", "单位"),
    }
    problems, factors = check_items("factors", params["factors"], fields, ("name", "label", "type"))
    names = [f.get("name") for f in factors]
    for name in names:
        if isinstance(name, str) and not _IDENTIFIER.match(name):
            problems.append(f"factors 的 name “{name}” 必须是小写英文字母、数字和下划线")
    if len(set(names)) != len(names):
        problems.append("factors 的 name 不能重复")
    return problems


def _formula_compute(work: Work) -> Decimal:
    months = work.params["months"]
    amount = Decimal(months)
    parts = [f"{months} 个月"]
    for factor in work.params["factors"]:
        value = work.values[factor["name"]]
        amount *= value
        if factor["type"] == "money":
            parts.append(yuan(value))
        else:
            parts.append(f"{plain(Decimal(value))} {factor.get('unit', '')}".strip())
    amount = quantize_yuan(amount)
    labels = " × ".join([f"{months}个月"] + [f["label"] for f in work.params["factors"]])
    work.step(f"按 {labels} 计算", amount, f"{' × '.join(parts)} = {yuan(amount)}", work.words(f"{months}个月", "个月"))
    return amount


FORMULA_REFUND = RuleKind(
    name="formula_refund",
    label="按公式返还",
    params={
        "months": Param("count", "月数", required=True),
        "factors": Param("list", "相乘的各项 [{name, label, type, unit}]", required=True),
    },
    inputs=lambda params: [
        Input(f["name"], f["label"], f["type"], unit=f.get("unit", "元" if f["type"] == "money" else ""))
        for f in params["factors"]
    ],
    compute=_formula_compute,
    check=_formula_check,
)


# fixed_by_level ---------------------------------------------------------------------------------------------------


def _levels_check(params: dict) -> list[str]:
    fields = {"level": Param("text", "等级代码"), "label": Param("text", "等级名称"), "amount": Param("money", "金额")}
    problems, levels = check_items("levels", params["levels"], fields, ("level", "label", "amount"))
    codes = [item.get("level") for item in levels]
    for code in codes:
        if isinstance(code, str) and not _IDENTIFIER.match(code):
            problems.append(f"levels 的 level “{code}” 必须是小写英文字母、数字和下划线")
    if len(set(codes)) != len(codes):
        problems.append("levels 的 level 不能重复")
    return problems


def _level_compute(work: Work) -> Decimal:
    levels = {item["level"]: item for item in work.params["levels"]}
    level = levels[work.values["level"]]
    amount = number(level["amount"])
    if work.params.get("up_to"):
        work.discretionary = True
    word = "最高" if work.params.get("up_to") else ""
    work.step(
        f"{level['label']}：{word}{yuan(amount)}",
        amount,
        "由主管部门在此额度内核定" if word else "",
        work.words(*money_needles(amount)),
    )
    held_code = work.context.held_level
    if not held_code:
        return amount
    if held_code not in levels:
        raise ValueError(f"held_level {held_code!r} is not a level of this rule")
    held = levels[held_code]
    held_amount, found = _held_award(work, held)
    if work.params.get("top_up"):
        if number(held["amount"]) >= amount:
            work.step(
                "晋级补差：已获同级或更高等级奖励，不重复享受",
                ZERO,
                f"已获{held['label']}奖励 {found}；该等级标准 {yuan(number(held['amount']))} ≥ {yuan(amount)}",
                work.words("不重复", "补差"),
            )
            return ZERO
        top_up = max(amount - held_amount, ZERO)
        work.step(
            "晋级补差",
            top_up,
            f"{yuan(amount)} − 已获{held['label']}奖励 {found} = {yuan(top_up)}",
            work.words("补差"),
        )
        return top_up
    if work.params.get("no_repeat"):
        work.step("不重复享受", ZERO, f"已获{held['label']}奖励 {found}", work.words("不重复"))
        return ZERO
    return amount


def _held_award(work: Work, held: dict) -> tuple[Decimal, str]:
    """Return what the enterprise was actually awarded under the rule before (its record: every earlier award, so
    a top-up already paid counts too) and how the step names it; without a record, the held level's amount."""
    context = work.context
    if context.held_amount is None:
        amount = number(held["amount"])
        return amount, f"{yuan(amount)}（未找到获奖记录，按该等级标准计）"
    awards = "；".join(f"申请编号 {a.reference}，{a.year}年 {yuan(a.amount)}" for a in context.earlier_awards)
    where = f"（{awards}）" if awards else ""
    return Decimal(context.held_amount), f"{yuan(context.held_amount)}{where}"


FIXED_BY_LEVEL = RuleKind(
    name="fixed_by_level",
    label="按认定等级定额奖励",
    params={
        "levels": Param("list", "等级 [{level, label, amount}]", required=True),
        "no_repeat": Param("flag", "不重复享受"),
        "top_up": Param("flag", "晋级补差"),
        "up_to": Param("flag", "金额为最高额（“最高给予”）"),
    },
    inputs=lambda params: [
        Input(
            "level",
            "认定等级",
            "choice",
            choices=tuple((item["level"], item["label"]) for item in params["levels"]),
        )
    ],
    compute=_level_compute,
    check=_levels_check,
)


# spending_tiers ---------------------------------------------------------------------------------------------------


def _bands_check(params: dict) -> list[str]:
    fields = {
        "min": Param("money", "下限（含）"),
        "max": Param("money", "上限（不含，除非 max_inclusive）"),
        "max_inclusive": Param("flag", "上限含本数"),
        "rate": Param("rate", "比例"),
        "cap": Param("money", "每家上限"),
    }
    problems, bands = check_items("bands", params["bands"], fields, ("min",), what="档")
    if problems:
        return problems
    for index, band in enumerate(bands, start=1):
        if "rate" not in band and "cap" not in band:
            problems.append(f"bands 第{index}档必须给出 rate（比例）或 cap（上限）")
        if "max" in band and number(band["min"]) >= number(band["max"]):
            problems.append(f"bands 第{index}档的下限 min 必须小于上限 max")
    for index, (low, high) in enumerate(pairwise(bands), start=2):
        if "max" not in low:
            problems.append(f"bands 第{index - 1}档没有上限 max，只能是最后一档")
            continue
        if number(high["min"]) < number(low["max"]) or (
            number(high["min"]) == number(low["max"]) and low.get("max_inclusive")
        ):
            problems.append(
                f"bands 第{index}档与第{index - 1}档重叠（下限须不低于上一档的上限），且须从小到大排列（ascending order）"
            )
    return problems


def _band_text(band: dict) -> str:
    low = f"{yuan(number(band['min']))}（含）"
    if "max" not in band:
        return f"{low}以上"
    inclusive = "（含）" if band.get("max_inclusive") else "（不含）"
    return f"{low}至 {yuan(number(band['max']))}{inclusive}"


def _spending_compute(work: Work) -> Decimal:
    spending = work.values["spending"]
    bands = work.params["bands"]
    chosen = None
    for band in bands:
        low = number(band["min"])
        high = number(band["max"]) if "max" in band else None
        if spending >= low and (high is None or spending < high or (band.get("max_inclusive") and spending == high)):
            chosen = band
    if chosen is None:
        lowest = number(bands[0]["min"])
        reason = f"未达到最低档 {yuan(lowest)}" if spending < lowest else "不在任何档次内"
        work.step(f"{yuan(spending)} {reason}，不予补助", ZERO, "", work.words(*money_needles(lowest)))
        return ZERO
    index = bands.index(chosen) + 1
    needles = money_needles(number(chosen["min"])) + (money_needles(number(chosen["max"])) if "max" in chosen else [])
    work.step(f"适用第{index}档：{_band_text(chosen)}", None, f"{yuan(spending)} 在本档内", work.words(*needles))
    if "rate" in chosen:
        rate = number(chosen["rate"])
        amount = quantize_yuan(spending * rate)
        work.step(
            f"按支出额的{percent(rate)}计算",
            amount,
            f"{yuan(spending)} × {percent(rate)} = {yuan(amount)}",
            work.words(*rate_needles(rate)),
        )
        if "cap" in chosen:
            earlier, earlier_label = _band_earlier(work)
            amount = work.cap(
                amount, number(chosen["cap"]), "本档每家上限", earlier=earlier, earlier_label=earlier_label
            )
        return amount
    cap = number(chosen["cap"])
    work.discretionary = True
    work.step(
        f"本档每家不超过 {yuan(cap)}",
        cap,
        "文件只规定上限，由主管部门核定；测算按上限",
        work.words(*money_needles(cap)),
    )
    earlier, earlier_label = _band_earlier(work)
    if earlier > 0:
        return work.cap(cap, cap, "本档每家上限", earlier=earlier, earlier_label=earlier_label)
    return cap


def _band_earlier(work: Work) -> tuple[Decimal, str]:
    """A band's cap "每家不超过" counts the earlier awards under the rule its cap_period names (none without one)."""
    if work.cap_period not in ("ever", "year"):
        return ZERO, ""
    return entity_earlier(work)


SPENDING_TIERS = RuleKind(
    name="spending_tiers",
    label="按支出额分档补助",
    params={
        "bands": Param("list", "档次 [{min, max, max_inclusive, rate, cap}]，从小到大，不重叠", required=True),
        "base": Param("text", "支出的名称（如“上一年度研发费用支出额”）"),
    },
    inputs=lambda params: [money_input("spending", params.get("base") or "上一年度研发费用支出额")],
    compute=_spending_compute,
    check=_bands_check,
)


# growth_award -----------------------------------------------------------------------------------------------------


def _growth_check(params: dict) -> list[str]:
    if "repeat_amount" in params and not ("growth_threshold" in params and "consecutive_years" in params):
        return ["给出“repeat_amount”时必须同时给出“growth_threshold”和“consecutive_years”"]
    if ("growth_threshold" in params or "consecutive_years" in params) and "repeat_amount" not in params:
        return ["给出“growth_threshold”或“consecutive_years”时必须同时给出“repeat_amount”（再次奖励金额）"]
    return []


def _growth_inputs(params: dict) -> list[Input]:
    if "repeat_amount" not in params:
        return []
    years = params["consecutive_years"]
    inputs = [
        Input(
            "stage",
            "申请的奖励",
            "choice",
            choices=(("first", "首次达到规模的奖励"), ("repeat", f"达到规模后连续{years}年增长的再次奖励")),
        ),
        money_input("revenue_0", "达到规模当年的营业收入"),
    ]
    inputs += [money_input(f"revenue_{i}", f"其后第{i}年的营业收入") for i in range(1, years + 1)]
    return [i if i.name == "stage" else replace(i, required=False) for i in inputs]


def _growth_check_values(params: dict, values: dict) -> dict[str, str]:
    if values.get("stage") != "repeat":
        return {}
    errors = {}
    for spec in _growth_inputs(params)[1:]:
        if values.get(spec.name) is None:
            errors[spec.name] = f"请填写{spec.label}"
        elif spec.name != f"revenue_{params['consecutive_years']}" and values[spec.name] == 0:
            errors[spec.name] = f"{spec.label}必须大于0"
    return errors


def _growth_compute(work: Work) -> Decimal:
    params = work.params
    amount = number(params["amount"])
    if work.values.get("stage") != "repeat":
        work.step(
            "成长达到规定规模的奖励",
            amount,
            "是否达到规定规模由主管部门认定",
            work.words(*money_needles(amount)),
        )
        return amount
    threshold = number(params["growth_threshold"])
    years = params["consecutive_years"]
    ok = True
    for year in range(1, years + 1):
        before, now = work.values[f"revenue_{year - 1}"], work.values[f"revenue_{year}"]
        growth = (now - before) / before
        passed = growth >= threshold
        ok = ok and passed
        work.step(
            f"第{year}年营业收入增长 {share(growth)}" + ("" if passed else f"，低于 {percent(threshold)}"),
            None,
            f"({yuan(now)} − {yuan(before)}) ÷ {yuan(before)} = {share(growth)}",
            work.words(*rate_needles(threshold)),
        )
    repeat = number(params["repeat_amount"])
    if not ok:
        work.step(f"未连续{years}年保持 {percent(threshold)} 以上增长，不予再次奖励", ZERO)
        return ZERO
    work.step(f"连续{years}年增长 {percent(threshold)} 以上，再次奖励", repeat, "", work.words("再次"))
    return repeat


GROWTH_AWARD = RuleKind(
    name="growth_award",
    label="成长奖励",
    params={
        "amount": Param("money", "达到规模的奖励（元）", required=True),
        "growth_threshold": Param("ratio", '再次奖励要求的年增长率（含），如 "0.20"'),
        "consecutive_years": Param("count", "连续增长的年数"),
        "repeat_amount": Param("money", "再次奖励（元）"),
    },
    inputs=_growth_inputs,
    compute=_growth_compute,
    check=_growth_check,
    check_values=_growth_check_values,
)


# discretionary_ceiling --------------------------------------------------------------------------------------------

_PERS = {"item": "每项", "event": "每场", "year": "每年", "entity": "每家", "project": "每个项目"}


def _discretionary_check(params: dict) -> list[str]:
    if "cases" in params:
        if "ceiling" in params:
            return ["参数“ceiling”与“cases”只能给出一种"]
        fields = {
            "case": Param("text", "情形代码"),
            "label": Param("text", "情形名称"),
            "ceiling": Param("money", "该情形的上限"),
            "cap_per_entity_year": Param("money", "该情形每家每年上限"),
        }
        problems, cases = check_items("cases", params["cases"], fields, ("case", "label", "ceiling"))
        codes = [c.get("case") for c in cases]
        if len(set(codes)) != len(codes):
            problems.append("cases 的 case 不能重复")
        return problems
    if "ceiling" not in params:
        return ["缺少参数“ceiling”（上限）或“cases”"]
    return []


def _discretionary_compute(work: Work) -> Decimal:
    params = work.params
    work.discretionary = True
    per = params.get("per", "item")
    yearly = params.get("cap_per_entity_year")
    if "cases" in params:
        case = next(c for c in params["cases"] if c["case"] == work.values["case"])
        ceiling = number(case["ceiling"])
        yearly = case.get("cap_per_entity_year", yearly)
        label = f"{case['label']}：{_PERS[per]}最高不超过 {yuan(ceiling)}"
    else:
        ceiling = number(params["ceiling"])
        label = f"视情况给予，{_PERS[per]}最高不超过 {yuan(ceiling)}"
    work.step(label, ceiling, "由主管部门视情况核定金额；测算按上限", work.words(*money_needles(ceiling)))
    amount = ceiling
    if per in ("item", "project") and work.context.earlier_this_item > 0:
        amount = work.cap(
            amount, ceiling, "同一项目上限", earlier=work.context.earlier_this_item, earlier_label="同一项目已获"
        )
    if per in ("year", "entity"):
        earlier, earlier_label = entity_earlier(work, yearly=per == "year")
        if earlier > 0:
            amount = work.cap(amount, ceiling, f"{_PERS[per]}上限", earlier=earlier, earlier_label=earlier_label)
    if yearly is not None:
        earlier, earlier_label = entity_earlier(work, yearly=True)
        amount = work.cap(amount, number(yearly), "每家每年上限", earlier=earlier, earlier_label=earlier_label)
    return amount


DISCRETIONARY_CEILING = RuleKind(
    name="discretionary_ceiling",
    label="视情况给予（最高不超过）",
    params={
        "ceiling": Param("money", "最高金额（元）"),
        "per": Param("choice", "上限的单位", choices=tuple(_PERS)),
        "cap_per_entity_year": Param("money", "每家每年上限（元）"),
        "cases": Param("list", "按情形分别规定上限 [{case, label, ceiling, cap_per_entity_year}]"),
    },
    inputs=lambda params: (
        [Input("case", "情形", "choice", choices=tuple((c["case"], c["label"]) for c in params["cases"]))]
        if "cases" in params
        else []
    ),
    compute=_discretionary_compute,
    check=_discretionary_check,
)


# fixed_amount -----------------------------------------------------------------------------------------------------


def _fixed_check(params: dict) -> list[str]:
    if "min_count" in params and "per" not in params:
        return ["给出“min_count”时必须同时给出“per”（计数单位）"]
    return []


def _fixed_compute(work: Work) -> Decimal:
    params = work.params
    each = number(params["amount"])
    if params.get("up_to"):
        work.discretionary = True
    word = "最高" if params.get("up_to") else ""
    if "per" not in params:
        work.step(f"定额{word}{yuan(each)}", each, "", work.words(*money_needles(each)))
        return each
    count, per = work.values["count"], params["per"]
    if "min_count" in params and count < params["min_count"]:
        work.step(
            f"{count} {per}，未达到 {params['min_count']} {per}，不予奖励",
            ZERO,
            "",
            work.words(f"{params['min_count']}{per}"),
        )
        return ZERO
    amount = quantize_yuan(each * count)
    work.step(
        f"按每{per}{word}{yuan(each)}计算",
        amount,
        f"{count} {per} × {yuan(each)} = {yuan(amount)}",
        work.words(*money_needles(each)),
    )
    return apply_caps(work, amount)


FIXED_AMOUNT = RuleKind(
    name="fixed_amount",
    label="定额",
    params={
        "amount": Param("money", "金额（元；给出 per 时为每单位金额）", required=True),
        "per": Param("text", "计数单位（如“笔”）；不给出则为一次性定额"),
        "min_count": Param("count", "至少的数量（含）"),
        "up_to": Param("flag", "金额为最高额"),
        **cap_params("cap_per_entity"),
    },
    inputs=lambda params: (
        [Input("count", f"{params['per']}数", "integer", unit=params["per"])] if "per" in params else []
    ),
    compute=_fixed_compute,
    check=_fixed_check,
)


# reviewer_sets and other ------------------------------------------------------------------------------------------


def _reviewer_compute(work: Work) -> Decimal:
    work.no_amount = True
    detail = work.params.get("basis") or work.params.get("description") or ""
    work.step("文件未规定金额或计算方法，由牵头部门核定", None, detail, work.quote)
    return ZERO


def _other_compute(work: Work) -> Decimal:
    work.no_amount = True
    work.step("本措施的计算方式无法按已知规则测算，由牵头部门核定", None, work.params["description"], work.quote)
    return ZERO


REVIEWER_SETS = RuleKind(
    name="reviewer_sets",
    label="文件未定金额（由牵头部门核定）",
    params={
        "description": Param("text", "文件给予的支持（中文）"),
        "basis": Param("text", "金额如何确定（如“按原政策兑现”）"),
    },
    inputs=lambda params: [],
    compute=_reviewer_compute,
)

OTHER = RuleKind(
    name="other",
    label="其他（无法按已知规则测算）",
    params={"description": Param("text", "计算方式的说明（中文）", required=True)},
    inputs=lambda params: [],
    compute=_other_compute,
)
