"""Imports that make only long-lived objects, without the garbage collector's passes over them.

Importing a library or the app's own modules makes modules, classes, functions and their
dictionaries: objects that live as long as the process. The cyclic collector cannot know it:
whenever allocations pass its thresholds it scans the young ones again, and its full passes
rescan everything. In a one-off `flask render` that was 0.13 s of CPU, a tenth of what the
command costs beyond WeasyPrint's own work (issue 17). `long_lived()` pauses the collector
for a block of imports and then freezes what exists (`gc.freeze`: never scanned again), as
`webapp.wsgi` does once a worker has started.

Use it only around imports (webapp/__init__.py, WeasyPrint in documents/pdf.py), which run
once per process: whatever is alive when the block ends is never collected, so a block that
runs in the middle of a request keeps that request's objects (once, not per request).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Run the block with the collector paused; freeze what exists after it."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
