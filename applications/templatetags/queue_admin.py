"""The reviewer's queue in the admin: its result list, with each row kept rendered (applications/queue_cache.py)."""

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.templatetags.base import InclusionAdminNode

from applications.admin import queue_cache

register = template.Library()


def queue_result_list(cl):
    """What the admin's `result_list` gives its template (no editable rows in the queue), with rows from the cache."""
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": queue_cache.rows(cl),
    }


@register.tag(name="queue_result_list")
def queue_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser, token, func=queue_result_list, template_name="change_list_results.html", takes_context=False
    )
