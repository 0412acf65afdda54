"""The decision letters of a case, for the staff's case page (the enterprise's page gets them from its view)."""

from django import template

from ..letters import LETTER_ACTIONS, letter_events
from ..letters.render import letter_title

register = template.Library()


@register.simple_tag
def case_letters(application) -> list:
    """Return (event, title) of each decision letter of the case, in the order the decisions were taken."""
    return [(event, letter_title({"kind": LETTER_ACTIONS[event.action]})) for event in letter_events(application)]
