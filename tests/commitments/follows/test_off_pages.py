"""Follows and notifications are personal rows on no page: writing them, even by the thousand
in a fan-out or a purge, must never empty a cached page."""

import pytest

from commitments.models import Follow, Notification
from opengov.dataversion import data_version
from tests import factories

pytestmark = pytest.mark.django_db


def test_follow_and_notification_writes_leave_every_data_version_unchanged():
    plan = factories.ActionPlanFactory()
    event = factories.FollowEventFactory(plan=plan)
    slug = plan.council.slug
    network, council = data_version()[0], data_version(slug)[0]

    follow = factories.FollowFactory(plan=plan)
    factories.NotificationFactory(event=event, follow=follow, subscriber=follow.subscriber)
    Follow.objects.filter(pk=follow.pk).update(state="ended")
    follow.delete()

    assert Notification.objects.count() == 0
    assert data_version()[0] == network
    assert data_version(slug)[0] == council


def test_a_public_change_still_bumps_the_council_version():
    """The check above can fail: the same kind of write on a watched model does bump."""
    plan = factories.ActionPlanFactory()
    slug = plan.council.slug
    before = data_version(slug)[0]
    factories.CommitmentFactory(plan=plan)
    assert data_version(slug)[0] != before
