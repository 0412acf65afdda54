"""What the library's pages may ask of the applications app without importing it: whether a ban applies."""

from django import template

from ..models import Ban

register = template.Library()


@register.simple_tag
def active_ban(user, district):
    """Return the ban in force on the signed-in enterprise in the district, or None (anyone else: None)."""
    if not (getattr(user, "is_authenticated", False) and user.is_enterprise_user and district is not None):
        return None
    return (
        Ban.objects.active()
        .filter(enterprise_id=user.enterprise_id, district=district)
        .select_related("district")
        .order_by("-ends_on")
        .first()
    )
