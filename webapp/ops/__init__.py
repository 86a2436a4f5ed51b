"""Operations: what running KeyDesk in production needs besides the pages.

- `production.py`  refusing to start in production with an unsafe configuration (a default or
                   short SECRET_KEY, debug on)
- `proxies.py`     trusted reverse proxies (`ProxyFix` with hop counts from the environment)
- `logs.py`        JSON log lines with a request id (`current_request_id()`, `carry_request_id`)
- `health.py`      `/healthz` (the process answers) and `/readyz` (the registered readiness
                   checks: database here; fonts and catalogues by `documents`; the queue's)
- `backup.py`      `flask backup DEST` / `flask restore SRC` (database and stored files)

`init_app` runs right after `security`, before any area, so every request carries its id and
the client address behind the proxy before a view sees it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.ops import backup, health, logs, production, proxies

    production.refuse_unsafe(app)
    proxies.init_app(app)
    logs.init_app(app)
    health.init_app(app)
    backup.register_commands(app)
