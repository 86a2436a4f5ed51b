"""The approval engine: filing, deciding exactly once, withdrawing, resubmitting after a
return, delegation and reassignment, and the effects of a final approval.

Rules (DOMAIN.md "Approval requests"): nobody approves their own request; a step can approve,
reject (with reason) or return for revision; the applicant can withdraw before the decision;
overdue steps are flagged; a decision is recorded once even if two approvers click together.

The modules, lower first (each imports only those before it):
- `attack.py`         the attack plan's fields and checks, and its final approval's effect
- `core.py`           the trail, the steps of a round, numbering, finishing with its effects
- `inbox.py`          who may act on a step (deputies included) and the inbox queries
- `reading.py`        visibility, one request, its trail and changes between rounds
- `filing.py`         file, withdraw, resubmit, comment
- `decisions.py`      decide one step exactly once; bulk decisions
- `delegation.py`     deputies; the administrator reassigning a waiting step
- `contract_link.py`  the contract approval request, filed and finished with its contract
- `attachments.py`    files per round (the attachments area stores them)
- `support.py`        support tasks from approved applications
- `settings.py`       the administrator's versioned approval settings
- `reminders.py`      reminders of the 10-day credit rule

Other areas use the names below as `approvals.service.<name>`.
"""

from __future__ import annotations

from webapp.approvals.service.attachments import (
    REQUEST_ATTACHMENTS,
    can_attach,
)
from webapp.approvals.service.attack import plan_of, possible_owners
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
    bulk_preview,
    decide,
)
from webapp.approvals.service.delegation import (
    active_approvers,
    can_name_deputy,
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
    arrears_for,
    inbox_clause,
    inbox_rows,
    overdue_below,
    overdue_below_count,
    principals,
    waiting_count,
    waiting_count_of_type,
    waiting_for,
    waiting_row,
    waiting_step_people,
    who_can_act,
)
from webapp.approvals.service.reading import (
    current_step,
    events,
    get_request,
    last_round_comments,
    recent_for_account,
    request_scope,
    round_changes,
)
from webapp.approvals.service.reminders import send_credit_reminders
from webapp.approvals.service.settings import (
    save_settings,
    settings_form_data,
    settings_versions,
)
from webapp.approvals.service.support import (
    deliver_task,
    delivered_support_count,
    support_tasks,
)

__all__ = [
    "plan_of",
    "possible_owners",
    "REQUEST_ATTACHMENTS",
    "can_attach",
    "AlreadyDecided",
    "DECISIONS",
    "SUPERIOR_OF",
    "TooLate",
    "acting_as",
    "active_approvers",
    "add_comment",
    "approvers_of",
    "arrears_for",
    "bulk_decide",
    "bulk_preview",
    "can_name_deputy",
    "can_resubmit",
    "can_withdraw",
    "contract_approval_link",
    "current_step",
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
    "last_round_comments",
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
    "save_settings",
    "send_credit_reminders",
    "settings_form_data",
    "settings_versions",
    "round_changes",
    "stranded",
    "support_tasks",
    "waiting_count",
    "waiting_count_of_type",
    "waiting_for",
    "waiting_row",
    "waiting_step_people",
    "who_can_act",
    "waiting_steps_for_admin",
    "withdraw",
]
