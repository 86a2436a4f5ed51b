"""Every document type from real records: a small demo data set (webapp.demo) in a SQLite file of
its own, each type's record and template context, and a hostile variant of each context (a
60-character company name, Latin-only names, right-to-left and emoji text in a note, 500 lines
where a document has lines, empty optional fields) for the parity and word-processor tests."""

from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

from webapp import create_app, demo
from webapp.documents import blocks, markup
from webapp.documents.docx import render_docx
from webapp.documents.pdf import render_pdf
from webapp.documents.registry import document_type
from webapp.extensions import db

KINDS = ("contract", "proposal", "request", "evaluation")
# a 60-character company name
LONG_NAME = (
    "上海浦江䶮堃精密机械制造有限公司"
    + "华东区域大客户服务与供应链管理中心" * 2
    + "第一分部华东分公司甲"
)
assert len(LONG_NAME) == 60, len(LONG_NAME)
LATIN_NAME = "John Smith"
RTL_EMOJI = "备注：שלום עולם مرحبا بالعالم 😀👍🏽 after-sales support for Zhangjiang warehouse"
GENERATED = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


@dataclass
class Rendered:
    kind: str
    document: blocks.Document
    pdf: bytes
    docx: bytes
    stylesheet: str | None = None


@contextmanager
def demo_app(folder):
    """An app on its own SQLite file with a small demo data set, inside a request context."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "documents-world",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite3'}",
            "DOCUMENT_DIR": str(folder / "documents"),
        }
    )
    with app.test_request_context():
        db.create_all()
        demo.load(n_accounts=12, seed=20261203, if_empty=False, echo=lambda _line: None)
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _monthly_report():
    """The department report of 华东大客户部 for last month (the demo has no stored one)."""
    from webapp.auth.models import Department
    from webapp.common.timeutil import local_today
    from webapp.dashboard import reports
    from webapp.sales.service import add_months, month_start

    department = db.session.query(Department).filter_by(name="华东大客户部").one()
    return reports.subject_for(add_months(month_start(local_today()), -1), department)


def context_of(kind: str) -> dict:
    """The template context of the first record of `kind` (a generated edition's)."""
    doc_type = document_type(kind)
    if kind == "monthly-report":
        record = _monthly_report()
    else:
        record = doc_type.get_any(next(iter(doc_type.all_ids())))
    return {
        **doc_type.context(record),
        "document": {"version": 3, "generated_at": GENERATED, "format": "pdf"},
    }


def _lines(n: int) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            product=f"冷轧钢板（{i + 1}号批次）",
            brand="宝钢",
            spec=f"{0.5 + i % 20 / 10:.1f}mm×1250mm×C",
            unit="吨",
            quantity=Decimal(5 + i % 37),
            unit_price=Decimal("4200.50") + i,
            amount=(Decimal("4200.50") + i) * (5 + i % 37),
        )
        for i in range(n)
    ]


def hostile_context(kind: str) -> dict:
    """The context of `kind` with the bad input of issue 17 (nothing is written to the database:
    ORM objects are changed in the session only; the caller rolls back)."""
    context = context_of(kind)
    if kind == "contract":
        context["seller"] = {**context["seller"], "name": LONG_NAME, "legal_rep": LATIN_NAME}
        context["buyer"] = {**context["buyer"], "address": "", "bank": None}
        context["clauses"] = {**context["clauses"], "quality": RTL_EMOJI}
        context["lines"] = _lines(500)
        contract = context["contract"]
        contract.delivery_place = None
        contract.policy_rebate = None
        contract.total = Decimal("14610000.00")
    elif kind == "proposal":
        doc = copy.deepcopy(context["doc"])
        doc["client_name"] = LONG_NAME
        doc["client_needs"] = RTL_EMOJI
        doc["prepared_by"] = LATIN_NAME
        doc["implementation_plan"] = ""
        doc["lines"] = [
            {
                "product": line.product,
                "brand": line.brand,
                "spec": line.spec,
                "unit": line.unit,
                "quantity": f"{line.quantity:.2f}",
                "unit_price": f"{line.unit_price:.2f}",
                "amount": f"{Decimal('9600000.00') + line.amount:.2f}",
            }
            for line in _lines(500)
        ]
        doc["total"] = "14610000.00"
        context["doc"] = doc
    elif kind == "request":
        context["account"].name = LONG_NAME
        context["account"].tax_number = None
        context["item"].content = RTL_EMOJI
        context["applicant"] = LATIN_NAME
    else:
        context["account"].name = LONG_NAME
        context["manager"] = LATIN_NAME
        context["needs"] = [*context["needs"], RTL_EMOJI]
    return context


def render_kind(kind: str, context: dict) -> Rendered:
    doc_type = document_type(kind)
    document = markup.render_document(doc_type.template, context)
    document = blocks.Document(**{**document.__dict__, "created_at": GENERATED})
    pdf = render_pdf(document, stylesheet=doc_type.stylesheet)
    return Rendered(kind, document, pdf, render_docx(document), doc_type.stylesheet)
