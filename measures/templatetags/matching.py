"""{{ check.field|profile_label }}: the name the enterprise's profile form gives a field matching asks for."""

from django import template

register = template.Library()


@register.filter
def profile_label(name: str) -> str:
    from accounts.forms import ProfileForm

    field = ProfileForm.base_fields.get(name)
    return str(field.label) if field else name
