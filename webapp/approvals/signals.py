"""What the approval engine announces, after the change is committed, so other areas
(notifications, e-mail) can react without the engine importing them.

- `step_opened(request, step=...)`: a step became current: on filing, after the previous step
  approved, after a resubmission, after a reassignment. Its approvers should hear of it.
- `request_closed(request, status=..., actor=...)`: the request was approved, rejected, returned
  for revision or withdrawn. The applicant should hear of it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

step_opened = _signals.signal("approvals.step-opened")
request_closed = _signals.signal("approvals.request-closed")
