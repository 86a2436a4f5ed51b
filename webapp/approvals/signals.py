"""What the approval engine tells other areas, without importing them.

Announced after the change is committed (queued with `webapp.common.events.after_commit`), for
notifications and e-mail:
- `step_opened(request, step=...)`: a step became current: on filing, after the previous step
  approved, after a resubmission, after a reassignment. Its approvers should hear of it.
- `request_closed(request, status=..., actor=...)`: the request was approved, rejected, returned
  for revision or withdrawn. The applicant should hear of it.
- `credit_deadline_near(request, step=..., days_left=...)`: a credit adjustment reached one of
  its reminder days before the 10-day deadline. The current step's approvers should hear of it.

Sent inside the deciding transaction, for work that must stand or fall with the decision:
- `request_finished(request, status=..., actor=..., comment=...)`: the request reached its
  outcome; a contract request's contract follows it (service/contract_link.py).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

step_opened = _signals.signal("approvals.step-opened")
request_closed = _signals.signal("approvals.request-closed")
request_finished = _signals.signal("approvals.request-finished")
credit_deadline_near = _signals.signal("approvals.credit-deadline-near")
