"""Caps and earlier awards: the state of one estimate (Work) and every limit that reduces an amount.

- Work.cap: one cap, less what was awarded before, recorded as a step.
- apply_caps: the caps a kind's parameters name (cap_per_item, cap_per_project, cap_per_product_year,
  cap_per_entity, cap_per_entity_year, cap), in that order; cap_params declares them on a kind.
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

    def __init__(self, params: dict, values: dict, context: Context, quote: str):
        self.params = params
        self.values = values
        self.context = context
        self.quote = quote
        self.steps: list[Step] = []
        self.discretionary = False
        self.no_amount = False  # reviewer_sets / other: the document states no amount at all

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


# Caps shared by several kinds: parameter, label, which earlier awards count against it.
_CAPS = (
    ("cap_per_item", "单笔（单项）上限", "item"),
    ("cap_per_project", "单个项目上限", "item"),
    ("cap_per_product_year", "单一产品年度上限", "item"),
    ("cap_per_entity", "每个单位上限", "year"),
    ("cap_per_entity_year", "每家每年上限", "year"),
    ("cap", "上限", None),
)
_EARLIER_LABELS = {"item": "同一项目（产品）已获", "year": "本年度本措施已获"}


def apply_caps(work: Work, amount: Decimal) -> Decimal:
    """Apply every shared cap the parameters name, each less the earlier awards it counts."""
    for name, label, earlier in _CAPS:
        if name in work.params:
            before = {
                "item": work.context.earlier_this_item,
                "year": work.context.earlier_this_year,
                None: ZERO,
            }[earlier]
            amount = work.cap(
                amount,
                number(work.params[name]),
                label,
                earlier=before,
                earlier_label=_EARLIER_LABELS.get(earlier, ""),
            )
    return amount


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
    detail = f"上年度区级贡献 {yuan(ceiling)} − 本年度已获资金支持 {yuan(awarded)} = 剩余 {yuan(remaining)}"
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
