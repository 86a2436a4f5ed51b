"""WSGI entry point for production servers: `gunicorn -c gunicorn.conf.py webapp.wsgi:app`
(`make prod`; gunicorn.conf.py says why workers, threads and restarts are what they are)."""

import gc

from webapp import create_app
from webapp.documents.warmup import warm_up

app = create_app()

# Each worker warms the document renderers (fonts, print CSS, templates) before its first
# request, so the first PDF it serves is as fast as the next (webapp/documents/warmup.py).
warm_up(app)

# What exists after start-up lives as long as the worker. Freezing it keeps the cyclic garbage
# collector from re-scanning all of it on every full collection, which otherwise adds a ~40 ms
# pause to one request in ten on heavy pages (measured on the 200-line contract editor).
gc.collect()
gc.freeze()
