"""Approval requests as printable standard forms (服务与支持申请表, 信用调整申请表, 合同审批单)
through the document generator: template docs_templates/request/request.xml.

The form shows what the applicant asked, the account's credit context and every step of the
current round with who decided, how and when, so the printed form carries the signatures
a paper form would.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from webapp.approvals import service
from webapp.approvals.models import ApprovalRequest
from webapp.approvals.workflow import ACTION_LABELS
from webapp.attachments.service import attachments_of
from webapp.contracts.service import arrears_of, available_credit, company_profile
from webapp.documents.registry import DocumentType
from webapp.extensions import db
from webapp.filters import local_datetime

TEMPLATE_VERSION = "2026.12-2"  # bump when request.xml changes what a form says


def document_context(item: ApprovalRequest) -> dict:
    # the form is a Chinese company document whatever the reader's UI language
    with force_locale("zh_CN"):
        steps = [
            dict(
                action=str(ACTION_LABELS[s.action_name]),
                role=(s.assignee.full_name if s.assignee else str(s.role.label)),
                who=(
                    s.decided_by.full_name
                    + (f"（代 {s.on_behalf_of.full_name}）" if s.on_behalf_of else "")
                    if s.decided_by
                    else ""
                ),
                status=str(s.status.label),
                comment=s.comment or "",
                at=local_datetime(s.decided_at) if s.decided_at else "",
            )
            for s in item.steps
            if s.round == item.round
        ]
        decided = [s for s in item.steps if s.round == item.round and s.decided_by]
        profile = company_profile()
        plan = item.attack_plan
        return {
            "plan": plan,
            "forces": [
                dict(
                    person=f.person,
                    side=str(f.side.label),
                    strength=str(f.strength.label),
                    note=f.note,
                )
                for f in (plan.forces if plan else [])
            ],
            "item": item,
            "account": item.account,
            "applicant": item.applicant.full_name,
            "support_kind": str(item.support_kind.label) if item.support_kind else "",
            "current_grade": str(item.current_grade.label) if item.current_grade else "",
            "proposed_grade": str(item.proposed_grade.label) if item.proposed_grade else "",
            "account_grade": str(item.account.credit_grade.label),
            "contract_number": item.contract.number if item.contract else "",
            "arrears": arrears_of(item.account_id),
            "available": available_credit(item.account),
            "steps": steps,
            "final_by": decided[-1].decided_by.full_name if decided else "",
            "final_at": local_datetime(decided[-1].decided_at) if decided else "",
            "company": profile.name if profile else "",
            "attachments": [
                dict(name=a.filename, round=a.round or "", size=a.size_label)
                for a in attachments_of("request", item.id)
            ],
        }


def source_version(item: ApprovalRequest) -> str:
    """Every decision bumps the request's version; the round tells resubmissions apart; a
    newly attached file is listed on the form, so the count is part of the version."""
    return f"{item.round}.{item.version}.{len(attachments_of('request', item.id))}"


REQUEST_FORM = DocumentType(
    kind="request",
    label=_l("Request form"),
    template="request/request.xml",
    template_version=TEMPLATE_VERSION,
    get_for_user=service.get_request,
    get_any=lambda request_id: db.session.get(ApprovalRequest, request_id),
    source_version=source_version,
    context=document_context,
    filename=lambda item: f"审批单-{item.number}",
    all_ids=lambda: db.session.scalars(
        sa.select(ApprovalRequest.id).order_by(ApprovalRequest.id)
    ).all(),
)
