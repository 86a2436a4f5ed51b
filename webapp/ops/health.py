"""`/healthz` and `/readyz`, for the load balancer and for monitoring; neither needs a session
nor a CSRF token, and both are cheap.

- `/healthz`: the process answers (no database, nothing else): 200 `{"status": "ok"}`.
- `/readyz`: every readiness check registered on the app passes: 200, else 503; both with the
  JSON detail of each check. Checks live in `app.extensions["keydesk.readiness"]`, a dict of
  name → callable returning `(ok, detail)`; `register_readiness_check` adds one (in an
  `init_app`). This module registers `database`; `documents` registers `fonts` and
  `catalogues`; the task queue registers its own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, jsonify

from webapp.extensions import csrf, db

log = logging.getLogger(__name__)
bp = Blueprint("ops", __name__)
Check = Callable[[], tuple[bool, str]]
REGISTRY = "keydesk.readiness"


def register_readiness_check(app: Flask, name: str, check: Check) -> None:
    app.extensions.setdefault(REGISTRY, {})[name] = check


def readiness() -> tuple[bool, dict[str, dict]]:
    """Run every registered check; a check that raises counts as failed."""
    results = {}
    for name, check in current_app.extensions.get(REGISTRY, {}).items():
        started = time.perf_counter()
        try:
            ok, detail = check()
        except Exception as error:  # noqa: BLE001 - a broken check is a failed check
            ok, detail = False, f"{type(error).__name__}: {error}"
        results[name] = {
            "ok": bool(ok),
            "detail": detail,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    return all(r["ok"] for r in results.values()), results


def database_check() -> tuple[bool, str]:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True, db.engine.dialect.name
    except Exception as error:  # noqa: BLE001
        return False, f"{db.engine.dialect.name} unreachable: {type(error).__name__}"
    finally:
        db.session.rollback()


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    ok, results = readiness()
    if not ok:
        failed = sorted(name for name, r in results.items() if not r["ok"])
        log.warning("not ready: %s", ", ".join(failed), extra={"checks": results})
    return jsonify(status="ok" if ok else "unavailable", checks=results), 200 if ok else 503


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    csrf.exempt(bp)
    register_readiness_check(app, "database", database_check)
