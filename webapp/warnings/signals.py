"""What the warnings job tells the areas above it.

- `job_ran(None, now=...)`: `flask warnings run` (or the administrator's "evaluate now") has
  evaluated and committed the warning rules; areas with periodic rules of their own run them
  here (the development area: the customer-pool rule and the daily-lead check). Receivers
  commit their own work.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

job_ran = _signals.signal("warnings.job_ran")
