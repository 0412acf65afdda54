"""{{ step.label|rule_text }}: an estimate's words in the reader's language (measures.rule_text)."""

from django import template

from ..rule_text import rule_text as translate

register = template.Library()


@register.filter
def rule_text(text) -> str:
    return translate(text)
