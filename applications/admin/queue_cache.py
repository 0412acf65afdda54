"""The reviewer's queue page, kept rendered between changes to the district's cases.

Reviewers open and re-open their queue far more often than its cases change. A rendered page is kept in the cache
under a key made of everything it shows and whom it is for:

- the person (id, role, head or not, department, district) and the page's full address with its filters, search
  and page number;
- the language, the day (deadlines and "overdue" depend on it) and the CSRF cookie the page's action form was
  signed for;
- the district's **queue version**: the latest `updated_at` of its cases, read through the index
  `application_district_updated` (one index probe). Every change to a case goes through `Application.save()`,
  which sets `updated_at`, so a page is never served after a change to any case of its district; a page is also
  dropped after `QUEUE_CACHE_SECONDS` (default 60), which bounds how long a renamed enterprise or measure shows its
  old name.

A page with a message to show (after an action) is rendered fresh and not kept. People without a district (a
superuser, an auditor of every district) always get a fresh page. `QUEUE_CACHE_SECONDS=0` turns the cache off.
"""

from __future__ import annotations

import datetime
import hashlib
import html

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.templatetags.admin_list import _coerce_field_name
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
    quote,
)
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import connection, models
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from ..models import Application

VERSION_SQL = f'SELECT MAX("updated_at") FROM "{Application._meta.db_table}" WHERE "district_id" = %s'


def district_version(district_id: int) -> str:
    """The district's latest change to a case (plain SQL: the ORM's aggregate machinery cost more than the query)."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, [district_id])
        latest = cursor.fetchone()[0]
    return str(latest) if latest else "-"


def page_key(request: HttpRequest) -> str | None:
    """Return the cache key of this request's queue page, or None when the page must be rendered fresh."""
    seconds = settings.QUEUE_CACHE_SECONDS
    user = request.user
    csrf_cookie = request.META.get("CSRF_COOKIE")
    if not seconds or request.method != "GET" or not csrf_cookie or user.is_superuser:
        return None
    district_id = user.work_district_id
    if district_id is None or len(messages.get_messages(request)):
        return None
    parts = [
        user.pk,
        user.role,
        user.is_head,  # a head's page offers 待我同意
        user.department_id,
        district_id,
        request.get_full_path(),
        translation.get_language(),
        timezone.localdate().isoformat(),
        hashlib.sha256(csrf_cookie.encode()).hexdigest()[:16],
        district_version(district_id),
    ]
    return "queue-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_page(key: str | None) -> HttpResponse | None:
    if key is None:
        return None
    content = cache.get(key)
    if content is None:
        return None
    response = HttpResponse(content)
    response["X-Queue-Cache"] = "hit"
    return response


def keep_page(key: str | None, response) -> None:
    """Keep the page once it is rendered, if it is a plain page of the queue."""
    if key is None or response.status_code != 200 or not hasattr(response, "add_post_render_callback"):
        return

    def store(rendered):
        cache.set(key, rendered.content, settings.QUEUE_CACHE_SECONDS)

    response.add_post_render_callback(store)


# Rows of the queue, kept between looks.
#
# The first look after a change renders the whole page again, and most of that is the admin's per-cell machinery
# (`items_for_result`, bench/FINDINGS.md). A row's HTML depends only on what it shows and how: the values of
# QueueChangeList.columns, the columns and links of the reader's list (with or without the action checkbox), the
# filters its link keeps, the language and time zone, and the address of the admin's icons. All of that is in the
# row's key, so a kept row is never out of date: a changed case, a renamed enterprise or measure makes a new key.
# Rows are shared between readers and pages only where every part of the key is the same; nobody is shown a row
# of a case outside their own list, as the rows come from their own list's query. `QUEUE_ROW_CACHE_SECONDS` (900)
# bounds how long an unused row stays in the cache; 0 turns it off.


def _row_context(cl) -> tuple:
    """The parts of a row's key that are the same for every row of this page."""
    return (
        tuple(cl.list_display),
        tuple(cl.list_display_links or ()),
        cl.preserved_filters,
        cl.is_popup,
        cl.to_field,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        static("admin/img/icon-yes.svg"),
    )


def _value(obj, path: str):
    for name in path.split("__"):
        obj = getattr(obj, name)
        if obj is None:
            return None
    return obj


def row_key(context: tuple, obj, columns: list[str]) -> str:
    values = (obj.pk, *(_value(obj, column) for column in columns))
    return "queue-row:" + hashlib.sha256(repr((context, values)).encode()).hexdigest()


def rows(cl) -> list[list[str]]:
    """The page's rows as the admin's result list renders them, each kept rendered under its own key."""
    seconds = settings.QUEUE_ROW_CACHE_SECONDS
    write = row_writer(cl)
    if not seconds:
        return [[mark_safe(write(obj))] for obj in cl.result_list]
    context = _row_context(cl)
    keys = [row_key(context, obj, cl.columns) for obj in cl.result_list]
    kept = cache.get_many(keys)
    rendered = {}
    for key, obj in zip(keys, cl.result_list, strict=True):
        if key not in kept:
            rendered[key] = write(obj)
    if rendered:
        cache.set_many(rendered, seconds)
    return [[mark_safe(kept.get(key) or rendered[key])] for key in keys]


# A row written directly.
#
# The admin's `items_for_result` works out for every cell of every row what the column is (a field, a method of the
# admin, a relation), its CSS classes, its empty value, the row's link (reversing the URL and resolving it again to
# keep the filters) and how the value is shown (`display_for_field` flattens a field's choices anew for every cell):
# about 1 ms a row, more than a third of a first look at the queue. `row_writer` works all of that out once a page
# and writes each row with what is left: the value, its display (remembered per page for values that repeat:
# statuses, yes/no, dates) and the escaping. The HTML is the same, character for character, as `items_for_result`
# writes for a change list without editable rows (tests/applications/admin/test_queue_cache.py compares them).


def _escape(value) -> str:
    """django.utils.html.conditional_escape without its wrapper, which looks for lazy strings in every call."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


REMEMBERED = (str, bool, int, datetime.date, type(None))  # values whose display is worth remembering in a page


class _Column:
    def __init__(self, cl, name, index: int, link: bool, first: bool):
        admin = self.admin = cl.model_admin
        self.name = name
        self.classes = self.base_classes = f"field-{_coerce_field_name(name, index)}"
        self.link, self.tag = link, ("th" if first else "td")
        self.empty = admin.get_empty_value_display()
        self.default_empty = self.empty
        self.field = self.method = None
        self.displays = {}
        try:
            field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            field = None
        if field is not None and not field.auto_created:
            self.field = field
            self.relation = isinstance(field.remote_field, models.ManyToOneRel)
            if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
                self.classes += " nowrap"
        elif field is None and isinstance(name, str) and name != "__str__" and hasattr(admin, name):
            self.method = getattr(admin, name)
            self.empty = getattr(self.method, "empty_value_display", self.empty)
            self.boolean = getattr(self.method, "boolean", False)
            if name == "action_checkbox":
                self.classes = "action-checkbox"
        else:
            self.general = True  # anything else (a property of the model, a callable): the admin's own lookup

    def cell(self, obj) -> tuple[str, str, str]:
        """Return the cell's CSS classes and its content, escaped."""
        if self.field is not None:
            value = getattr(obj, self.name)
            if isinstance(value, str) and value.strip() == "":
                value = ""
            if self.relation:
                return self.classes, _escape(self.empty if value is None else value)
            return self.classes, self._remembered(value, self._field_display)
        if self.method is not None:
            value = self.method(obj)
            return self._callable_cell(value, self.boolean, self.empty)
        _field, attr, value = lookup_field(self.name, obj, self.admin)
        empty = getattr(attr, "empty_value_display", self.default_empty)
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        return self._callable_cell(value, boolean, empty)

    def _callable_cell(self, value, boolean: bool, empty) -> tuple[str, str]:
        if isinstance(value, str) and value.strip() == "":
            value = ""
        classes = self.classes
        if isinstance(value, datetime.date | datetime.time):
            classes += " nowrap"
        return classes, _escape(display_for_value(value, empty, boolean))

    def _field_display(self, value):
        return _escape(display_for_field(value, self.field, self.empty, avoid_link=self.link))

    def _remembered(self, value, display):
        if not isinstance(value, REMEMBERED):
            return display(value)
        key = (type(value), value)
        if key not in self.displays:
            self.displays[key] = display(value)
        return self.displays[key]


def row_writer(cl):
    """Return a function writing a row of this change list's page as `items_for_result` does (no editable rows)."""
    objects = cl.result_list
    if not objects or cl.formset is not None:
        from django.contrib.admin.templatetags.admin_list import items_for_result

        return lambda obj: "".join(items_for_result(cl, obj, None))
    links = cl.list_display_links
    columns, first = [], True
    for index, name in enumerate(cl.list_display):
        link = links is not None and ((first and not links) or name in links)
        columns.append(_Column(cl, name, index, link, first and link))
        first = first and not link
    url_of = _change_url_writer(cl)
    pk_name = str(cl.to_field) if cl.to_field else cl.lookup_opts.pk.attname

    def write(obj) -> str:
        out = []
        for column in columns:
            try:
                classes, content = column.cell(obj)
            except ObjectDoesNotExist:
                classes, content = column.base_classes, _escape(column.default_empty)
            if not column.link:
                out.append(f'<td class="{classes}">{content}</td>')
                continue
            url = url_of(obj)
            if url is not None:
                opener = ""
                if cl.is_popup:
                    opener = f' data-popup-opener="{_escape(obj.serializable_value(pk_name))}"'
                content = f'<a href="{_escape(url)}"{opener}>{content}</a>'
            out.append(f'<{column.tag} class="{classes}">{content}</{column.tag}>')
        return "".join(out)

    return write


def _change_url_writer(cl):
    """Return a function giving a row's change URL with the page's filters kept, as the admin writes it.

    The admin reverses the URL for every row and resolves it again to add the filters; both give the same for every
    row but the primary key, so they are done once, for a marker in the key's place."""
    marker = "9876543210123"
    name = f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change"
    try:
        bare = reverse(name, args=(marker,), current_app=cl.model_admin.admin_site.name)
    except NoReverseMatch:
        return lambda obj: None
    kept = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, bare)
    head, found, tail = kept.partition(marker)
    if not found or marker in tail or not kept.startswith(bare.partition(marker)[0]):
        return lambda obj: add_preserved_filters(
            {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, cl.url_for_result(obj)
        )
    pk_attname = cl.pk_attname
    return lambda obj: f"{head}{quote(getattr(obj, pk_attname))}{tail}"
