"""A decision letter as a PDF: the facts rendered into templates/applications/letters/letter.html, in Chinese (an
official document), and printed by WeasyPrint with the Noto CJK fonts embedded (the subset of each font that the
letter uses). The same facts always make the same bytes: nothing of the moment of printing goes into the file."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from portal.formatting import money_capitals, money_number

from .facts import LetterKind

LETTER_LANGUAGE = "zh-hans"
# WeasyPrint logs each step of every document at INFO: a line per step per letter in the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def chinese_date(iso: str) -> str:
    """Return 2026年11月23日 for 2026-11-23 (the date line of a letter), or "" for nothing."""
    if not iso:
        return ""
    day = datetime.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def _money(value: str) -> dict[str, str]:
    if not value:
        return {"figures": "", "capitals": ""}
    amount = Decimal(value)
    return {"figures": f"¥{money_number(amount)}", "capitals": money_capitals(amount)}


def letter_title(facts: dict[str, str]) -> str:
    with translation.override(LETTER_LANGUAGE):
        return str(LetterKind(facts["kind"]).label)


def letter_html(facts: dict[str, str]) -> str:
    """Return the letter as HTML (what the PDF prints)."""
    context = {
        "facts": facts,
        "title": letter_title(facts),
        "date": chinese_date(facts["date"]),
        "amount": _money(facts.get("amount", "")),
        "paid_total": _money(facts.get("paid_total", "")),
        "outstanding": _money(facts.get("outstanding", "")),
        "approved": _money(facts.get("approved", "")),
        "recovery": _money(facts.get("recovery", "")),
        "paid_on": chinese_date(facts.get("paid_on", "")),
        "submitted_on": chinese_date(facts.get("submitted_on", "")),
        "decision_date": chinese_date(facts.get("decision_date", "")),
        "recovery_due_on": chinese_date(facts.get("recovery_due_on", "")),
    }
    with translation.override(LETTER_LANGUAGE):
        return render_to_string("applications/letters/letter.html", context)


def render_letter(facts: dict[str, str]) -> bytes:
    """Return the letter as a PDF."""
    from weasyprint import HTML  # loaded on first use: it brings pango and the fonts

    return HTML(string=letter_html(facts)).write_pdf()


def letter_filename(facts: dict[str, str]) -> str:
    """Return the name the file is saved and attached as: 批准决定书-SQ-2026-000123-05.pdf."""
    return f"{letter_title(facts)}-{facts['number']}.pdf"
