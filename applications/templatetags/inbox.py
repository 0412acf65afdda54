"""The unread count in the header of every page: one count on the person's unread receipts, once per request."""

from django import template

from ..notices.inbox import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread(context) -> int:
    """Return how many notices the signed-in person has not read (0 for anyone else)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not getattr(user, "is_authenticated", False):
        return 0
    if not hasattr(request, "_inbox_unread"):
        request._inbox_unread = unread_count(user)
    return request._inbox_unread
