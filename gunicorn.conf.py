"""gunicorn settings for KeyDesk in production: `gunicorn -c gunicorn.conf.py webapp.wsgi:app`
(what `make prod` and deploy/systemd/keydesk-web.service run). Each value can be changed from
the environment without editing this file.

- workers: 2 × CPU cores + 1 (KEYDESK_WORKERS), each with 2 threads (gthread,
  KEYDESK_THREADS). Threads matter here: a first-time PDF holds a worker for hundreds of
  milliseconds, and the load run of issue 18 saw cheap requests (badge polls) queue behind
  them; `--threads 2` cut the account page's p95 from 360 to 76 ms.
- keepalive 0 (KEYDESK_KEEPALIVE): each connection closes after its answer. A gthread worker
  reads its kept-alive connections only while one of its threads is free, so a client pinned
  to a busy worker waited while others idled; the load run's steady p50/p95 were 43/216 ms
  with 5 s keep-alive and 31–35/145–203 ms without (same code, same machine).
- max_requests + jitter: a worker that rendered PDFs grows from ~100 MB to ~400 MB and keeps
  it (WeasyPrint, fonts); restarting each worker after ~1000 requests, not all at once, bounds
  that growth.
- preload_app off: each worker imports and warms the renderers itself (webapp/wsgi.py) after
  the fork. Preloading would share the imported code copy-on-write, but the warm-up's pango,
  fontconfig and the database pool must not be shared across a fork, and a restart with
  preload does not pick up new code. The cost is a slower start (~2 s per worker).
- logs: the app writes JSON lines with the request id (webapp/ops/logs.py) and a `request`
  line per request, so gunicorn's own access log is off; its error log goes to stderr.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else default


bind = os.environ.get("KEYDESK_BIND", "127.0.0.1:8000")
workers = _int("KEYDESK_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = "gthread"
threads = _int("KEYDESK_THREADS", 2)
max_requests = _int("KEYDESK_MAX_REQUESTS", 1000)
max_requests_jitter = max(1, max_requests // 10)
timeout = _int("KEYDESK_TIMEOUT", 60)  # a worker silent this long is restarted
graceful_timeout = 30
# (see the docstring; nginx opens a new loopback connection per request, ~0.1 ms)
keepalive = _int("KEYDESK_KEEPALIVE", 0)
preload_app = False
accesslog = None
errorlog = "-"
loglevel = os.environ.get("KEYDESK_GUNICORN_LOGLEVEL", "info")
# production unless told otherwise: the app then refuses an unsafe configuration
raw_env = [f"KEYDESK_ENV={os.environ.get('KEYDESK_ENV', 'production')}"]
