"""The monthly analysis report (客户开发月度分析报告, seed 001: 指令完成情况、差异率、流失情况) per
department and per account manager, as document kind ``monthly-report`` (source id = a
`MonthlyReport` row): target completion and 差异率, new accounts and leads, stage movements,
churn, the 有望客户确度状态表 (likely deals by certainty and close month), the 80/20 split and
receivables ageing — the dashboard's own figures for one month, each as its table with the
dashboard's chart of the same rows above it (the figure's SVG rasterised by `report_charts`, so
PDF and DOCX show the same picture; the same content in both formats).

`monthly_job(month)` (background task ``dashboard.monthly_reports``) stores the department
report of every department for its head; heads find them on the dashboard. A Chinese company
document whatever the reader's UI language."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.accounts.models import Account, Stage
from webapp.auth.models import Department, Role, User
from webapp.common.errors import NotFound
from webapp.common.timeutil import SHANGHAI, local_today
from webapp.dashboard import figures, operations, report_charts, svg
from webapp.dashboard.models import MonthlyReport
from webapp.dashboard.period import Period, parse_month
from webapp.dashboard.tables import Figure, Row, fen_sum, percent, text, yuan
from webapp.development.models import DevelopmentProfile, MoveKind, StageMove
from webapp.documents.registry import DocumentType
from webapp.extensions import db
from webapp.sales.service import add_months, month_start

TEMPLATE_VERSION = "2026.12-2"  # bump when monthly.xml or the context changes what it says
READERS = frozenset({Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# 有望客户确度: how sure a deal is, read from its development stage (seed 001 流程)
CERTAINTY = (
    (Stage.CLOSING, "A 高（促成成交）"),
    (Stage.RELATIONSHIP, "B 较高（关系建立）"),
    (Stage.EVALUATION, "C 一般（价值评估）"),
    (Stage.INFORMATION, "D 初步（信息收集）"),
)
CLOSE_MONTHS = 6  # the certainty table's columns: this month and the five after it
MOVE_NAMES = {"forward": "推进", "backward": "退回", "abandon": "放弃", "reopen": "重新开发"}


# --- who may read, which subject ------------------------------------------------------------


def can_read(user: User, report: MonthlyReport) -> bool:
    if report.user_id is not None and report.user_id == user.id:
        return True
    if user.role is Role.EXECUTIVE:
        return True
    return user.role in READERS and user.department_id == report.department_id


def get_report(user: User, report_id: int) -> MonthlyReport:
    report = db.session.get(MonthlyReport, report_id)
    if report is None or not can_read(user, report):
        raise NotFound(_("No such report."))  # another department's answers like a missing one
    return report


def subject_for(month: date, department: Department, user: User | None = None) -> MonthlyReport:
    """The report row of (month, department[, account manager]); made once, then reused."""
    subject = f"user:{user.id}" if user is not None else "department"
    found = db.session.scalar(
        sa.select(MonthlyReport).where(
            MonthlyReport.month == month,
            MonthlyReport.department_id == department.id,
            MonthlyReport.subject == subject,
        )
    )
    if found is None:
        found = MonthlyReport(
            month=month,
            department_id=department.id,
            subject=subject,
            user_id=user.id if user else None,
        )
        db.session.add(found)
        db.session.flush()
    return found


def viewer(report: MonthlyReport) -> User:
    """Whose eyes the figures are read with: the account manager for their own report, a
    department head of the report's department otherwise (never saved)."""
    if report.user_id is not None:
        return report.user
    return User(
        id=0,
        role=Role.DEPARTMENT_HEAD,
        department_id=report.department_id,
        full_name=report.department.name,
    )


# --- the figures ----------------------------------------------------------------------------


@dataclass
class Content:
    report: MonthlyReport
    period: Period
    totals: Row
    attainment: Figure
    products: Figure
    new_accounts: int
    leads: int
    moves: list[tuple[str, int]]
    stage_flow: list[tuple[str, str, int]]
    churn: Figure
    churned: list[tuple[str, str, str]]
    certainty: list[list]
    close_months: list[str]
    certainty_chart: str  # SVG: the certainty table's deals per close month, as the forecast
    pareto: Figure
    ageing: Figure

    @property
    def figures(self) -> tuple[Figure, ...]:
        """The dashboard figures the report prints, each with its chart."""
        return (self.attainment, self.products, self.churn, self.pareto, self.ageing)


def _bounds(period: Period) -> tuple[datetime, datetime]:
    low = datetime.combine(period.first, datetime.min.time(), SHANGHAI)
    return low, datetime.combine(period.after, datetime.min.time(), SHANGHAI)


def _certainty(user: User, month: date) -> tuple[list[list], list[str], str]:
    """The 有望客户确度 table (certainty × close month: deals / expected value) and its chart:
    the table's deals summed per close month, drawn as the dashboard's forecast is."""
    columns = [add_months(month, i) for i in range(CLOSE_MONTHS)]
    stmt = (
        figures.with_profile(
            Account.stage,
            DevelopmentProfile.expected_close,
            sa.func.count(),
            fen_sum(DevelopmentProfile.expected_value),
        )
        .where(
            *figures.in_development(user),
            DevelopmentProfile.expected_close >= month,
            DevelopmentProfile.expected_close < add_months(month, CLOSE_MONTHS),
        )
        .group_by(Account.stage, DevelopmentProfile.expected_close)
    )
    found = {(s, c): (n, v) for s, c, n, v in db.session.execute(stmt)}
    table = []
    for stage, name in CERTAINTY:
        cells = [found.get((stage, c), (0, 0)) for c in columns]
        table.append([name, *[f"{n} / {text(yuan(v))}" if n else "—" for n, v in cells]])
    bars = []
    for c in columns:
        n = sum(found.get((stage, c), (0, 0))[0] for stage, _name in CERTAINTY)
        value = yuan(sum(found.get((stage, c), (0, 0))[1] for stage, _name in CERTAINTY))
        bars.append(svg.Bar(f"{c:%Y-%m}", [value], [f"{n} 家 / {text(value)}" if n else "—"]))
    chart = svg.bar_chart(
        "有望客户预计成交（按月）",
        "各预计成交月份的有望客户数与预计年销售额（确度 A–D 合计）。",
        bars,
    )
    return table, [f"{c:%Y-%m}" for c in columns], str(chart)


def build_content(report: MonthlyReport) -> Content:
    user, period = viewer(report), Period(report.month, report.month)
    today = min(local_today(), add_months(report.month, 1) - timedelta(days=1))
    sums = figures.sales_sums(user, period)
    attainment = (
        figures.attainment_by_manager(user, period, sums)
        if report.user_id is None
        else figures.attainment_by_product(user, period, sums)
    )
    plan = sum((r.values[1] for r in attainment.rows), yuan(0))
    actual = sum((r.values[2] for r in attainment.rows), yuan(0))
    totals = Row(["", plan, actual, percent(actual, plan), percent(actual - plan, plan)])
    low, high = _bounds(period)
    scope = figures.account_scope(user)
    new_accounts = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Account)
        .where(scope, Account.created_at >= low, Account.created_at < high)
    )
    leads = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(DevelopmentProfile)
        .join(Account, Account.id == DevelopmentProfile.account_id)
        .where(
            scope,
            DevelopmentProfile.filed_on >= period.first,
            DevelopmentProfile.filed_on < period.after,
        )
    )
    move_rows = db.session.execute(
        sa.select(StageMove.kind, StageMove.from_stage, StageMove.to_stage, sa.func.count())
        .join(Account, Account.id == StageMove.account_id)
        .where(scope, StageMove.at >= low, StageMove.at < high)
        .group_by(StageMove.kind, StageMove.from_stage, StageMove.to_stage)
    ).all()
    kinds = {k: 0 for k in MoveKind}
    for kind, _f, _t, n in move_rows:
        kinds[kind] += n
    found = figures.churn_accounts(user, period, sums)
    churn = figures.churn(user, period, sums)
    names = dict(
        db.session.execute(
            sa.select(Account.id, sa.func.coalesce(Account.short_name, Account.name)).where(
                Account.id.in_([i for k in found.values() for i, _b, _n in k])
            )
        ).all()
    )
    churned = [
        (names.get(i, str(i)), text(b), text(n))
        for kind in ("stopped", "fell")
        for i, b, n in found[kind]
    ][:30]
    certainty, close_months, certainty_chart = _certainty(user, report.month)
    return Content(
        report=report,
        period=period,
        totals=totals,
        attainment=attainment,
        products=figures.attainment_by_product(user, period, sums),
        new_accounts=new_accounts or 0,
        leads=leads or 0,
        moves=[(MOVE_NAMES[k.value], n) for k, n in kinds.items()],
        stage_flow=[(f.number, t.number, n) for _k, f, t, n in move_rows],
        churn=churn,
        churned=churned,
        certainty=certainty,
        close_months=close_months,
        certainty_chart=certainty_chart,
        pareto=figures.pareto(user, period, sums),
        ageing=operations.ageing(user, period, today),
    )


# --- the document type ----------------------------------------------------------------------


@dataclass
class Chart:
    """A chart as the report shows it: PNG bytes and the printed width."""

    png: bytes
    width_mm: float


CHART_WIDTH_MM = 130.0
CHART_HEIGHT_MM = 100.0  # a long list of managers: narrower, so its chart fits beside the text


def chart_image(chart: str) -> Chart:
    width, height = report_charts.viewbox(chart)
    width_mm = round(min(CHART_WIDTH_MM, CHART_HEIGHT_MM * width / max(height, 1.0)), 1)
    return Chart(report_charts.png(chart, width_mm), width_mm)


def charts(content: Content) -> dict[str, Chart]:
    """The dashboard's chart of each figure the report has (by figure key, and "certainty")."""
    found = {f.key: chart_image(f.chart) for f in content.figures if f.rows}
    found["certainty"] = chart_image(content.certainty_chart)
    return found


def context(report: MonthlyReport) -> dict:
    with force_locale("zh_CN"):
        content = build_content(report)
    return {
        "c": content,
        "charts": charts(content),
        "report": report,
        "month": f"{report.month:%Y年%m月}",
        "who": report.user.full_name if report.user else "",
    }


def source_version(report: MonthlyReport) -> str:
    with force_locale("zh_CN"):
        content = build_content(report)
    plain = repr(
        (
            [r.values for f in content.figures for r in f.rows + f.footer],
            content.totals.values,
            content.new_accounts,
            content.leads,
            content.moves,
            content.stage_flow,
            content.churned,
            content.certainty,
        )
    )
    return hashlib.sha1(plain.encode("utf-8")).hexdigest()


def filename(report: MonthlyReport) -> str:
    who = report.user.full_name if report.user else report.department.name
    return f"客户开发月度分析报告-{who}-{report.month:%Y-%m}"


# --- the monthly job and what heads find ----------------------------------------------------


def resolve(month_text: str, department_name: str | None) -> list[int]:
    """Report ids for `flask render monthly-report`: one department's, or every department's."""
    month = parse_month(month_text or "")
    if month is None or month > month_start(local_today()):
        raise ValueError("give a past or current month as YYYY-MM")
    stmt = sa.select(Department).order_by(Department.name)
    if department_name:
        stmt = stmt.where(Department.name == department_name)
    departments = db.session.scalars(stmt).all()
    if not departments:
        raise ValueError(f"no department named {department_name!r}")
    ids = [subject_for(month, d).id for d in departments]
    db.session.commit()
    return ids


def monthly_job(month_text: str | None = None) -> list[int]:
    """Store last month's report (or `month_text`'s) of every department, PDF and DOCX, for
    its head. Registered as the background task ``dashboard.monthly_reports``."""
    from webapp.documents import service as documents

    month = parse_month(month_text) if month_text else add_months(month_start(local_today()), -1)
    ids = resolve(f"{month:%Y-%m}", None)
    for report_id in ids:
        for fmt in ("pdf", "docx"):
            documents.generate_unchecked(MONTHLY.kind, report_id, fmt)
    return ids


MONTHLY = DocumentType(
    kind="monthly-report",
    resolve=resolve,
    label=_l("Monthly analysis report"),
    template="dashboard/monthly.xml",
    template_version=TEMPLATE_VERSION,
    get_for_user=get_report,
    get_any=lambda report_id: db.session.get(MonthlyReport, report_id),
    source_version=source_version,
    context=context,
    filename=filename,
    all_ids=lambda: db.session.scalars(sa.select(MonthlyReport.id)).all(),
    can_generate=can_read,
)


@dataclass
class StoredReport:
    report_id: int
    title: str
    month: str


def stored_reports(user: User, limit: int = 12) -> list[StoredReport]:
    """The reports this user may read, newest month first (their department's, or every one
    for an executive)."""
    stmt = sa.select(MonthlyReport).order_by(MonthlyReport.month.desc(), MonthlyReport.id)
    if user.role is not Role.EXECUTIVE:
        stmt = stmt.where(
            sa.or_(
                MonthlyReport.department_id == user.department_id, MonthlyReport.user_id == user.id
            )
        )
    found = [r for r in db.session.scalars(stmt.limit(limit * 2)) if can_read(user, r)][:limit]
    return [
        StoredReport(r.id, r.user.full_name if r.user else r.department.name, f"{r.month:%Y-%m}")
        for r in found
    ]
