"""Announcements between areas, sent after the work they announce is committed.

A service that changes something other areas react to (a step waiting for someone, a request
decided) queues the signal with `after_commit`; the session sends it once its transaction
commits and drops it on rollback (webapp/database.py). Listeners are connected by the
listening area's `init_app`, so the announcing area never imports them.

Work that must succeed or fail together with the change (a submitted contract's approval
request) is not announced: it is a signal sent inside the transaction (see
webapp/contracts/signals.py), whose receivers write through the same session.
"""

from __future__ import annotations

from typing import Any

from webapp.extensions import db


def after_commit(signal: Any, sender: Any, **kwargs: Any) -> None:
    """Send `signal` from `sender` with `kwargs` once the current transaction commits."""
    db.session().queue_after_commit(signal, sender, kwargs)
