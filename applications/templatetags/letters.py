"""The decision letters of a case, for the staff's case page (the enterprise's page gets them from its view)."""

from django import template

from ..letters import LETTER_ACTIONS, letter_events
from ..letters.render import letter_title

register = template.Library()


@register.simple_tag
def case_letters(application) -> list:
    """Return (event, title) of each decision letter of the case, in the order the decisions were taken; from the
    case's events when the page has read them already (the case page's history)."""
    events = getattr(application, "_prefetched_objects_cache", {}).get("events")
    if events is None:
        events = letter_events(application)
    else:
        events = sorted((e for e in events if e.action in LETTER_ACTIONS), key=lambda e: e.sequence)
    return [(event, letter_title({"kind": LETTER_ACTIONS[event.action]})) for event in events]
