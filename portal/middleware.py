"""Requests refused before any view sees them."""

from __future__ import annotations

from functools import cache

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404


class RefuseNulMiddleware:
    """Answer 400 (templates/400.html) to an address or query string holding a NUL character.

    No page is asked for with one, PostgreSQL cannot compare text with one (a search for "%00" ended in a server
    error), and a form field with one is refused by Django's own validator; so it is refused here, once for all the
    pages, the admin's included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)


class AdminObjectIdMiddleware:
    """Answer 404 to an admin page of an object whose id cannot be one (`/admin/applications/application/abc/change/`).

    Django's own admin pages treat such an id as a missing object, but a page that looks the object up itself
    first (the case, ban and recovery pages do) met a ValueError, a server error. Checked once here, for every
    model of the admin, against the type of the model's primary key.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        object_id = view_kwargs.get("object_id")
        match = request.resolver_match
        # An id the URL pattern already converted (<int:object_id>, the recovery's repay page) cannot be wrong.
        if not isinstance(object_id, str) or match is None or match.namespace != "admin" or not match.url_name:
            return None  # not an admin page of an object, or the unnamed <path:object_id>/ redirect to it
        model = _admin_models().get(match.url_name.rsplit("_", 1)[0])
        if model is None:
            return None
        try:
            model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        return None


@cache
def _admin_models() -> dict[str, type]:
    """The admin's models by the prefix of their pages' URL names ("applications_application")."""
    return {f"{model._meta.app_label}_{model._meta.model_name}": model for model in admin.site._registry}
