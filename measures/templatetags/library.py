"""The policy library's filter fields, rendered once per library version, language and chosen value."""

import hashlib

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template
from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from measures.matching import MAX_AGE, library_version

register = template.Library()


@register.filter
def library_field(field):
    """Render a choice field of the library's filter form as `as_crispy_field` does, from the cache when it can.

    The document and department lists hold hundreds of options, and rendering them was most of the library
    page's CPU. Their HTML depends only on the library's contents (library_version, renewed by every data load
    and library change), the language and the field's value, so it is kept under those. A field with an error
    (an unknown value, which anyone can type) is rendered afresh and not kept, so only valid values, a bounded set,
    reach the cache. Changes that send no signal (a bulk update, a department renamed in contacts) are seen within
    MAX_AGE, as for matching. Nothing here depends on the visitor: the filter form is a GET form, without token.
    """
    if field.errors:
        return as_crispy_field(field)
    value = hashlib.sha256(repr(field.data).encode()).hexdigest()[:32]
    key = f"measures:library-field:{library_version()}:{get_language()}:{field.html_name}:{value}"
    html = cache.get(key)
    if html is None:
        html = str(as_crispy_field(field))
        cache.set(key, html, MAX_AGE)
    return mark_safe(html)  # as_crispy_field's own HTML, escaped when it was rendered
