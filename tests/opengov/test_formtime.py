"""A public form's signed time stamp (opengov.formtime): how long ago the form was shown, refused
when tampered with, expired or missing, and replaced by a fresh one in a page from the cache."""

import datetime
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import ActionPlan
from opengov import formtime, pagecache
from tests import factories


def test_seconds_since_a_stamp():
    assert 59 <= formtime.seconds_since(formtime.stamp(time.time() - 60)) <= 62
    assert formtime.seconds_since(formtime.stamp()) < 2


def test_a_stamp_from_the_future_counts_as_just_shown():
    assert formtime.seconds_since(formtime.stamp(time.time() + 3600)) == 0


def test_missing_tampered_foreign_or_expired_stamps_are_refused():
    good = formtime.stamp()
    assert formtime.seconds_since(None) is None
    assert formtime.seconds_since("") is None
    assert formtime.seconds_since(good[:-1] + ("A" if good[-1] != "A" else "B")) is None
    assert formtime.seconds_since(signing.dumps(int(time.time()), salt="other")) is None
    assert formtime.seconds_since(signing.dumps("yesterday", salt=formtime.SALT)) is None
    assert formtime.seconds_since(formtime.stamp(time.time() - formtime.MAX_AGE - 10)) is None


def test_a_cached_page_gets_a_fresh_stamp_on_every_answer():
    old = formtime.stamp(time.time() - 7200)
    page = f'<form><input type="hidden" name="form_started" value="{old}"></form>'.encode()
    stored, has_form = pagecache.answer._with_placeholder(page)
    assert has_form and old.encode() not in stored
    assert formtime.PLACEHOLDER.encode() in stored
    answer = formtime.fill(stored)
    (value,) = formtime.STAMP_IN_PAGE.findall(answer)
    assert value != old.encode()
    assert formtime.seconds_since(value.decode()) < 2


@pytest.mark.django_db
def test_a_plan_page_answered_from_the_cache_carries_a_fresh_valid_stamp(client, monkeypatch):
    """The Propose form's stamp on a plan page: the second answer comes from the cache (no
    query) and still carries a stamp of its own answer, not the one cached an hour earlier."""
    today = timezone.localdate()
    plan = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.PREPARATION,
        proposals_opens_on=today - datetime.timedelta(days=1),
        proposals_closes_on=today + datetime.timedelta(days=9),
    )
    cache.clear()
    hour_ago = time.time() - 3600
    monkeypatch.setattr(formtime.time, "time", lambda: hour_ago)
    first = client.get(plan.get_absolute_url())
    monkeypatch.undo()
    (cached,) = formtime.STAMP_IN_PAGE.findall(first.content)
    assert 3590 < formtime.seconds_since(cached.decode()) < 3700
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(plan.get_absolute_url())
    assert len(queries) == 0, "answered from the cache"
    (fresh,) = formtime.STAMP_IN_PAGE.findall(second.content)
    assert formtime.seconds_since(fresh.decode()) < 5
