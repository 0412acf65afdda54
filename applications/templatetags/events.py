"""A case's events in the reader's language: their names and the comments the portal itself wrote.

An event is kept as written, in Chinese, and chained into the audit trail (it may never change). Its name is the
action's name once taken (workflow.DONE: "Returned for correction", where the button says "Return for correction")
or one of the portal's own labels, so it is translated by the catalogue when shown. A comment the portal composed (a
recovery opened, a repayment, a ban, an objection) is recognised by its wording and shown in the reader's language
with the same figures; what a person typed is shown as they typed it.
"""

from __future__ import annotations

import re

from django import template
from django.utils.translation import get_language, gettext_noop

from portal.composed import translate_composed
from portal.formatting import format_money

from ..workflow import history_name

register = template.Library()

# The comments the portal writes on events (sanctions.findings, sanctions.bans, workflow.services), as they read in
# the catalogue. Earlier wordings stay here so that events written before a change are translated too.
SYSTEM_COMMENTS = [
    gettext_noop("应全额收缴 %(amount)s，退回截止日期 %(due)s。"),
    gettext_noop("应全额收缴 %(amount)s 元，退回截止日期 %(due)s。"),
    gettext_noop("%(date)s 退回 %(amount)s，银行流水号 %(ref)s；尚欠 %(remaining)s。"),
    gettext_noop("%(date)s 退回 %(amount)s 元，银行流水号 %(ref)s；尚欠 %(remaining)s 元。"),
    gettext_noop("%(start)s至%(end)s不得申请%(district)s各类补贴奖励资金。"),
    gettext_noop("依据%(decision)s（%(date)s）：%(evidence)s"),
    gettext_noop("依据%(document)s，禁止申请截止日由 %(before)s 变更为 %(after)s。理由：%(reason)s"),
    gettext_noop("异议人：%(name)s（%(contact)s）。%(text)s"),
]
_MONEY = re.compile(r"^-?[\d,]+(\.\d+)?( 元)?$")


def _shown(name: str, value: str) -> str:
    """Return a figure of the comment in the reader's language: amounts as money, district names in English."""
    if name in ("amount", "remaining") and _MONEY.match(value):
        return format_money(value.replace(",", "").removesuffix(" 元"))
    if name == "district":
        from measures.models import District

        district = District.objects.filter(name=value).first()
        return district.local_name if district else value
    return value


@register.filter
def event_name(event) -> str:
    """Return the name of what happened, in the reader's language."""
    return history_name(event)


@register.filter
def event_comment(event) -> str:
    """Return the comment: the portal's own in the reader's language, a person's as written."""
    comment = event.comment or ""
    if not comment or (get_language() or "").startswith("zh"):
        return comment
    translated = translate_composed(comment, SYSTEM_COMMENTS, _shown)
    return comment if translated is None else translated
