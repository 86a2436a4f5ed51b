"""Structured logs: one JSON object per line, each with the id of the request it belongs to.

The request id is the incoming `X-Request-ID` when it looks like one (1–64 characters of
letters, digits, `-`, `_`, `.`, `:`), else a new random one; the response carries it back in
`X-Request-ID`, nginx logs it too (deploy/nginx/keydesk.conf), and every log line written while
the request runs has it. Background jobs carry it on: the code that queues a job passes
`current_request_id()` along and the job runs inside `carry_request_id(that_id)`.

`KEYDESK_LOG_FORMAT=json` (the default in production) puts the JSON formatter on the root
logger's handler; `text` leaves logging as it is. With JSON on, each request also writes one
`request` line (method, path, status, milliseconds) so gunicorn's access log can stay off.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_job_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "keydesk_request_id", default=None
)
request_log = logging.getLogger("keydesk.request")

# LogRecord attributes that are not "extra" fields given by the caller
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def current_request_id() -> str | None:
    """The id of the request being served, or of the request a background job came from."""
    if has_request_context():
        rid = g.get("request_id")
        if rid:
            return rid
    return _job_request_id.get()


@contextlib.contextmanager
def carry_request_id(request_id: str | None) -> Iterator[None]:
    """Run a background job under the id of the request that queued it."""
    token = _job_request_id.set(request_id)
    try:
        yield
    finally:
        _job_request_id.reset(token)


def sane_request_id(value: str | None) -> str:
    if value and _SANE.fullmatch(value):
        return value
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time (UTC), level, logger, message, request_id, the
    caller's `extra` fields and the exception text."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def use_json_logs(level: int = logging.INFO) -> None:
    """Put the JSON formatter on the root logger (once per process)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler.formatter, JsonFormatter):
            return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.handlers = [handler]
    root.setLevel(level)
    # WeasyPrint says each of its seven steps at INFO: seven lines per PDF in a worker's log
    logging.getLogger("weasyprint.progress").setLevel(max(level, logging.WARNING))


def _start() -> None:
    g.request_id = sane_request_id(request.headers.get(HEADER))
    g.request_started = time.perf_counter()
    g.request_cpu_started = time.thread_time()  # this thread's CPU: work, not waiting


def _finish(response):
    rid = g.get("request_id")
    if rid:
        response.headers[HEADER] = rid
        started = g.get("request_started")
        if started is not None and request_log.isEnabledFor(logging.INFO):
            request_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "cpu_ms": round((time.thread_time() - g.request_cpu_started) * 1000, 1),
                    "remote_addr": request.remote_addr,
                },
            )
    return response


def log_format() -> str:
    from webapp.ops.production import is_production

    chosen = os.environ.get("KEYDESK_LOG_FORMAT", "").strip().lower()
    return chosen or ("json" if is_production() else "text")


def init_app(app: Flask) -> None:
    # first of all, so even a request refused by `security` gets its id
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
    if not app.testing and log_format() == "json":
        use_json_logs()
    else:  # request lines only where JSON logs were asked for
        request_log.setLevel(logging.INFO if log_format() == "json" else logging.WARNING)
