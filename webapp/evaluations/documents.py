"""The cooperation-evaluation report (合作评估报告) as document kind ``evaluation``: template
docs_templates/evaluation/evaluation.xml, source id = the account's id.

The stored report covers the default period (the last 12 full months, see service.py); its
source version is a digest of every figure it shows, so new records, a delivered support task,
a closed complaint or changed weights give the next document version, and an unchanged account
reuses its stored file; an edit of the account that the report does not show (address, phone,
notes) reuses it too. `flask render evaluation --all [--period YYYY-MM:YYYY-MM]` renders every
signed account, for the default period or the one given.
The report is a Chinese company document whatever the reader's UI language.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.accounts.models import Account, BuyingRole, CreditGrade
from webapp.accounts.service import get_account
from webapp.approvals.models import SupportKind
from webapp.auth.models import User
from webapp.common.errors import ValidationFailed
from webapp.complaints.models import ComplaintStatus
from webapp.contracts.models import Lifecycle
from webapp.documents.registry import DocumentType
from webapp.evaluations import scoring, service
from webapp.extensions import db

TEMPLATE_VERSION = "2026.12-1"  # bump when evaluation.xml changes what a report says
GRADE_NAMES = {"A": "优", "B": "良", "C": "中", "D": "差"}


@dataclass
class Report:
    """An account and the period its stored report covers; the figures are read once, when
    first needed (seeing the list of versions needs none)."""

    account: Account
    period: service.Period

    @cached_property
    def evaluation(self) -> service.Evaluation:
        return service.evaluate_account(self.account, self.period)


def report_for_user(user: User, account_id: int) -> Report:
    return Report(get_account(user, account_id), service.default_period())


def period_from_text(text: str) -> service.Period:
    """`YYYY-MM:YYYY-MM` (the command line's --period) as a period; ValidationFailed when
    wrong, with the words of the evaluation tab's form."""
    start, colon, end = text.partition(":")
    if not colon:
        raise ValidationFailed({"period": _("Give the period as YYYY-MM:YYYY-MM.")})
    return service.parse_period(start, end)


def report_for_id(account_id: int, period: str | None = None) -> Report | None:
    account = db.session.get(Account, account_id)
    if account is None:
        return None
    return Report(account, service.default_period() if period is None else period_from_text(period))


def chart_png(item: service.Evaluation, labels: dict[str, str]) -> bytes:
    from webapp.evaluations import chart  # Pillow: imported when a chart is drawn

    return chart.sales_chart(
        [m.month for m in item.months],
        [m.plan_amount for m in item.months],
        [m.actual_amount for m in item.months],
        **labels,
    )


CHINESE_CHART_LABELS = {
    "title": "月度销售额与计划对比",
    "plan_label": "计划金额",
    "actual_label": "实际金额（达成）",
    "behind_label": "实际金额（未达成）",
    "unit_label": "万元",
}


def percent(value) -> str:
    return "—" if value is None else f"{value}%"


def report_context(report: Report) -> dict:
    item = report.evaluation
    account = report.account
    manager, head = service.signatories(account)
    with force_locale("zh_CN"):
        criteria = service.criterion_rows(item)
        roles = [
            {"label": BuyingRole(r.role).label, "contacts": "、".join(r.contacts)}
            for r in item.roles
        ]
        support = [{**task, "kind": SupportKind(task["kind"]).label} for task in item.support]
        complaints = [{**c, "status": ComplaintStatus(c["status"]).label} for c in item.complaints]
        contracts = [{**c, "status": Lifecycle(c["status"]).label} for c in item.contracts]
        advice = service.advice(item)
        credit_grade = account.credit_grade.label
        kind_label = account.kind.label
        stage_label = account.stage.label
        suggested_grade = CreditGrade(item.suggested_grade).label
    growth = None
    if item.last_year_amount:
        growth = int((item.actual_amount - item.last_year_amount) * 100 / item.last_year_amount)
    arrears_ratio = None
    if item.credit_limit > 0:
        arrears_ratio = int(item.arrears * 100 / item.credit_limit)
    return {
        "account": account,
        "kind_label": kind_label,
        "stage_label": stage_label,
        "arrears_ratio": percent(arrears_ratio),
        "period": item.period,
        "item": item,
        "grade_name": GRADE_NAMES[item.score.grade],
        "criteria": criteria,
        "roles": roles,
        "support": support,
        "complaints": complaints,
        "contracts": contracts,
        "action": advice.action,
        "action_text": advice.text,
        "needs": advice.needs,
        "credit_grade": credit_grade,
        "suggested_grade": suggested_grade,
        "achievement": percent(item.achievement),
        "collection": percent(item.collection),
        "growth": percent(growth),
        "thresholds": {g: item.settings[f"grade_{g}"] for g in scoring.GRADES},
        "manager": manager,
        "head": head,
        "department": account.department.name,
        "chart": chart_png(item, CHINESE_CHART_LABELS),
    }


def shown_account_fields(account: Account) -> tuple:
    """What the report shows of the account itself (the figures aside): an edit of anything
    else (address, phone, notes…) changes the account's version, not the report."""
    return (
        account.name,
        account.short_name,
        account.tax_number,
        account.kind.value,
        account.stage.value,
        account.credit_grade.value,
        account.department.name,
    )


def source_version(report: Report) -> str:
    """A digest of the figures, the account fields the report shows and who signs."""
    manager, head = service.signatories(report.account)
    shown = "|".join(str(value) for value in shown_account_fields(report.account))
    plain = f"{shown}|{manager}|{head}|{report.evaluation.fingerprint()}"
    return hashlib.sha1(plain.encode("utf-8")).hexdigest()


def filename(report: Report) -> str:
    account = report.account
    name = account.short_name or account.name
    return f"合作评估报告-{name}-{report.period.start:%Y%m}-{report.period.end:%Y%m}"


EVALUATION = DocumentType(
    kind="evaluation",
    label=_l("Cooperation evaluation"),
    template="evaluation/evaluation.xml",
    template_version=TEMPLATE_VERSION,
    get_for_user=report_for_user,
    get_any=report_for_id,
    source_version=source_version,
    context=report_context,
    filename=filename,
    all_ids=service.signed_account_ids,
    check_period=period_from_text,
)
