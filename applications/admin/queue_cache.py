"""The reviewer's queue page, kept rendered between changes to the district's cases.

Reviewers open and re-open their queue far more often than its cases change. A rendered page is kept in the cache
under a key made of everything it shows and whom it is for:

- the person (id, role, department, district) and the page's full address with its filters, search and page number;
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

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
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
    if not seconds:
        return [[mark_safe("".join(items_for_result(cl, obj, None)))] for obj in cl.result_list]
    context = _row_context(cl)
    keys = [row_key(context, obj, cl.columns) for obj in cl.result_list]
    kept = cache.get_many(keys)
    rendered = {}
    for key, obj in zip(keys, cl.result_list, strict=True):
        if key not in kept:
            rendered[key] = "".join(items_for_result(cl, obj, None))
    if rendered:
        cache.set_many(rendered, seconds)
    return [[mark_safe(kept.get(key) or rendered[key])] for key in keys]
