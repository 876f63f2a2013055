"""Pages of lists too long to count: a paginator that counts at most `cap` rows.

An exact COUNT of two million comments or half a million proposals reads them all (seconds), and
nobody pages to the 40,000th page: past the cap, filters and the search narrow the list. The
public proposals list (consultations) and every admin changelist (opengov.admin_base) use it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts a list's rows up to `cap` and no further (SELECT COUNT(*) over a LIMIT, without
    the list's ORDER BY so PostgreSQL may count through an index). Given a `known_count` (from
    counters) it counts nothing. Past the cap, `capped` is set ("more than …"), `count` is the
    cap and the pages stop there."""

    cap = 10_000
    capped = False

    def __init__(self, *args, known_count: int | None = None, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count
        if cap is not None:
            self.cap = cap

    def counted(self) -> int:
        """The rows, counted up to cap + 1 (or as known)."""
        if self.known_count is not None:
            return self.known_count
        rows = self.object_list
        if not hasattr(rows, "query"):  # a list: Paginator counts it
            return super().count
        return rows.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        counted = self.counted()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    @cached_property
    def num_pages(self) -> int:
        # A subclass may report more rows than the cap (an estimate): pages stop at the cap.
        if self.count > self.cap:
            return -(-self.cap // self.per_page)
        return super().num_pages
