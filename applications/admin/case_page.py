"""The staff's case page, written directly: the case's fields and its four histories (events, payments, files,
objections) as the admin shows read-only fields and tabular inlines, without the admin's change form.

Nobody changes a case in a form: every field is read-only and every inline row too. The admin's change form still
built a model form, a formset per inline with a form and hidden widgets per row, and rendered every field through
its templates; that was about half of the page's CPU (bench/FINDINGS.md). Here each value is what the admin's
read-only field shows (Django's `AdminReadonlyField` over a form of no fields), its label the admin's label,
and the markup the admin's (`form-row field-<name>`, `inline-group`, `field-<name>` cells), so the admin's style
sheet and the pages' readers find what they found before.
"""

from __future__ import annotations

import functools

from django.contrib.admin.helpers import AdminReadonlyField
from django.contrib.admin.utils import label_for_field
from django.core.exceptions import PermissionDenied
from django.forms.models import _get_foreign_key, modelform_factory
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..models import Event


@functools.cache
def _bare_form(model):
    """A form of no fields: the admin's read-only field reads the object, labels and label suffix from a form."""
    return modelform_factory(model, fields=())


def readonly(model_admin, obj, name: str) -> AdminReadonlyField:
    """The admin's own read-only field `name` of obj (its label, contents, links, yes/no icons and dates)."""
    return AdminReadonlyField(_bare_form(type(obj))(instance=obj), name, is_first=True, model_admin=model_admin)


def field_rows(model_admin, obj, names) -> SafeString:
    """The case's read-only fields as the admin's fieldset shows them: one `form-row field-<name>` each."""

    def row(name):
        field = readonly(model_admin, obj, name)
        help_text = field.field["help_text"]
        help_html = format_html('<div class="help"><div>{}</div></div>', help_text) if help_text else ""
        return (name, field.label_tag(), field.contents(), help_html)

    return format_html_join(
        "\n",
        '<div class="form-row field-{}"><div><div class="flex-container">{}<div class="readonly">{}</div></div>{}'
        "</div></div>",
        (row(name) for name in names),
    )


def history_table(inline, fk_name: str, rows, last: bool) -> SafeString:
    """One of the case's histories as the admin's tabular inline shows it, read-only."""
    meta = inline.model._meta
    # The formset's prefix, as the admin names the rows ("events-0").
    prefix = meta.get_field(fk_name).remote_field.get_accessor_name(model=inline.model).replace("+", "")
    names = list(inline.fields)
    heading = format_html_join(
        "",
        '<th class="column-{}">{}</th>',
        ((name, capfirst(label_for_field(name, inline.model, inline))) for name in names),
    )
    body = format_html_join(
        "\n",
        '<tr class="form-row has_original" id="{}-{}"><td class="original"></td>{}<td></td></tr>',
        (
            (
                prefix,
                number,
                format_html_join(
                    "", '<td class="field-{}"><p>{}</p></td>', ((n, readonly(inline, row, n).contents()) for n in names)
                ),
            )
            for number, row in enumerate(rows)
        ),
    )
    return format_html(
        '<div class="js-inline-admin-formset inline-group" id="{}-group" data-inline-type="tabular">'
        '<div class="tabular inline-related{}"><fieldset class="module" aria-labelledby="{}-heading">'
        '<h2 id="{}-heading" class="inline-heading">{}</h2><table><thead><tr><th class="original"></th>{}<th></th>'
        "</tr></thead><tbody>{}</tbody></table></fieldset></div></div>",
        prefix,
        " last-related" if last else "",
        prefix,
        prefix,
        capfirst(meta.verbose_name_plural),
        heading,
        body,
    )


def histories(model_admin, request, case) -> SafeString:
    """The inlines the reader may see, each with the case's rows in the inline's order, the case set on each row."""
    inlines = model_admin.get_inline_instances(request, case)
    tables = []
    for number, inline in enumerate(inlines):
        fk = inline.fk_name or _get_foreign_key(type(case), inline.model).name
        rows = list(inline.get_queryset(request).filter(**{fk: case}))
        for row in rows:
            setattr(row, fk, case)  # rows that name their case (Event.__str__) do not read it again
        if inline.model is Event:  # all the case's events: the letters' links read them from here
            case.__dict__.setdefault("_prefetched_objects_cache", {})["events"] = rows
        tables.append(history_table(inline, fk, rows, last=number == len(inlines) - 1))
    return SafeString("\n".join(tables))


def render(model_admin, request, case, extra_context: dict) -> TemplateResponse:
    """The case page for a GET: what the admin's change view showed, read-only, without its change form."""
    if not model_admin.has_view_permission(request, case):
        raise PermissionDenied
    request.current_app = model_admin.admin_site.name
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("View %s") % model_admin.opts.verbose_name,  # the admin's own words (its catalogue)
        "subtitle": str(case),
        "original": case,
        "object_id": case.pk,
        "preserved_filters": model_admin.get_preserved_filters(request),
        "case_fields": field_rows(model_admin, case, model_admin.get_fields(request, case)),
        "case_histories": histories(model_admin, request, case),
        **extra_context,
    }
    return TemplateResponse(request, "applications/admin/case_page.html", context)
