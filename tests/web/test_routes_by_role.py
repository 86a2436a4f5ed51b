"""Every route, every role: the expected status of each registered route for each kind of user.

The table below is the access policy written out. A route registered in the app without a row
here fails the test, so whoever adds a route also states who may use it.

An object outside the user's scope answers exactly like a missing one (404, the same words), so
ids cannot be probed: "manager_b" gets 404 on department A's account and everything on it. 403
stays for what the role itself may not do (the same answer whatever the id), and for an object
the user sees but may not change.

Requests: GET for routes that answer GET; POST with an empty form for routes that accept POST
(a form route gets both). Ids come from `world`: an account owned by an account manager of
department A, a contact on it, and a colleague of department A on its team.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from webapp import create_app
from webapp.accounts.models import AccountMember, Contact
from webapp.approvals import service as approvals
from webapp.approvals.models import Delegation, RequestType, SupportKind, SupportTask
from webapp.auth.models import Role
from webapp.common.timeutil import local_today, utcnow
from webapp.complaints.models import Complaint
from webapp.contracts.lines import LineInput
from webapp.contracts.models import Contract, ContractStatus, SignedScan
from webapp.extensions import db
from webapp.notifications import service as notifications
from webapp.notifications import tokens as mail_tokens
from webapp.plans import attack as attack_plans
from webapp.plans.models import Frequency, ServicePlanItem
from webapp.proposals import service as proposals
from webapp.proposals.models import Proposal, ProposalLink
from webapp.sales.models import BatchStatus, ImportBatch
from webapp.warnings.models import EarlyWarning, RuleKey

# Columns: who makes the request, by Role value. "account_manager" is the manager of department
# A who owns the account; "manager_b" an account manager of department B; supervisor and head
# are of department A.
ACTORS = (
    "anonymous",
    "account_manager",
    "manager_b",
    "supervisor",
    "department_head",
    "executive",
    "finance",
    "custodian",
    "admin",
)

# fmt: off
EXPECTED_ROWS = {
    #                                        anon   am mgr_b  sup head exec  fin cust admin
    ("auth.login", "GET"):                   (200, 302,  302, 302, 302, 302, 302, 302, 302),
    ("auth.login", "POST"):                  (400, 302,  302, 302, 302, 302, 302, 302, 302),
    ("auth.logout", "POST"):                 (302, 303,  303, 303, 303, 303, 303, 303, 303),
    ("auth.change_password", "GET"):         (302, 200,  200, 200, 200, 200, 200, 200, 200),
    ("auth.change_password", "POST"):        (302, 422,  422, 422, 422, 422, 422, 422, 422),
    ("auth.set_language", "POST"):           (303, 303,  303, 303, 303, 303, 303, 303, 303),
    ("main.home", "GET"):                    (302, 200,  200, 200, 200, 200, 200, 200, 302),
    ("main.favicon", "GET"):                 (200, 200,  200, 200, 200, 200, 200, 200, 200),
    ("ops.healthz", "GET"):                  (200, 200,  200, 200, 200, 200, 200, 200, 200),
    ("ops.readyz", "GET"):                   (200, 200,  200, 200, 200, 200, 200, 200, 200),
    ("main.next_steps", "GET"):              (302, 200,  200, 200, 200, 200, 200, 200, 403),
    ("main.warnings", "GET"):                (302, 200,  200, 200, 200, 200, 200, 200, 403),
    ("admin.users", "GET"):                  (302, 403,  403, 403, 403, 403, 403, 403, 200),
    ("admin.new_user", "GET"):               (302, 403,  403, 403, 403, 403, 403, 403, 200),
    ("admin.new_user", "POST"):              (302, 403,  403, 403, 403, 403, 403, 403, 422),
    ("admin.edit_user", "GET"):              (302, 403,  403, 403, 403, 403, 403, 403, 200),
    ("admin.edit_user", "POST"):             (302, 403,  403, 403, 403, 403, 403, 403, 422),
    ("admin.sign_out_everywhere", "POST"):   (302, 403,  403, 403, 403, 403, 403, 403, 303),
    ("admin.departments", "GET"):            (302, 403,  403, 403, 403, 403, 403, 403, 200),
    ("admin.departments", "POST"):           (302, 403,  403, 403, 403, 403, 403, 403, 422),
    ("accounts.index", "GET"):               (302, 200,  200, 200, 200, 200, 200, 200, 403),
    ("accounts.new", "GET"):                 (302, 200,  200, 200, 200, 403, 403, 403, 403),
    ("accounts.new", "POST"):                (302, 422,  422, 422, 422, 403, 403, 403, 403),
    ("accounts.detail", "GET"):              (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("accounts.profile", "GET"):             (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("accounts.contacts", "GET"):            (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("accounts.activities", "GET"):          (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("accounts.history", "GET"):             (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("accounts.edit", "GET"):                (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("accounts.edit", "POST"):               (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("accounts.new_contact", "GET"):         (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("accounts.new_contact", "POST"):        (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("accounts.edit_contact", "GET"):        (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("accounts.edit_contact", "POST"):       (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("accounts.delete_contact", "POST"):     (302, 303,  404, 303, 303, 403, 403, 403, 403),
    ("accounts.add_visit", "POST"):          (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("accounts.add_member", "POST"):         (302, 303,  404, 303, 303, 403, 403, 403, 403),
    ("accounts.remove_member", "POST"):      (302, 303,  404, 303, 303, 403, 403, 403, 403),
    # contracts: a draft for the drafting routes, one in approval for deciding, an approved one
    # to archive, a signed one (with its scan) to terminate; see CONTRACT_ID_FOR below. An
    # empty POST that passes the role check is refused inside with a message (303)
    ("contracts.index", "GET"):              (302, 200,  200, 200, 200, 200, 200, 200, 403),
    ("contracts.account_contracts", "GET"):  (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("contracts.new", "GET"):                (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("contracts.new", "POST"):               (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("contracts.edit", "GET"):               (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("contracts.edit", "POST"):              (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("contracts.lines", "POST"):             (302, 200,  200, 200, 200, 403, 403, 403, 403),
    ("contracts.checklist", "POST"):         (302, 200,  200, 200, 200, 403, 403, 403, 403),
    ("contracts.detail", "GET"):             (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("contracts.submit", "POST"):            (302, 303,  404, 303, 303, 403, 403, 403, 403),
    ("contracts.withdraw", "POST"):          (302, 303,  404, 303, 303, 403, 403, 403, 403),
    ("contracts.archive", "POST"):           (302, 403,  403, 403, 403, 403, 403, 303, 403),
    ("contracts.terminate", "POST"):         (302, 403,  403, 403, 303, 403, 403, 303, 403),
    ("contracts.scan", "GET"):               (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("contract_admin.standard_clauses", "GET"): (302, 403,  403, 403, 403, 403, 403, 403, 302),
    ("contract_admin.standard_clause", "GET"): (302, 403,  403, 403, 403, 403, 403, 403, 200),
    ("contract_admin.standard_clause", "POST"): (302, 403,  403, 403, 403, 403, 403, 403, 422),
    ("contract_admin.company", "GET"):       (302, 403,  403, 403, 403, 403, 403, 403, 200),
    ("contract_admin.company", "POST"):      (302, 403,  403, 403, 403, 403, 403, 403, 422),
    # approvals: a support request filed by the account manager, waiting for the supervisor.
    # An empty decision or comment passes the access check and is refused inside (303).
    ("approvals.inbox", "GET"):              (302, 200,  200, 200, 200, 200, 200, 200, 200),
    ("approvals.badge", "GET"):              (302, 200,  200, 200, 200, 200, 200, 200, 200),
    ("approvals.detail", "GET"):             (302, 200,  404, 200, 200, 200, 200, 200, 404),
    ("approvals.decide", "POST"):            (302, 303,  404, 303, 303, 303, 303, 303, 404),
    ("approvals.withdraw", "POST"):          (302, 303,  404, 403, 403, 403, 403, 403, 404),
    ("approvals.comment", "POST"):           (302, 303,  404, 303, 303, 303, 303, 303, 404),
    ("approvals.new", "GET"):                (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("approvals.new", "POST"):               (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("approvals.account_requests", "GET"):   (302, 200,  404, 200, 200, 200, 200, 200, 403),
    # resubmitting a request that is not returned is refused with a message (303)
    ("approvals.resubmit", "GET"):           (302, 303,  404, 303, 303, 303, 303, 303, 404),
    ("approvals.resubmit", "POST"):          (302, 303,  404, 303, 303, 303, 303, 303, 404),
    ("approvals.bulk_decide", "POST"):       (302, 303,  303, 303, 303, 303, 303, 303, 303),
    ("approvals.deputies", "GET"):           (302, 200,  200, 200, 200, 200, 200, 200, 200),
    ("approvals.deputies", "POST"):          (302, 422,  422, 422, 422, 422, 422, 422, 422),
    # the delegation is the supervisor's: only they end it
    ("approvals.end_delegation", "POST"):    (302, 403,  403, 303, 403, 403, 403, 403, 403),
    ("approvals.admin_steps", "GET"):        (302, 403,  403, 403, 403, 403, 403, 403, 200),
    # attachments: a PDF on the support request, a visit of the account; an upload without a
    # file is refused inside (303) for those who may add, and those who see the record read
    ("attachments.download", "GET"):         (302, 200,  404, 200, 200, 200, 200, 200, 404),
    ("attachments.preview", "GET"):          (302, 200,  404, 200, 200, 200, 200, 200, 404),
    ("attachments.upload", "POST"):          (302, 303,  404, 303, 303, 303, 303, 303, 404),
    ("attachments.panel", "GET"):            (302, 200,  404, 200, 200, 200, 200, 200, 404),
    ("attachments.visit_panel", "GET"):      (302, 200,  404, 200, 200, 200, 200, 200, 404),
    ("approvals.admin_settings", "GET"):     (302, 403,  403, 403, 403, 403, 403, 403, 200),
    ("approvals.admin_settings", "POST"):    (302, 403,  403, 403, 403, 403, 403, 403, 422),
    ("approvals.reassign", "POST"):          (302, 403,  403, 403, 403, 403, 403, 403, 303),
    ("approvals.deliver_task", "POST"):      (302, 303,  404, 303, 303, 403, 403, 403, 403),
    # notifications: everyone signed in has a bell and a list; the notification marked read is
    # the account manager's (anyone else's answers 404). The confirm page of an e-mail link is
    # public: the token names the approver (here the supervisor, approving), so an empty POST
    # decides and every column answers alike.
    ("notifications.index", "GET"):          (302, 200,  200, 200, 200, 200, 200, 200, 200),
    ("notifications.bell", "GET"):           (302, 200,  200, 200, 200, 200, 200, 200, 200),
    ("notifications.mark_read", "POST"):     (302, 303,  404, 404, 404, 404, 404, 404, 404),
    ("notifications.mark_all_read", "POST"): (302, 303,  303, 303, 303, 303, 303, 303, 303),
    ("notifications.confirm", "GET"):        (200, 200,  200, 200, 200, 200, 200, 200, 200),
    ("notifications.confirm", "POST"):       (200, 200,  200, 200, 200, 200, 200, 200, 200),
    # proposals: one with a client link (see _proposals). Seeing follows the account, editing
    # and sending need the account team; an empty "send" is refused inside (303). The public
    # link page answers every column alike: the token in the URL is not a valid link (404).
    ("proposals.account_proposals", "GET"):  (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("proposals.new", "GET"):                (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("proposals.new", "POST"):               (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("proposals.edit", "GET"):               (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("proposals.edit", "POST"):              (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("proposals.lines", "POST"):             (302, 200,  200, 200, 200, 403, 403, 403, 403),
    ("proposals.detail", "GET"):             (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("proposals.links", "GET"):              (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("proposals.send", "POST"):              (302, 303,  404, 303, 303, 403, 403, 403, 403),
    ("proposals.revoke", "POST"):            (302, 303,  404, 303, 303, 403, 403, 403, 403),
    ("proposals.public", "GET"):             (404, 404,  404, 404, 404, 404, 404, 404, 404),
    ("proposals.public_download", "GET"):    (404, 404,  404, 404, 404, 404, 404, 404, 404),
    ("proposals.branding_settings", "GET"):  (302, 403,  403, 403, 403, 403, 403, 403, 200),
    ("proposals.branding_settings", "POST"): (302, 403,  403, 403, 403, 403, 403, 403, 422),
    # sales records: every reader of the account sees them; importing is finance's (company-wide)
    # and supervisors'/heads' (their department); a batch is seen by its uploader and finance
    # (the batch below is finance's). An empty upload is refused inside (422); confirming a batch
    # with nothing new is refused with a message (303).
    ("sales.account_records", "GET"):        (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("sales.imports", "GET"):                (302, 403,  403, 200, 200, 403, 200, 403, 403),
    ("sales.upload", "POST"):                (302, 403,  403, 422, 422, 403, 422, 403, 403),
    ("sales.batch", "GET"):                  (302, 403,  403, 404, 404, 403, 200, 403, 403),
    ("sales.confirm", "POST"):               (302, 403,  403, 404, 404, 403, 303, 403, 403),
    ("sales.bad_rows", "GET"):               (302, 403,  403, 404, 404, 403, 200, 403, 403),
    ("sales.template", "GET"):               (302, 403,  403, 200, 200, 403, 200, 403, 403),
    # complaints: the account's team records and works on them; instruction and archiving are a
    # department leader's (checked inside: an empty step is refused with a message, 303)
    ("complaints.account_complaints", "GET"): (302, 200, 404, 200, 200, 200, 200, 200, 403),
    ("complaints.record", "POST"):           (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("complaints.detail", "GET"):            (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("complaints.advance", "POST"):          (302, 303,  404, 303, 303, 403, 403, 403, 403),
    # warnings: the account's team reports major events; a warning (the owner's, below) is
    # handled by whoever must act or a leader of the department; admins edit the thresholds
    ("warnings.account_warnings", "GET"):    (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("warnings.report_event", "POST"):       (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("warnings.handle", "POST"):             (302, 303,  404, 303, 303, 403, 403, 403, 404),
    ("warnings.rules", "GET"):               (302, 403,  403, 403, 403, 403, 403, 403, 200),
    ("warnings.rules", "POST"):              (302, 403,  403, 403, 403, 403, 403, 403, 422),
    ("warnings.run", "POST"):                (302, 403,  403, 403, 403, 403, 403, 403, 303),
    # cooperation evaluation: every reader of the account sees its tab (and its report through
    # documents.*); the weights are the administrator's (an empty form is refused inside, 422)
    ("evaluations.account_evaluation", "GET"): (302, 200, 404, 200, 200, 200, 200, 200, 403),
    ("evaluations.period_report", "GET"):    (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("evaluations.weights", "GET"):          (302, 403,  403, 403, 403, 403, 403, 403, 200),
    ("evaluations.weights", "POST"):         (302, 403,  403, 403, 403, 403, 403, 403, 422),
    # development: the board for every account reader; leads, moves and the account's
    # Development tab actions for the account team and department leaders (an empty
    # qualification, assessment, move or reason is refused inside, 422; an empty forecast or a
    # checklist tick changes nothing, 303); the pool for managers, leaders and executives (claiming
    # an account not in the pool is refused with a message, 303); settings for the administrator
    # the dashboard and the lists behind its figures: those who run the department
    ("dashboard.index", "GET"):              (302, 403,  403, 200, 200, 200, 403, 403, 403),
    ("dashboard.drill", "GET"):              (302, 403,  403, 200, 200, 200, 403, 403, 403),
    ("development.board", "GET"):            (302, 200,  200, 200, 200, 200, 200, 200, 403),
    ("development.new_lead", "GET"):         (302, 200,  200, 200, 200, 403, 403, 403, 403),
    ("development.new_lead", "POST"):        (302, 422,  422, 422, 422, 403, 403, 403, 403),
    ("development.leads_index", "GET"):      (302, 200,  200, 200, 200, 200, 403, 403, 403),
    ("development.check_lead", "GET"):       (302, 200,  200, 200, 200, 403, 403, 403, 403),
    ("development.move", "POST"):            (302, 303,  303, 303, 303, 403, 403, 403, 403),
    ("development.pool_index", "GET"):       (302, 200,  200, 200, 200, 200, 403, 403, 403),
    ("development.claim", "POST"):           (302, 303,  303, 303, 303, 303, 403, 403, 403),
    ("development.assign", "POST"):          (302, 303,  303, 303, 303, 303, 403, 403, 403),
    ("development_account.development", "GET"): (302, 200, 404, 200, 200, 200, 200, 200, 403),
    ("relationships.account_map", "GET"):    (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("relationships.add_influence", "POST"): (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("relationships.remove_influence", "POST"): (302, 422, 404, 422, 422, 403, 403, 403, 403),
    ("relationships.set_owner", "POST"):     (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("relationships.account_competitors", "GET"): (302, 200, 404, 200, 200, 200, 200, 200, 403),
    ("relationships.save_competitor", "POST"): (302, 422, 404, 422, 422, 403, 403, 403, 403),
    ("relationships.remove_competitor", "POST"): (302, 422, 404, 422, 422, 403, 403, 403, 403),
    ("relationships.account_whitespace", "GET"): (302, 200, 404, 200, 200, 200, 200, 200, 403),
    ("relationships.save_estimate", "POST"): (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("relationships.competitors_index", "GET"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    ("development_account.qualify", "POST"): (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("development_account.assess", "POST"):  (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("development_account.forecast", "POST"): (302, 303, 404, 303, 303, 403, 403, 403, 403),
    ("development_account.grade_credit", "POST"): (302, 303, 404, 303, 303, 403, 403, 403, 403),
    ("development_account.check", "POST"):   (302, 303,  404, 303, 303, 403, 403, 403, 403),
    # plans (issue 15): the Plans tab for every reader of the account, its forms for the team and
    # department leaders (empty forms are refused, 422); marking an item done is its owner's or
    # the team's; the attack plan's progress likewise once approved (an empty percent is refused
    # with a message, 303); revising a request that is no attack plan goes back to it (303); the
    # calendar page is everyone's own; a feed address that is no feed's is 404 for anyone
    ("plans.account_plans", "GET"):          (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("plans.add_item", "POST"):              (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("plans.item_done", "POST"):             (302, 303,  404, 303, 303, 403, 403, 403, 403),
    ("plans.add_review", "POST"):            (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("plans.new_attack", "GET"):             (302, 200,  404, 200, 200, 403, 403, 403, 403),
    ("plans.new_attack", "POST"):            (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("plans.revise_attack", "GET"):          (302, 303,  404, 303, 303, 403, 403, 403, 403),
    ("plans.revise_attack", "POST"):         (302, 303,  404, 303, 303, 403, 403, 403, 403),
    ("plans.attack_detail", "GET"):          (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("plans.attack_progress", "POST"):       (302, 303,  404, 303, 303, 403, 403, 403, 403),
    ("plans.attack_review", "POST"):         (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("plans.due", "GET"):                    (302, 200,  200, 200, 200, 200, 200, 200, 403),
    ("plans.calendar_page", "GET"):          (302, 200,  200, 200, 200, 200, 200, 200, 200),
    ("plans.calendar_address", "POST"):      (302, 200,  200, 200, 200, 200, 200, 200, 200),
    ("plans.calendar_off", "POST"):          (302, 303,  303, 303, 303, 303, 303, 303, 303),
    ("plans.feed", "GET"):                   (404, 404,  404, 404, 404, 404, 404, 404, 404),
    ("development_account.move", "POST"):    (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("development_account.give_up", "POST"): (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("development_account.reopen", "POST"):  (302, 422,  404, 422, 422, 403, 403, 403, 403),
    ("development_admin.index", "GET"):      (302, 403,  403, 403, 403, 403, 403, 403, 200),
    ("development_admin.weights", "POST"):   (302, 403,  403, 403, 403, 403, 403, 403, 422),
    ("development_admin.tier_table", "POST"): (302, 403, 403, 403, 403, 403, 403, 403, 422),
    ("development_admin.rules", "POST"):     (302, 403,  403, 403, 403, 403, 403, 403, 422),
    # generated documents of the draft contract: whoever sees the contract downloads them (the
    # current one is generated on the first request, then served from the store)
    ("documents.current", "GET"):            (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("documents.download", "GET"):           (302, 200,  404, 200, 200, 200, 200, 200, 403),
    ("documents.versions", "GET"):           (302, 200,  404, 200, 200, 200, 200, 200, 403),
    # lists: a saved view and a finished export of the account manager's; only the owner sees
    # them (others: 404, like missing ones); an empty save or rename is refused inside (422)
    ("lists.saved_views", "GET"):            (302, 200,  200, 200, 200, 200, 200, 200, 200),
    ("lists.save_view", "POST"):             (302, 422,  422, 422, 422, 422, 422, 422, 422),
    ("lists.open_view", "GET"):              (302, 303,  404, 404, 404, 404, 404, 404, 404),
    ("lists.rename_view", "POST"):           (302, 422,  404, 404, 404, 404, 404, 404, 404),
    ("lists.delete_view", "POST"):           (302, 303,  404, 404, 404, 404, 404, 404, 404),
    ("lists.export_status", "GET"):          (302, 200,  404, 404, 404, 404, 404, 404, 404),
    ("lists.export_download", "GET"):        (302, 200,  404, 404, 404, 404, 404, 404, 404),
    # the global search: every account reader (each kind in its own scope)
    ("search.index", "GET"):                 (302, 200,  200, 200, 200, 200, 200, 200, 403),
}
# fmt: on

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    route: dict(zip(ACTORS, statuses, strict=True)) for route, statuses in EXPECTED_ROWS.items()
}

SKIPPED_ENDPOINTS = {"static"}


def registered_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((rule.endpoint, method))
    return routes


def test_every_role_has_a_column():
    assert {role.value for role in Role} <= set(ACTORS)


def test_every_registered_route_has_expectations():
    # An app of its own: the check needs the URL map only, and runs once whatever the backends.
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    routes = registered_routes(app)
    missing = sorted(routes - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - routes)
    assert not missing, f"routes without a row in EXPECTED_ROWS (add who may use them): {missing}"
    assert not stale, f"rows in EXPECTED_ROWS for routes that no longer exist: {stale}"


def _actor_user(world, actor):
    return {
        "account_manager": world.owner,
        "manager_b": world.other_manager,
        "supervisor": world.supervisor,
        "department_head": world.head,
        "executive": world.executive,
        "finance": world.finance,
        "custodian": world.custodian,
        "admin": world.admin,
    }[actor]


# Contracts the routes act on, each put back to its state before every request. The draft has
# no line items, so submitting it is refused; the one in approval may be approved or withdrawn
# by a request, and is put back.
CONTRACT_STATES = {
    "contract_id": ContractStatus.DRAFT,
    "pending_contract_id": ContractStatus.IN_APPROVAL,
    "approved_contract_id": ContractStatus.APPROVED,
    "signed_contract_id": ContractStatus.SIGNED,
}
CONTRACT_ID_FOR = {
    "contracts.withdraw": "pending_contract_id",
    "contracts.archive": "approved_contract_id",
    "contracts.terminate": "signed_contract_id",
    "contracts.scan": "signed_contract_id",
}


def _contracts(world) -> dict[str, int]:
    today = local_today()
    ids = {}
    for n, (key, status) in enumerate(CONTRACT_STATES.items(), start=1):
        number = f"HT-2000-{n:05d}"
        contract = db.session.scalar(sa.select(Contract).where(Contract.number == number))
        if contract is None:
            contract = Contract(
                number=number,
                account_id=world.account.id,
                owner_id=world.owner.id,
                department_id=world.account.department_id,
                title="路由测试合同",
                status=status,
                effective_on=today,
                expires_on=today + timedelta(days=365),
            )
            db.session.add(contract)
            db.session.flush()
            if status is ContractStatus.SIGNED:
                db.session.add(
                    SignedScan(
                        contract_id=contract.id,
                        filename="s.pdf",
                        mime="application/pdf",
                        size=5,
                        sha256="0" * 64,
                        data=b"%PDF-",
                    )
                )
        elif contract.status is not status or contract.return_comment is not None:
            contract.status, contract.return_comment = status, None
        ids[key] = contract.id
    return ids


def app_request_context():
    # Service messages are translated, so the service runs inside a request context.
    return current_app.test_request_context()


def _reset(world) -> dict[str, int]:
    """Undo what the previous request may have changed; return the ids URLs are built from."""
    db.session.rollback()
    if db.session.get(AccountMember, (world.account.id, world.colleague.id)) is None:
        db.session.add(AccountMember(account_id=world.account.id, user_id=world.colleague.id))
    spare = Contact(account_id=world.account.id, name="待删除", buying_role="user")
    db.session.add(spare)
    contract_ids = _contracts(world)
    db.session.commit()
    with app_request_context():
        filed = approvals.file_request(
            world.owner,
            world.account.id,
            RequestType.SUPPORT,
            {"support_kind": "training", "content": "路由测试培训"},
        )
    task = SupportTask(
        request_id=filed.id, account_id=world.account.id, kind=SupportKind.TRAINING, title="培训"
    )
    delegation = Delegation(
        user_id=world.supervisor.id,
        deputy_id=world.head.id,
        starts_on=local_today(),
        ends_on=local_today(),
    )
    db.session.add_all([task, delegation])
    db.session.commit()
    request_ids = {
        "request_id": filed.id,
        "step_id": filed.steps[0].id,
        "kind": "support",
        "figure": "pareto",  # the list behind a dashboard figure
        "import_kind": "purchase",
        "task_id": task.id,
        "delegation_id": delegation.id,
    }
    # notifications: one of the account manager's; an e-mail link for the supervisor to approve
    with app_request_context():
        note = notifications.notify(world.owner, "路由测试通知")
        raw_token, _row = mail_tokens.issue(world.supervisor, filed.steps[0], "approve")
        db.session.commit()
    request_ids.update(notification_id=note.id, token=raw_token)
    return {
        "account_id": world.account.id,
        "contact_id": world.contact.id,
        "spare_contact_id": spare.id,
        "user_id": world.colleague.id,
        "code": "en",
        "key": "quality",  # a clause group of the standard wording
        "item": "coach_identified",  # a stage checklist item
        "table": "retail",  # tier table 4-2
        **contract_ids,
        **request_ids,
        **_proposals(world),
        **_sales(world),
        **_documents(contract_ids["contract_id"]),
        **_attachments(world, filed.id),
        **_plans(world),
        **_lists(world),
    }


def _lists(world) -> dict:
    """A saved view and a finished export, both the account manager's."""
    from webapp.lists.models import ExportJob, ExportState, SavedView

    view = db.session.scalar(sa.select(SavedView).where(SavedView.user_id == world.owner.id))
    if view is None:
        view = SavedView(user_id=world.owner.id, list_key="accounts", name="路由视图", args={})
        db.session.add(view)
    job = db.session.scalar(sa.select(ExportJob).where(ExportJob.user_id == world.owner.id))
    if job is None:
        job = ExportJob(
            user_id=world.owner.id,
            list_key="accounts",
            args={},
            fmt="csv",
            filename="a.csv",
            state=ExportState.DONE,
            content=b"\xef\xbb\xbfa",
        )
        db.session.add(job)
    db.session.commit()
    return {"view_id": view.id, "export_id": job.id}


def _attachments(world, request_id: int) -> dict:
    """A PDF on the support request and a visit of the account (its panel)."""
    from webapp.accounts.models import Visit, VisitKind
    from webapp.attachments.models import Attachment
    from webapp.documents import storage

    key, digest = storage.put(b"%PDF-1.4 route table", "pdf")
    attachment = Attachment(
        target="request",
        record_id=request_id,
        round=1,
        filename="route.pdf",
        extension="pdf",
        mime="application/pdf",
        size=20,
        sha256=digest,
        storage_key=key,
        uploaded_by_id=world.owner.id,
    )
    visit = Visit(
        account_id=world.account.id,
        user_id=world.owner.id,
        kind=VisitKind.VISIT,
        visited_on=local_today(),
        summary="路由测试拜访",
    )
    db.session.add_all([attachment, visit])
    db.session.commit()
    return {
        "attachment_id": attachment.id,
        "target": "request",
        "record_id": request_id,
        "visit_id": visit.id,
    }


def _documents(contract_id: int) -> dict:
    """A stored Word file of the draft contract (fake bytes: rendering is not the point)."""
    from webapp.documents import storage
    from webapp.documents.models import GeneratedDocument

    row = db.session.scalar(sa.select(GeneratedDocument).where(GeneratedDocument.version == 99))
    if row is None:
        key, digest = storage.put(b"PK fake docx for the route table", "docx")
        row = GeneratedDocument(
            kind="contract",
            source_id=contract_id,
            source_version="0",
            template_version="0",
            fmt="docx",
            version=99,
            filename="route-test.docx",
            size=32,
            sha256=digest,
            storage_key=key,
        )
        db.session.add(row)
        db.session.commit()
    return {
        "document_kind": "contract",
        "source_id": contract_id,
        "fmt": "docx",
        "document_id": row.id,
    }


def _proposals(world) -> dict:
    """A proposal with one quoted line and a client link (revoking it twice changes nothing)."""
    proposal = db.session.scalar(sa.select(Proposal).where(Proposal.account_id == world.account.id))
    if proposal is None:
        with app_request_context():
            proposal = proposals.create_proposal(
                world.owner,
                world.account.id,
                proposals.ProposalInput(
                    values={"title": "路由测试方案", "client_needs": "需求", "solution": "方案"},
                    valid_until=local_today() + timedelta(days=30),
                    rows=[
                        LineInput(product="钢板", unit="吨", quantity_text="1", unit_price_text="2")
                    ],
                ),
            )
            proposals.create_link(world.owner, proposal.id, {"name": "", "color": "#000000"})
    link_id = db.session.scalar(
        sa.select(ProposalLink.id).where(ProposalLink.proposal_id == proposal.id)
    )
    return {"proposal_id": proposal.id, "link_id": link_id}


def _sales(world) -> dict:
    """A checked import batch of finance's with nothing new, a complaint, and a warning of the
    account manager's."""
    batch = db.session.scalar(sa.select(ImportBatch).where(ImportBatch.filename == "route.csv"))
    if batch is None:
        batch = ImportBatch(
            filename="route.csv",
            sha256="0" * 64,
            data=b"",
            uploaded_by_id=world.finance.id,
            status=BatchStatus.CHECKED,
        )
        complaint = Complaint(
            account_id=world.account.id,
            subject="路由测试投诉",
            description="d",
            received_on=local_today(),
            recorded_by_id=world.owner.id,
        )
        warning = EarlyWarning(
            rule=RuleKey.CHURN,
            account_id=world.account.id,
            figures={},
            assignee_id=world.owner.id,
        )
        db.session.add_all([batch, complaint, warning])
        db.session.commit()
    return {
        "batch_id": batch.id,
        "complaint_id": db.session.scalar(sa.select(Complaint.id)),
        "warning_id": db.session.scalar(sa.select(EarlyWarning.id)),
    }


def _plans(world) -> dict:
    """A weekly service plan item of the owner's and an approved attack plan with one task."""
    item = ServicePlanItem(
        account_id=world.account.id,
        contact_id=world.contact.id,
        goal="信任",
        method="交流",
        action="拜访",
        frequency=Frequency.WEEKLY,
        due_on=local_today(),
        owner_id=world.owner.id,
    )
    db.session.add(item)
    with app_request_context():
        filed = attack_plans.file_plan(
            world.owner,
            world.account.id,
            {
                "title": "攻关",
                "goals": "订单",
                "simulation": "节能",
                "actions": [
                    {"action": "交流", "owner_id": world.owner.id, "due_on": local_today()}
                ],
            },
        )
    filed.attack_plan.approved_at = utcnow()
    db.session.commit()
    return {
        "item_id": item.id,
        "plan_id": filed.attack_plan.id,
        "action_id": filed.attack_plan.actions[0].id,
    }


def _url(app, rule, ids: dict[str, int]) -> str:
    values = {}
    for argument in rule.arguments:
        key = argument
        if rule.endpoint == "accounts.delete_contact" and argument == "contact_id":
            key = "spare_contact_id"  # deleting must not take away the contact other rows use
        if argument == "contract_id":
            key = CONTRACT_ID_FOR.get(rule.endpoint, "contract_id")
        assert key in ids, f"no fixture id for <{argument}> of {rule.endpoint}; add it to _reset"
        values[argument] = ids[key]
    return app.url_map.bind("localhost").build(rule.endpoint, values)


@pytest.mark.parametrize("actor", ACTORS)
def test_route_status_by_role(app, client, world, login, actor):
    user = None if actor == "anonymous" else _actor_user(world, actor)
    session = client if user is None else login(user, lang="zh_CN")
    mismatches = []
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint)
    ids, changed = None, False
    for rule in rules:
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            route = (rule.endpoint, method)
            if route not in EXPECTED:
                continue  # test_every_registered_route_has_expectations fails for it
            # A GET changes nothing, so the records stay as the last reset left them; after a
            # POST (it may have decided, deleted or revoked one) they are made again. A reset
            # before every request filed a new request, attack plan, task, notification, visit
            # and attachment each time, and made this the longest test in CI (2.5-3.5 min per
            # role on a slow machine).
            db.session.rollback()
            if ids is None or changed:
                ids = _reset(world)
            url = _url(app, rule, ids)
            response = session.open(url, method=method, data={} if method == "POST" else None)
            changed = method != "GET"
            expected = EXPECTED[route][actor]
            if response.status_code != expected:
                mismatches.append(f"{method} {url}: {response.status_code}, expected {expected}")
            elif actor == "anonymous" and expected == 302:
                location = response.headers["Location"]
                if not location.startswith("/login"):
                    mismatches.append(f"{method} {url}: redirects to {location}, not /login")
            if user is not None and rule.endpoint == "auth.logout":
                session = login(user, lang="zh_CN")
    assert not mismatches, f"{actor}:\n" + "\n".join(mismatches)


def test_forbidden_requests_change_nothing(app, world, login):
    """The 403s above are refusals before any write: the rows they target are untouched."""
    for user in (world.other_manager, world.finance, world.executive, world.admin):
        session = login(user)
        session.post(f"/accounts/contacts/{world.contact.id}/delete")
        session.post(f"/accounts/{world.account.id}/members", data={"user_id": user.id})
        session.post(f"/accounts/{world.account.id}/visits", data={"summary": "x"})
    db.session.expire_all()
    assert db.session.get(Contact, world.contact.id) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AccountMember)) == 0
    assert db.session.get(type(world.account), world.account.id).version == 1
