"""A public form's signed time stamp (opengov.formtime): how long ago the form was shown, refused
when tampered with, expired or missing, and replaced by a fresh one in a page from the cache."""

import time

from django.core import signing

from opengov import formtime, pagecache


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
    stored, has_form = pagecache._with_placeholder(page)
    assert has_form and old.encode() not in stored
    assert formtime.PLACEHOLDER.encode() in stored
    answer = formtime.fill(stored)
    (value,) = formtime.STAMP_IN_PAGE.findall(answer)
    assert value != old.encode()
    assert formtime.seconds_since(value.decode()) < 2
