"""What the sales area tells the areas above it, inside the import's own transaction.

- `records_changed(kind, account_ids=[…])`: sales records of these accounts were written (an
  import, the CLI: `importer.evaluate.write`, the only writer of sales records besides the
  demo data). Receivers (the development area's tier recompute, the dashboard's monthly sales
  totals) write through the same session, so the records and what follows from them commit
  together.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

records_changed = _signals.signal("sales.records_changed")
