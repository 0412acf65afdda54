"""Filters and tags every template may use without {% load %} (TEMPLATES' "builtins" in portal/settings/base.py)."""

from django import template
from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from portal.formatting import format_money, format_share

register = template.Library()

# The default name (settings.PORTAL_NAME), marked here so that the catalogue keeps its translations.
DEFAULT_PORTAL_NAME = gettext_noop("北京中小企业惠企政策服务平台")


@register.filter
def money(value) -> str:
    """Print an amount of money: "100,000.00 元" (the one way the portal prints money)."""
    return format_money(value)


@register.filter
def share(value) -> str:
    """Print a fraction as a percentage: "80%" for 0.80."""
    return format_share(value)


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    """Return the languages each named in itself ("中文", "English"), as a switch should show them."""
    return list(settings.LANGUAGES)


@register.simple_tag
def portal_name() -> str:
    """Return the portal's name (settings.PORTAL_NAME) in the page's language."""
    return gettext(settings.PORTAL_NAME)


@register.simple_tag(takes_context=True)
def admin_sidebar(context, app_list):
    """The admin sidebar's list of models, as kept by the staff site (portal.admin_site)."""
    from django.contrib import admin

    return admin.site.sidebar(context["request"], app_list)
