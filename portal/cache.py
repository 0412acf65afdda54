"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache operation, and redis-py's
constructor copies its table of ~170 response callbacks each time: about a tenth of the web CPU of a cached queue
page, which makes two cache reads (the session and the page). A ``redis.Redis`` object holds no connection of its
own (it borrows one from the pool for each command and gives it back) and is safe to share between threads, so one
object per pool does the same work. The pool itself notices a fork and opens new connections in the child.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
