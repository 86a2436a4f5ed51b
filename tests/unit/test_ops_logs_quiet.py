"""JSON logs (ops/logs.py) leave out WeasyPrint's step-by-step progress: seven INFO lines per PDF
buried the worker's own lines."""

from __future__ import annotations

import logging

from webapp.ops.logs import use_json_logs


def test_json_logs_keep_weasyprint_progress_out():
    root = logging.getLogger()
    progress = logging.getLogger("weasyprint.progress")
    saved = (root.handlers[:], root.level, progress.level)
    try:
        root.handlers = []
        use_json_logs()
        assert root.isEnabledFor(logging.INFO)
        assert not progress.isEnabledFor(logging.INFO)
        assert progress.isEnabledFor(logging.WARNING)
    finally:
        root.handlers, level, progress_level = saved
        root.setLevel(level)
        progress.setLevel(progress_level)
