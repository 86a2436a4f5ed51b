"""What the accounts area tells the areas above it, inside the account's own transaction.

- `account_saved(account, user=..., created=bool)`: an account was created or edited; the
  development area keeps its duplicate-check keys current and refuses a new account that
  duplicates one a colleague follows (by raising ValidationFailed, which rolls the save back).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

account_saved = _signals.signal("accounts.saved")
