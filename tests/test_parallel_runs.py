"""Parallel runs (pytest-xdist): each worker's Redis database (tests/conftest.py)."""

import pytest

from tests.conftest import redis_url_for_worker


def test_each_worker_gets_the_redis_database_after_the_previous_one():
    assert redis_url_for_worker("redis://127.0.0.1:6379/10", 0) == "redis://127.0.0.1:6379/10"
    assert redis_url_for_worker("redis://127.0.0.1:6379/10", 1) == "redis://127.0.0.1:6379/11"
    assert redis_url_for_worker("redis://:secret@cache:6380/3", 2) == "redis://:secret@cache:6380/5"


def test_a_url_without_a_database_starts_from_database_zero():
    assert redis_url_for_worker("redis://127.0.0.1:6379", 1) == "redis://127.0.0.1:6379/1"


def test_no_redis_stays_no_redis():
    assert redis_url_for_worker("", 1) == ""


def test_a_worker_past_the_last_redis_database_is_refused():
    with pytest.raises(pytest.UsageError, match="database 16"):
        redis_url_for_worker("redis://127.0.0.1:6379/15", 1)
