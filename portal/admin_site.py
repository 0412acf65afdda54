"""The staff site: Django's admin, with its list of models kept rather than built on every page.

Every staff page carries the admin's sidebar: the models of every app the reader may open. Django builds that list
anew for each request (two URLs reversed, names translated and capitalised and sorted, for each of some thirty
models) and renders it through a template: about 45 % of the CPU of a page as small as the password change form
(bench/FINDINGS.md). What the list holds depends only on what the reader may do with each model, the language and
the address prefix, so it is kept per combination of those; the permissions are asked every time, as before, and
are the key, so nobody sees a model they may not open. The rendered sidebar is kept the same way, per list and per
the entries the current address marks as current.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.http import quote
from django.utils.translation import get_language

from .kept import Kept


class PortalAdminSite(admin.AdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)
        # A handful of permission sets × two languages × the pages' marks.
        self._app_lists = Kept()
        self._sidebars = Kept()

    def _permissions(self, request, app_label):
        """What the reader may do with each registered model: the only thing of the reader's the list shows."""
        marks = []
        for model, model_admin in self._registry.items():
            if app_label and model._meta.app_label != app_label:
                continue
            if model_admin.has_module_permission(request):
                marks.append(tuple(model_admin.get_model_perms(request).values()))
            else:
                marks.append(None)
        return tuple(marks)

    def get_app_list(self, request, app_label=None):
        """Django's list, kept per permissions, language and prefix. Shared between requests: read, don't change."""
        key = (app_label, get_language(), get_script_prefix(), self._permissions(request, app_label))
        app_list = self._app_lists.get(key, lambda: super(PortalAdminSite, self).get_app_list(request, app_label))
        if app_label is None:
            request._portal_app_list_key = key
        return app_list

    def sidebar(self, request, app_list) -> str:
        """The sidebar's list of models as admin/app_list.html renders it for this address, kept."""
        path = quote(request.path)
        current = tuple(
            url
            for app in app_list
            for url in [app["app_url"], *(model.get("admin_url") for model in app["models"])]
            if url and url in path
        )
        key = (getattr(request, "_portal_app_list_key", None), current)
        context = {"app_list": app_list, "show_changelinks": False, "request": request}
        render = lambda: get_template("admin/app_list.html").render(context)  # noqa: E731
        return render() if key[0] is None else self._sidebars.get(key, render)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
