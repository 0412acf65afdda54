"""Pagination that costs the same however many cases there are."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator
from django.utils.functional import cached_property


def capped_count(queryset, cap: int) -> tuple[int, bool]:
    """Return how many rows the queryset holds, counting at most `cap` (one query, the same however long the queue),
    and whether there are more."""
    counted = queryset.order_by()[: cap + 1].count()
    return min(counted, cap), counted > cap


class CappedPaginator(Paginator):
    """Count at most `cap` rows, and so offer at most `cap` rows' worth of pages.

    A reviewer's queue at a million cases holds tens of thousands: counting them on every page view, and paging with
    an OFFSET into them, costs more the more cases there are. Counting stops after `cap` rows (a COUNT over a LIMITed
    subquery) and the deepest page is `cap` rows in; the page says there are more and that a filter or a search finds
    the older ones (bench/RESULTS.md).
    """

    cap = 2_000

    @cached_property
    def count(self) -> int:
        # Any cap + 1 rows will do to count up to the cap: without the ordering the database picks its cheapest way.
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.truncated = counted > self.cap
        return min(counted, self.cap)

    truncated = False

    def validate_number(self, number):
        """A page past the end is the last page: the cases move on while a reviewer reads (accepted, paid), so the
        page they ask for next may be gone, and the admin's answer to an invalid page is a redirect to the whole
        queue without their filters (?e=1)."""
        try:
            return super().validate_number(number)
        except EmptyPage:
            if int(number) > 1:
                return self.num_pages
            raise
