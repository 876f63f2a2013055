"""opengov.cache.RedisCache: one redis-py client per connection pool, the same behaviour."""

import pytest
from django.core.cache import caches
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from opengov.cache import RedisCache


def test_the_portal_uses_it(settings):
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("REDIS_URL is not set: local-memory cache")
    assert isinstance(caches["default"], RedisCache)


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "opengov.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": "test-cache",
        }
    }
)
def test_one_client_serves_every_operation():
    cache = caches["default"]
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client  # one server: one pool, one client
    cache.set("a", {"b": [1, 2]}, 30)
    cache.set_many({"c": 3, "d": "٤"}, 30)
    assert cache.get("a") == {"b": [1, 2]}
    assert cache.get_many(["c", "d", "missing"]) == {"c": 3, "d": "٤"}
    assert cache.incr("c") == 4
    cache.delete_many(["a", "c", "d"])
    assert cache.get("a") is None
    assert cache._cache.get_client() is client


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "opengov.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
)
def test_a_server_that_does_not_answer_still_raises():
    with pytest.raises(RedisConnectionError):
        caches["default"].get("anything")
