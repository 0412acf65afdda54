"""The embedded Celery broker of `make run` (no REDIS_URL): kombu's SQLAlchemy transport on an SQLite file.

A message is a row, written and taken in a transaction, so no process can read half of one (kombu's filesystem
transport, used before, could hand a worker an empty or half-written file and crash it with a JSONDecodeError when
a second worker or `celery inspect` ran). What this module changes in kombu's transport:

- The SQLite file (and its folder) is created on first use and opened in WAL mode with a long busy timeout, so the
  web server, beat and several workers wait for one another's short transactions instead of failing with
  "database is locked"; two processes creating the tables at once do not fail either.
- A message is deleted in the transaction that takes it. kombu only marks it invisible and keeps the row for ever,
  which a server running for months would pile up; a message a worker took but did not acknowledge is put back
  when the worker stops warmly (kombu's virtual transport does that), as before.

kombu's SQLAlchemy transport has no fanout (broadcast) exchanges, so `celery inspect` and `celery control` get no
answer from workers on it (they need Redis), and a message no queue is bound to (a worker's heartbeat events) is
dropped, not kept. Tasks, beat, ETAs and retries work as with Redis.
"""

from json import loads
from pathlib import Path
from queue import Empty

from kombu.transport import sqlalchemy as kombu_sqlalchemy
from kombu.utils.encoding import bytes_to_str
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

BUSY_TIMEOUT_SECONDS = 60


def _sqlite_pragmas(connection, record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Channel(kombu_sqlalchemy.Channel):
    def _engine_from_config(self):
        url = self.connection.client.hostname
        if not url.startswith("sqlite:///"):
            return super()._engine_from_config()
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    def _open(self):
        hostname = self.connection.client.hostname
        if hostname not in self._engines:
            with kombu_sqlalchemy._MUTEX:
                if hostname not in self._engines:
                    engine = self._engine_from_config()
                    try:
                        kombu_sqlalchemy.metadata.create_all(engine)
                    except OperationalError:
                        # Another process created the tables between the check and the CREATE TABLE.
                        kombu_sqlalchemy.metadata.create_all(engine)
                    self._engines[hostname] = engine, sessionmaker(bind=engine)
        return self._engines[hostname]

    def _get(self, queue):
        """Take the oldest message of queue and delete its row, in one transaction."""
        obj = self._get_or_create(queue)
        session = self.session
        if session.bind.name == "sqlite":
            session.execute(text("BEGIN IMMEDIATE TRANSACTION"))
        try:
            message = (
                session.query(self.message_cls)
                .with_for_update()
                .filter(self.message_cls.queue_id == obj.id)
                .order_by(self.message_cls.id)
                .first()
            )
            if message is None:
                raise Empty()
            payload = message.payload
            session.delete(message)
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return loads(bytes_to_str(payload))


class Transport(kombu_sqlalchemy.Transport):
    Channel = Channel
