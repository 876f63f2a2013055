"""The demo's fan-out (the embedded SQLite has no DISTINCT ON) makes the same notifications as
PostgreSQL's single INSERT … SELECT: one per address, through its most specific follow."""

import pytest

from commitments.follows import fanout
from commitments.models import FollowEvent, Notification
from tests import factories

from .conftest import follow

pytestmark = pytest.mark.django_db


def _rows(event):
    return sorted(
        Notification.objects.filter(event=event).values_list("subscriber_id", "follow_id")
    )


def test_the_portable_fan_out_makes_the_same_rows_as_postgresql(world):
    busy = factories.SubscriberFactory()
    by_commitment = follow(busy, commitment=world.commitment)
    follow(busy, plan=world.plan)
    follow(busy, council=world.council)
    only_plan = follow(plan=world.plan)
    follow(commitment=world.commitment, state="ended")
    follow(commitment=world.other_commitment)
    events = [
        factories.FollowEventFactory(
            kind=FollowEvent.Kind.MILESTONE_UPDATE,
            plan=world.plan,
            commitment=world.commitment,
            key=f"milestone_update:test-{n}",
        )
        for n in range(2)
    ]

    assert fanout._insert(events[0]) == 2
    assert fanout._insert_portably(events[1]) == 2
    assert _rows(events[1]) == [
        (busy.pk, by_commitment.pk),
        (only_plan.subscriber_id, only_plan.pk),
    ]
    assert [follow for _s, follow in _rows(events[0])] == [f for _s, f in _rows(events[1])]
    # A second run adds nothing.
    fanout._insert_portably(events[1])
    assert len(_rows(events[1])) == 2
