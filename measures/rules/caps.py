"""Caps and earlier awards: the state of one estimate (Work) and every limit that reduces an amount.

- Work.cap: one cap, less what was awarded before, recorded as a step.
- apply_caps: the caps a kind's parameters name (cap_per_item, cap_per_project, cap_per_product_year,
  cap_per_entity, cap_per_entity_year, cap), in that order; cap_params declares them on a kind.
- CAP_PERIODS / check_cap_period / entity_earlier: which earlier awards under the rule a cap per enterprise counts
  (every one, ever; this year's; or the award is paid once, ever: apply_once), as the rule's data says.
- item_scope / item_input: which earlier awards a cap per project, item or product counts, and the input naming it.
- apply_group: a stacking group (从高、不重复、晋级补差) pays only the part above the award already held.
- apply_annual_ceiling: the yearly ceiling tied to the prior-year district contribution (上年度区收).

Every cap is a step of its own: nothing is capped silently.
"""

from __future__ import annotations

from decimal import Decimal

from .base import ZERO, Context, Input, Param, Step, money_needles, number, quantize_yuan, quoted_words, yuan


class Work:
    """The state of one estimate: the parameters, the typed inputs, the steps so far."""

    def __init__(self, params: dict, values: dict, context: Context, quote: str, cap_period: str = ""):
        self.params = params
        self.values = values
        self.context = context
        self.quote = quote
        self.cap_period = cap_period
        self.steps: list[Step] = []
        self.discretionary = False
        self.no_amount = False  # reviewer_sets / other: the document states no amount at all
        self.amount = ZERO  # the rule's own amount, once computed (RuleKind.run)

    def step(self, label: str, amount: Decimal | None = None, detail: str = "", quote: str = "") -> None:
        self.steps.append(Step(label, None if amount is None else quantize_yuan(amount), detail, quote))

    def words(self, *needles: str) -> str:
        return quoted_words(self.quote, list(needles))

    def cap(self, amount: Decimal, limit: Decimal, label: str, *, earlier: Decimal = ZERO, earlier_label: str = ""):
        """Apply one cap (less what was awarded before) and record it as a step; return the capped amount."""
        limit = Decimal(limit)
        earlier = Decimal(earlier or 0)
        remaining = max(limit - earlier, ZERO)
        parts = []
        if earlier > 0:
            parts.append(f"上限 {yuan(limit)} − {earlier_label} {yuan(earlier)} = 剩余 {yuan(remaining)}")
        room = "剩余额度" if earlier > 0 else "上限"
        if amount > remaining:
            parts.append(f"{yuan(amount)} 超过{room}，按 {yuan(remaining)} 计")
            amount = remaining
        else:
            parts.append(f"{yuan(amount)} 未超过{room} {yuan(remaining)}，不调整")
        self.step(f"{label} {yuan(limit)}", amount, "；".join(parts), self.words(*money_needles(limit)))
        return amount


# Which earlier awards under the rule a cap per enterprise (每个单位、每家企业、单家机构) counts, as the rule's data
# says (`cap_period`): "ever" when the words name no year, "year" for 年度/每年, "once" for an award paid once per
# enterprise (一次性, 不重复享受), "none" when the rule caps nothing per enterprise.
CAP_PERIODS = {
    "ever": "每家（每个单位）上限，累计此前各年度在本项已获的支持",
    "year": "每家每年上限，只计本年度在本项已获的支持",
    "once": "每家企业只给予一次",
    "none": "不设每家上限",
}

# Caps shared by several kinds: parameter, label, which earlier awards count against it ("entity": as cap_period).
_CAPS = (
    ("cap_per_item", "单笔（单项）上限", "item"),
    ("cap_per_project", "单个项目上限", "item"),
    ("cap_per_product_year", "单一产品年度上限", "item"),
    ("cap_per_entity", "每个单位上限", "entity"),
    ("cap_per_entity_year", "每家每年上限", "year"),
    ("cap", "上限", None),
)


def entity_earlier(work: Work, *, yearly: bool = False) -> tuple[Decimal, str]:
    """Return the earlier awards a cap per enterprise counts and how to name them: this year's for a yearly cap or
    a rule whose cap_period is "year", otherwise every earlier award under the rule, whatever year."""
    context = work.context
    if yearly or work.cap_period == "year":
        return context.earlier_this_year, "本年度本措施已获"
    return max(context.earlier_ever, context.earlier_this_year), "此前各年度本措施累计已获"


def apply_caps(work: Work, amount: Decimal) -> Decimal:
    """Apply every shared cap the parameters name, each less the earlier awards it counts."""
    for name, label, earlier in _CAPS:
        if name not in work.params:
            continue
        before, earlier_label = ZERO, ""
        if earlier == "item":
            before, earlier_label = work.context.earlier_this_item, "同一项目（产品）已获"
        elif earlier in ("entity", "year"):
            before, earlier_label = entity_earlier(work, yearly=earlier == "year")
        amount = work.cap(amount, number(work.params[name]), label, earlier=before, earlier_label=earlier_label)
    return amount


def entity_caps(kind: str, params: dict) -> tuple[bool, bool]:
    """Return whether the rule caps the amount per enterprise with no year in its words, and per enterprise and
    year (每年、年度)."""
    per = params.get("per") if kind == "discretionary_ceiling" else None
    cases = params.get("cases") if kind == "discretionary_ceiling" and isinstance(params.get("cases"), list) else []
    bands = params.get("bands") if kind == "spending_tiers" and isinstance(params.get("bands"), list) else []
    without_year = (
        "cap_per_entity" in params or per == "entity" or any(isinstance(b, dict) and "cap" in b for b in bands)
    )
    yearly = (
        "cap_per_entity_year" in params
        or per == "year"
        or any(isinstance(c, dict) and "cap_per_entity_year" in c for c in cases)
    )
    return without_year, yearly


def check_cap_period(kind: str, params: dict, period: str) -> list[str]:
    """Return what is wrong with a rule's cap_period, given the caps its parameters state."""
    if period not in CAP_PERIODS:
        return [f"cap_period 必须是以下之一：{'、'.join(CAP_PERIODS)}（{'；'.join(CAP_PERIODS.values())}）"]
    without_year, yearly = entity_caps(kind, params)
    if (params.get("top_up") or params.get("no_repeat")) and period != "once":
        return ["不重复享受、晋级补差（no_repeat、top_up）的规则，cap_period 应为 once"]
    if period == "none" and (without_year or yearly):
        return ["规则规定了每家（每个单位）上限，cap_period 不能为 none"]
    if period == "ever" and yearly:
        return ["规则规定了每年的上限（cap_per_entity_year 或 per: year），cap_period 应为 year"]
    if period == "ever" and not without_year:
        return ["cap_period: ever 需要每家（每个单位）上限（cap_per_entity 或 per: entity）"]
    if period == "year" and not (without_year or yearly):
        return ["cap_period: year 需要每家上限（cap_per_entity、cap_per_entity_year 或 per: year/entity）"]
    return []


def apply_once(work: Work) -> bool:
    """An award paid once per enterprise (cap_period "once"), already received under the rule: record the step
    saying so and return True (the estimate is 0). Where the rule awards by level or stage (fixed_by_level,
    growth_award), once for each level or stage; 晋级补差 (top_up) pays the difference instead: see fixed_by_level.
    """
    if work.cap_period != "once" or work.params.get("top_up"):
        return False
    context = work.context
    received = max(context.earlier_ever, context.earlier_this_year)
    awarded = context.earlier_awards
    what = work.values.get("level") or work.values.get("stage")
    if what and awarded:  # an award per level or stage (首次获得国家级、市级认定): once for each
        awarded = tuple(award for award in awarded if award.level == what)
        received = sum((award.amount for award in awarded), ZERO)
    if received <= 0:
        return False
    awards = "、".join(str(award) for award in awarded) or yuan(received)
    work.step(
        "每家企业只给予一次：已获得，不再给予",
        ZERO,
        f"本企业已获本项支持 {awards}；本项支持每家企业只给予一次",
        work.words("一次性", "不重复"),
    )
    return True


def cap_params(*names: str) -> dict[str, Param]:
    """Return the parameters of the shared caps a kind accepts."""
    labels = {
        "cap_per_item": "单笔（单项）补贴上限（元）",
        "cap_per_project": "单个项目上限（元）",
        "cap_per_product_year": "单一产品每年上限（元）",
        "cap_per_entity": "每个单位上限（元）",
        "cap_per_entity_year": "每家每年上限（元）",
        "cap": "上限（元）",
    }
    return {name: Param("money", labels[name]) for name in names}


def item_scope(kind: str, params: dict) -> str | None:
    """Return which earlier awards a cap per project, item or product counts: "year" (a cap per product and year:
    this year's), "all" (a cap per project or item), or None when no cap applies per one."""
    if "cap_per_product_year" in params:
        return "year"
    if "cap_per_item" in params or "cap_per_project" in params:
        return "all"
    if kind == "discretionary_ceiling" and params.get("per", "item") in ("item", "project"):
        return "all"
    return None


def item_input(kind: str, params: dict) -> Input | None:
    """Return the input naming the project or product a cap applies to, or None when no cap applies per one.

    A cap per project, item or product can only count what the same project already received if the applicant says
    which project it is; the name is compared with that of the enterprise's earlier awards under the measure.
    """
    scope = item_scope(kind, params)
    if scope is None:
        return None
    label, counted = {
        "year": ("信贷产品名称", "同一产品本年度已获的补贴计入该产品的年度上限"),
        "all": ("项目名称", "同一项目已获的支持计入该项目的上限"),
    }[scope]
    return Input("project", label, "text", help=f"与本企业此前申请时填写的名称一致：{counted}")


def apply_group(work: Work, amount: Decimal) -> Decimal:
    """Stacking group (从高、不重复、晋级补差): pay only the part above the award already held in the group."""
    held = Decimal(work.context.group_award or 0)
    if held <= 0:
        return amount
    where = f"（{work.context.group_measure}）" if work.context.group_measure else ""
    if work.no_amount:
        work.step(
            "同类政策不重复享受",
            None,
            f"已获同类政策奖励 {yuan(held)}{where}；牵头部门核定时只补足高出部分",
            work.context.group_quote,
        )
        return amount
    if amount <= held:
        work.step(
            "同类政策不重复享受",
            ZERO,
            f"已获同类政策奖励 {yuan(held)}{where}，不低于本项测算的 {yuan(amount)}，不再给予",
            work.context.group_quote,
        )
        return ZERO
    top_up = amount - held
    work.step(
        "同类政策从高补差",
        top_up,
        f"{yuan(amount)} − 已获同类政策奖励 {yuan(held)}{where} = {yuan(top_up)}",
        work.context.group_quote,
    )
    return top_up


def apply_annual_ceiling(work: Work, amount: Decimal) -> Decimal:
    """The yearly ceiling tied to the prior-year district contribution (上年度区收)."""
    ceiling = work.context.annual_ceiling
    if ceiling is None:
        return amount
    ceiling = Decimal(ceiling)
    awarded = Decimal(work.context.awarded_this_year_total or 0)
    remaining = max(ceiling - awarded, ZERO)
    covers = f"（计入{work.context.annual_ceiling_covers}）" if work.context.annual_ceiling_covers else ""
    detail = f"上年度区级贡献 {yuan(ceiling)} − 本年度已获资金支持{covers} {yuan(awarded)} = 剩余 {yuan(remaining)}"
    quote = work.context.annual_ceiling_quote
    if work.no_amount:
        work.step("每年资金支持上限", None, f"{detail}；牵头部门核定的金额不超过剩余额度", quote)
        return amount
    if amount > remaining:
        work.step(
            "每年资金支持上限", remaining, f"{detail}；{yuan(amount)} 超过剩余额度，按 {yuan(remaining)} 计", quote
        )
        return remaining
    work.step("每年资金支持上限", amount, f"{detail}；{yuan(amount)} 未超过剩余额度，不调整", quote)
    return amount
