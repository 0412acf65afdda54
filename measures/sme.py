"""Classify an enterprise as large, medium, small or micro under 工信部联企业〔2011〕300号 (中小企业划型标准规定)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import TextChoices
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Industry(TextChoices):
    """The industries of the standard; values are its category names, so stored data reads like the standard."""

    AGRICULTURE = "农、林、牧、渔业", _("农、林、牧、渔业")
    INDUSTRIAL = "工业", _("工业")
    CONSTRUCTION = "建筑业", _("建筑业")
    WHOLESALE = "批发业", _("批发业")
    RETAIL = "零售业", _("零售业")
    TRANSPORT = "交通运输业", _("交通运输业")
    WAREHOUSING = "仓储业", _("仓储业")
    POSTAL = "邮政业", _("邮政业")
    ACCOMMODATION = "住宿业", _("住宿业")
    CATERING = "餐饮业", _("餐饮业")
    INFORMATION_TRANSMISSION = "信息传输业", _("信息传输业")
    SOFTWARE_IT = "软件和信息技术服务业", _("软件和信息技术服务业")
    REAL_ESTATE_DEVELOPMENT = "房地产开发经营", _("房地产开发经营")
    PROPERTY_MANAGEMENT = "物业管理", _("物业管理")
    LEASING_BUSINESS_SERVICES = "租赁和商务服务业", _("租赁和商务服务业")
    OTHER = "其他未列明行业", _("其他未列明行业")


class Size(TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class Figure(TextChoices):
    """The figures the standard measures; the values are the keyword arguments of classify()."""

    EMPLOYEES = "employees", _("从业人员")
    REVENUE = "revenue", _("营业收入")
    ASSETS = "assets", _("资产总额")


UNITS = {Figure.EMPLOYEES: _("人"), Figure.REVENUE: _("万元"), Figure.ASSETS: _("万元")}

E, R, A = Figure.EMPLOYEES, Figure.REVENUE, Figure.ASSETS

# The table of the standard: per industry, the tiers from the top down with the lower bound of each figure
# ("及以上", inclusive). A tier needs all its bounds; an enterprise meeting no tier is micro.
THRESHOLDS: dict[Industry, dict[Size, dict[Figure, int]]] = {
    Industry.AGRICULTURE: {Size.LARGE: {R: 20000}, Size.MEDIUM: {R: 500}, Size.SMALL: {R: 50}},
    Industry.INDUSTRIAL: {
        Size.LARGE: {E: 1000, R: 40000},
        Size.MEDIUM: {E: 300, R: 2000},
        Size.SMALL: {E: 20, R: 300},
    },
    Industry.CONSTRUCTION: {
        Size.LARGE: {R: 80000, A: 80000},
        Size.MEDIUM: {R: 6000, A: 5000},
        Size.SMALL: {R: 300, A: 300},
    },
    Industry.WHOLESALE: {Size.LARGE: {E: 200, R: 40000}, Size.MEDIUM: {E: 20, R: 5000}, Size.SMALL: {E: 5, R: 1000}},
    Industry.RETAIL: {Size.LARGE: {E: 300, R: 20000}, Size.MEDIUM: {E: 50, R: 500}, Size.SMALL: {E: 10, R: 100}},
    Industry.TRANSPORT: {
        Size.LARGE: {E: 1000, R: 30000},
        Size.MEDIUM: {E: 300, R: 3000},
        Size.SMALL: {E: 20, R: 200},
    },
    Industry.WAREHOUSING: {
        Size.LARGE: {E: 200, R: 30000},
        Size.MEDIUM: {E: 100, R: 1000},
        Size.SMALL: {E: 20, R: 100},
    },
    Industry.POSTAL: {Size.LARGE: {E: 1000, R: 30000}, Size.MEDIUM: {E: 300, R: 2000}, Size.SMALL: {E: 20, R: 100}},
    Industry.ACCOMMODATION: {
        Size.LARGE: {E: 300, R: 10000},
        Size.MEDIUM: {E: 100, R: 2000},
        Size.SMALL: {E: 10, R: 100},
    },
    Industry.CATERING: {Size.LARGE: {E: 300, R: 10000}, Size.MEDIUM: {E: 100, R: 2000}, Size.SMALL: {E: 10, R: 100}},
    Industry.INFORMATION_TRANSMISSION: {
        Size.LARGE: {E: 2000, R: 100000},
        Size.MEDIUM: {E: 100, R: 1000},
        Size.SMALL: {E: 10, R: 100},
    },
    Industry.SOFTWARE_IT: {
        Size.LARGE: {E: 300, R: 10000},
        Size.MEDIUM: {E: 100, R: 1000},
        Size.SMALL: {E: 10, R: 50},
    },
    Industry.REAL_ESTATE_DEVELOPMENT: {
        Size.LARGE: {R: 200000, A: 10000},
        Size.MEDIUM: {R: 1000, A: 5000},
        Size.SMALL: {R: 100, A: 2000},
    },
    Industry.PROPERTY_MANAGEMENT: {
        Size.LARGE: {E: 1000, R: 5000},
        Size.MEDIUM: {E: 300, R: 1000},
        Size.SMALL: {E: 100, R: 500},
    },
    Industry.LEASING_BUSINESS_SERVICES: {
        Size.LARGE: {E: 300, A: 120000},
        Size.MEDIUM: {E: 100, A: 8000},
        Size.SMALL: {E: 10, A: 100},
    },
    Industry.OTHER: {Size.LARGE: {E: 300}, Size.MEDIUM: {E: 100}, Size.SMALL: {E: 10}},
}

CITATION = _("依据《中小企业划型标准规定》（工信部联企业〔2011〕300号）。")


@dataclass(frozen=True)
class Classification:
    """The outcome of classify(): size is None when a figure the industry needs is missing (named in missing)."""

    size: Size | None
    explanation: str
    missing: tuple[str, ...] = ()


def figures_needed(industry: str) -> tuple[str, ...]:
    """Return the figures the industry's row of the table uses, in the order employees, revenue, assets."""
    used = {figure for bounds in THRESHOLDS[Industry(industry)].values() for figure in bounds}
    return tuple(figure.value for figure in Figure if figure in used)


def format_figure(value: int | Decimal) -> str:
    """Return a figure in plain notation without trailing zeros (1800, not 1800.00 or 1.8E+3)."""
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:f}"
    return str(value)


def size_of(
    *,
    industry: str,
    employees: int | None = None,
    revenue: Decimal | None = None,
    assets: Decimal | None = None,
) -> tuple[Size | None, tuple[str, ...]]:
    """Return what classify() decides, the size (None when a figure is missing) and the missing figures, without
    writing the explanation: matching a hundred thousand enterprises a night needs only these."""
    industry = Industry(industry)
    figures = {Figure.EMPLOYEES: employees, Figure.REVENUE: revenue, Figure.ASSETS: assets}
    missing = tuple(figure for figure in figures_needed(industry) if figures[figure] is None)
    if missing:
        return None, missing
    for tier, bounds in THRESHOLDS[industry].items():
        if all(figures[figure] >= bound for figure, bound in bounds.items()):
            return tier, ()
    return Size.MICRO, ()


def classify(
    *,
    industry: str,
    employees: int | None = None,
    revenue: Decimal | None = None,
    assets: Decimal | None = None,
) -> Classification:
    """Return the size of an enterprise with the reasons, testing the tiers from large down.

    Revenue and assets are in 万元. Raise ValueError for an unknown industry or a negative or non-finite figure:
    callers validate input first, so either is a programming error.
    """
    industry = Industry(industry)
    figures = {Figure.EMPLOYEES: employees, Figure.REVENUE: revenue, Figure.ASSETS: assets}
    for figure, value in figures.items():
        if value is not None and (not Decimal(value).is_finite() or value < 0):
            raise ValueError(f"{figure} must be a finite number >= 0, not {value!r}")
    missing = tuple(figure for figure in figures_needed(industry) if figures[figure] is None)
    if missing:
        return Classification(size=None, explanation=_missing_explanation(industry, missing), missing=missing)

    clauses = []
    size = Size.MICRO
    for tier, bounds in THRESHOLDS[industry].items():
        met = all(figures[figure] >= bound for figure, bound in bounds.items())
        clauses.append(_tier_clause(tier, bounds, figures, met))
        if met:
            size = tier
            break
    clauses.append(gettext("结论：%(size)s企业。") % {"size": size.label})
    explanation = gettext("；").join(clauses) + str(CITATION)
    return Classification(size=size, explanation=explanation)


def _tier_clause(tier: Size, bounds: dict[Figure, int], figures: dict, met: bool) -> str:
    checks = []
    for figure, bound in bounds.items():
        if figures[figure] >= bound:
            template = gettext("%(figure)s %(value)s %(unit)s ≥ %(bound)s %(unit)s")
        else:
            template = gettext("%(figure)s %(value)s %(unit)s < %(bound)s %(unit)s")
        values = {"figure": figure.label, "value": format_figure(figures[figure]), "bound": bound}
        checks.append(template % {**values, "unit": UNITS[figure]})
    if met:
        verdict = gettext("满足%(size)s企业下限")
    elif len(bounds) > 1:
        verdict = gettext("未同时满足%(size)s企业下限，下划一档")
    else:
        verdict = gettext("未满足%(size)s企业下限，下划一档")
    return gettext("，").join([*checks, verdict % {"size": tier.label}])


def _missing_explanation(industry: Industry, missing: tuple[str, ...]) -> str:
    separator = gettext("、")
    text = gettext("%(industry)s按%(needed)s划型，缺少%(missing)s，无法判定规模类型。") % {
        "industry": industry.label,
        "needed": separator.join(str(Figure(f).label) for f in figures_needed(industry)),
        "missing": separator.join(str(Figure(f).label) for f in missing),
    }
    return text + str(CITATION)
