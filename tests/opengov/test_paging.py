"""opengov.paging.CappedPaginator: bounded counts for the public lists and the admin."""

import pytest

from consultations.models import Council
from opengov.paging import CappedPaginator
from tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db


def test_it_counts_up_to_the_cap_and_says_when_there_are_more(django_assert_num_queries):
    CouncilFactory.create_batch(5)
    paginator = CappedPaginator(Council.objects.order_by("pk"), 2, cap=3)
    with django_assert_num_queries(1):
        assert paginator.count == 3
    assert paginator.capped
    assert paginator.num_pages == 2  # pages stop at the cap


def test_below_the_cap_the_count_is_exact():
    CouncilFactory.create_batch(2)
    paginator = CappedPaginator(Council.objects.order_by("pk"), 10, cap=3)
    assert paginator.count == 2
    assert not paginator.capped


def test_a_known_count_is_not_counted_again(django_assert_num_queries):
    paginator = CappedPaginator(Council.objects.order_by("pk"), 10, known_count=7)
    with django_assert_num_queries(0):
        assert paginator.count == 7
    assert not paginator.capped


def test_a_list_is_counted_as_django_counts_it():
    paginator = CappedPaginator(list(range(12)), 5, cap=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (10, True, 2)


def test_ids_first_reads_a_page_by_its_ids_in_the_lists_order(django_assert_num_queries):
    councils = CouncilFactory.create_batch(5)
    paginator = CappedPaginator(
        Council.objects.order_by("-pk").prefetch_related("staff"), 2, ids_first=True
    )
    paginator.count  # noqa: B018 - counted first, as a view does
    with django_assert_num_queries(3):  # the ids, the rows by id, their prefetch
        page = paginator.page(2)
        rows = list(page.object_list)
    assert [council.pk for council in rows] == [councils[2].pk, councils[1].pk]


def test_ids_first_on_an_empty_page_reads_nothing_more(django_assert_num_queries):
    paginator = CappedPaginator(Council.objects.order_by("pk"), 2, ids_first=True)
    with django_assert_num_queries(1):  # the count: an empty slice reads no ids
        assert list(paginator.get_page(1).object_list) == []
