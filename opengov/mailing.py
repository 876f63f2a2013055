"""What every e-mail the portal sends once (a confirmation link, a notification) shares.

Such an e-mail is sent inside the row lock that says it went, so that two runs of its task
cannot both send it. One failure is left: the mail server took the e-mail, then the database
went away before the row said so. Retrying the task would send it a second time; the write is
retried instead, on a fresh connection, until the database is back."""

import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connection


def record_when_database_back(write: Callable[[], object], *, attempts: int = 30) -> None:
    """Run `write` (an idempotent UPDATE saying an e-mail went) on a new connection, once a
    second until the database answers; re-raise after `attempts` tries."""
    for attempt in range(attempts):
        connection.close()
        try:
            write()
            return
        except (OperationalError, InterfaceError):
            if attempt == attempts - 1:
                raise
            time.sleep(1)
