"""What the contracts area tells the areas above it, inside the contract's own transaction.

Receivers (connected by the approval area's `init_app`) write through the same session, so a
contract and the approval request it files are committed, or rolled back, together; what they
announce to people goes out only after that commit (webapp/common/events.py).

- `contract_submitted(contract, user=...)`: a draft went to approval.
- `contract_withdrawn(contract, user=...)`: the account team took a contract in approval back.
- `submission_checked(contract)`: asked before a draft is submitted; each receiver returns a
  dict of problems ({field: message}) that keep the contract in draft (the development area:
  a client that failed the MAN qualification).
- `status_changed(contract_id, status=...)`: sent AFTER the commit of any status change
  (webapp/common/events.py); the area itself uses it to render the new version's PDF in the
  background, so the person who opens it next finds it ready.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

contract_submitted = _signals.signal("contracts.submitted")
contract_withdrawn = _signals.signal("contracts.withdrawn")
submission_checked = _signals.signal("contracts.submission_checked")
status_changed = _signals.signal("contracts.status_changed")
