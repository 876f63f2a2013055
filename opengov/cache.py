"""The Redis cache backend, with one redis-py client per connection pool.

Django's RedisCacheClient builds a new redis.Redis object for every cache operation, and redis-py
copies its table of some 170 response callbacks into a case-insensitive dict each time: about
0.2 ms per operation, measured with cProfile, or two thirds of the floor page's whole cost for a
page served from the cache (two operations: the data version, then the page). A redis.Redis
client is thread-safe and takes a connection from its pool for each command, so one per pool
serves every operation; the pools themselves are Django's."""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
