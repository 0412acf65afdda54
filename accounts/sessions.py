"""Sessions kept in the database and read from the cache (SESSION_ENGINE "accounts.sessions" when Redis is set).

Django's `cached_db` engine saves every session to the database and keeps a copy in the cache, so that a signed-in
page reads its session from Redis instead of running a query. Its cached copy ends when the cache drops it, by the
cache's own clock. This store keeps the session's end beside its data and checks it against the clock the database
check uses (`django.utils.timezone.now()`): an idle session ends at its limit whether the copy was read from the
cache or the row from the database, and signing out deletes both at once.

If the cache cannot be reached, the session is read from and saved to the database as with the plain `db` engine
(the failure is logged).
"""

from __future__ import annotations

import logging
import math

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.utils import timezone

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    # Not Django's prefix: the cached value is (end, data), not data alone.
    cache_key_prefix = "portal.session:"

    def load(self):
        try:
            cached = self._cache.get(self.cache_key)
        except Exception:  # an unreachable cache, or a key the backend refuses: read the database
            logger.warning("Session cache unavailable; reading the session from the database", exc_info=True)
            cached = None
        if cached is not None:
            ends, data = cached
            if timezone.now().timestamp() < ends:
                return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        self._keep(data, row.expire_date)
        return data

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        self._keep(self._session, self.get_expiry_date())

    def _keep(self, data: dict, ends) -> None:
        seconds = (ends - timezone.now()).total_seconds()
        if seconds <= 0:
            return
        try:
            self._cache.set(self.cache_key, (ends.timestamp(), data), math.ceil(seconds))
        except Exception:
            logger.warning("Session cache unavailable; the session is kept in the database only", exc_info=True)
