"""The public JSON API: measures with the inputs their rules need, and estimates (OpenAPI at /api/openapi.json)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from pydantic import BaseModel

from applications.workflow.awards import estimate_for

from . import rules
from .estimation import has_rule, inputs_for
from .models import Measure, PolicyDocument, normalize_number

api = NinjaAPI(
    title="北京中小企业惠企政策服务平台 API",
    version="1",
    description="政策措施、补贴测算所需的输入项与测算结果。金额以元计，字符串表示，保留两位小数（四舍五入到分）。",
    urls_namespace="api",
)


class InputOut(Schema):
    name: str
    label: str
    type: str
    unit: str
    required: bool
    choices: list[list[str]]
    help: str


class RuleOut(Schema):
    key: str
    label: str
    kind: str
    cap_period: str
    reading: str
    version: str


class MeasureOut(Schema):
    id: int
    document: str
    district: str
    clause: str
    title: str
    citation: str
    monetary: bool
    rule_kind: str
    url: str
    inputs: list[InputOut]
    # A clause may state several money rules: each is listed (the first is the one rule_kind names), with how they
    # combine ("sum", or "choice": the input "rule" picks one; "" for one rule) and the version of the rules.
    rules: list[RuleOut]
    combine: str
    rule_version: str


class EstimateIn(BaseModel):
    # A pydantic model, not a ninja Schema: a Schema reads attributes from any object, so a body that is not a
    # JSON object (a number, a list) would pass as {} (found by tests/fuzz).
    inputs: dict[str, Any] = {}
    enterprise: bool = False


class StepOut(Schema):
    label: str
    amount: str | None
    detail: str
    quote: str


class PartOut(Schema):
    key: str
    label: str
    kind: str
    amount: str
    discretionary: bool
    ceiling: str | None
    version: str


class EstimateOut(Schema):
    measure: int
    amount: str
    discretionary: bool
    ceiling: str | None
    steps: list[StepOut]
    citation: str
    rule_version: str
    parts: list[PartOut]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] = {}


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError):
    errors = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "payload", "path")]
        errors[".".join(location) or "body"] = error.get("msg", "")
    detail = "请求有误：" + "、".join(errors) if errors else "请求有误。"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


def _input(spec: rules.Input) -> dict:
    return {
        "name": spec.name,
        "label": spec.label,
        "type": spec.type,
        "unit": spec.unit,
        "required": spec.required,
        "choices": [list(choice) for choice in spec.choices],
        "help": spec.help,
    }


def _rules(measure: Measure) -> dict:
    if not has_rule(measure):
        return {"rules": [], "combine": "", "rule_version": ""}
    ruleset = measure.ruleset
    return {
        "rules": [
            {
                "key": rule.key,
                "label": rule.title,
                "kind": rule.kind,
                "cap_period": rule.cap_period,
                "reading": rule.reading,
                "version": rule.version,
            }
            for rule in ruleset.rules
        ],
        "combine": ruleset.combine if ruleset.several else "",
        "rule_version": ruleset.version,
    }


def _money(value) -> str | None:
    return None if value is None else str(value)


def _measure(measure: Measure) -> dict:
    return {
        "id": measure.pk,
        "document": measure.document.number or measure.document.title,
        "district": measure.document.district.name,
        "clause": measure.clause,
        "title": measure.title,
        "citation": measure.citation,
        "monetary": measure.monetary,
        "rule_kind": measure.rule_kind if has_rule(measure) else "",
        "url": measure.get_absolute_url(),
        "inputs": [_input(spec) for spec in inputs_for(measure)],
        **_rules(measure),
    }


@api.get("/measures/", response={200: list[MeasureOut], 400: ErrorOut}, summary="列出措施及测算所需输入项")
def list_measures(request: HttpRequest, document: str = "", monetary: bool = False):
    """List the measures of a document (by 文号, any bracket style), or of every document when none is given."""
    measures = Measure.objects.select_related("document__district").order_by(
        "document__district__order", "document", "order"
    )
    if document:
        number = normalize_number(document)
        documents = PolicyDocument.objects.filter(number_normalized=number)
        if not documents.exists():
            return Status(
                400, {"detail": f"未找到文号为“{document}”的政策文件。", "errors": {"document": "未找到该文号"}}
            )
        measures = measures.filter(document__in=documents)
    if monetary:
        measures = measures.filter(monetary=True)
    return Status(200, [_measure(m) for m in measures])


@api.post(
    "/measures/{measure_id}/estimate",
    response={200: EstimateOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="补贴测算",
)
def estimate(request: HttpRequest, measure_id: int, payload: EstimateIn):
    """Estimate the benefit for the inputs. With `"enterprise": true` a signed-in enterprise user's earlier awards
    are applied (caps per enterprise, once-only awards, 晋级补差, 不重复享受 groups, the annual ceiling). Each rule
    the clause states has its part; rule_version names the rules the estimate was computed with."""
    measure = get_object_or_404(Measure.objects.select_related("document__district"), pk=measure_id)
    if not has_rule(measure):
        return Status(400, {"detail": "该措施没有可测算的资金规则。", "errors": {"measure": "无资金规则"}})
    enterprise = None
    if payload.enterprise:
        user = request.user
        if not (user.is_authenticated and getattr(user, "is_enterprise_user", False)):
            return Status(
                403, {"detail": "按企业已获支持测算需要以企业用户身份登录。", "errors": {"enterprise": "未登录"}}
            )
        enterprise = user.enterprise
    try:
        result = estimate_for(measure, payload.inputs, enterprise=enterprise)
    except rules.RuleInputError as error:
        fields = "、".join(error.errors)
        return Status(
            400, {"detail": f"输入有误：{fields}。", "errors": {f"inputs.{k}": v for k, v in error.errors.items()}}
        )
    return Status(
        200,
        {
            "measure": measure.pk,
            "amount": str(result.amount),
            "discretionary": result.discretionary,
            "ceiling": None if result.ceiling is None else str(result.ceiling),
            "steps": [
                {
                    "label": step.label,
                    "amount": None if step.amount is None else str(step.amount),
                    "detail": step.detail,
                    "quote": step.quote,
                }
                for step in result.steps
            ],
            "citation": result.citation,
            "rule_version": result.version,
            "parts": [
                {
                    "key": part.key,
                    "label": part.label,
                    "kind": part.kind,
                    "amount": str(part.amount),
                    "discretionary": part.discretionary,
                    "ceiling": _money(part.ceiling),
                    "version": part.version,
                }
                for part in result.parts
            ],
        },
    )
