"""The approval engine: filing, deciding exactly once, withdrawing, resubmitting after a
return, delegation and reassignment, and the effects of a final approval.

Rules (DOMAIN.md "Approval requests"): nobody approves their own request; a step can approve,
reject (with reason) or return for revision; the applicant can withdraw before the decision;
overdue steps are flagged; a decision is recorded once even if two approvers click together.

The modules, lower first (each imports only those before it):
- `core.py`           the trail, the steps of a round, numbering, finishing with its effects
- `inbox.py`          who may act on a step (deputies included) and the inbox queries
- `reading.py`        visibility, one request, its trail and changes between rounds
- `filing.py`         file, withdraw, resubmit, comment
- `decisions.py`      decide one step exactly once; bulk decisions
- `delegation.py`     deputies; the administrator reassigning a waiting step
- `contract_link.py`  the contract approval request, filed and finished with its contract
- `support.py`        support tasks from approved applications

Other areas use the names below as `approvals.service.<name>`.
"""

from __future__ import annotations

from webapp.approvals.service.contract_link import (
    contract_approval_link,
    file_contract_request,
    on_contract_submitted,
    on_contract_withdrawn,
    on_request_finished,
    request_for_contract,
)
from webapp.approvals.service.core import (
    DECISIONS,
    AlreadyDecided,
    TooLate,
)
from webapp.approvals.service.decisions import (
    bulk_decide,
    decide,
)
from webapp.approvals.service.delegation import (
    active_approvers,
    delegate,
    delegations_to,
    deputy_choices,
    end_delegation,
    my_delegations,
    reassign,
    stranded,
    waiting_steps_for_admin,
)
from webapp.approvals.service.filing import (
    add_comment,
    can_resubmit,
    can_withdraw,
    file_request,
    resubmit,
    withdraw,
)
from webapp.approvals.service.inbox import (
    SUPERIOR_OF,
    acting_as,
    approvers_of,
    inbox_clause,
    inbox_rows,
    overdue_below,
    overdue_below_count,
    principals,
    waiting_count,
    waiting_count_of_type,
    waiting_for,
)
from webapp.approvals.service.reading import (
    current_step,
    days_left,
    events,
    get_request,
    recent_for_account,
    request_scope,
    round_changes,
)
from webapp.approvals.service.support import (
    deliver_task,
    delivered_support_count,
    support_tasks,
)

__all__ = [
    "AlreadyDecided",
    "DECISIONS",
    "SUPERIOR_OF",
    "TooLate",
    "acting_as",
    "active_approvers",
    "add_comment",
    "approvers_of",
    "bulk_decide",
    "can_resubmit",
    "can_withdraw",
    "contract_approval_link",
    "current_step",
    "days_left",
    "decide",
    "delegate",
    "delegations_to",
    "deliver_task",
    "delivered_support_count",
    "deputy_choices",
    "end_delegation",
    "events",
    "file_contract_request",
    "file_request",
    "get_request",
    "inbox_clause",
    "inbox_rows",
    "my_delegations",
    "on_contract_submitted",
    "on_contract_withdrawn",
    "on_request_finished",
    "overdue_below",
    "overdue_below_count",
    "principals",
    "reassign",
    "recent_for_account",
    "request_for_contract",
    "request_scope",
    "resubmit",
    "round_changes",
    "stranded",
    "support_tasks",
    "waiting_count",
    "waiting_count_of_type",
    "waiting_for",
    "waiting_steps_for_admin",
    "withdraw",
]
