"""Document generator speed and size: the standard contract as PDF, DOCX and PDF/A-3b, with 30
and 200 line items, warm (fonts and styles loaded) after one cold render. Prints one JSON line
per figure. Targets (issue 5): 30 lines PDF p50 < 0.3 s, DOCX p50 < 0.1 s; 200 lines PDF
< 1.5 s; PDF < 500 KB.

    .venv/bin/python benchmarks/documents.py [--n 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from werkzeug.security import generate_password_hash  # noqa: E402

from tests.web.contract_data import draft_input  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.accounts.models import (  # noqa: E402
    Account,
    AccountKind,
    Channel,
    CreditGrade,
    Loyalty,
    Ownership,
    Relation,
    Stage,
)
from webapp.accounts.uscc import make_uscc  # noqa: E402
from webapp.auth.models import Department, Role, User  # noqa: E402
from webapp.contracts import documents as contract_type  # noqa: E402
from webapp.contracts import service as contracts  # noqa: E402
from webapp.documents import fonts, service  # noqa: E402
from webapp.extensions import db  # noqa: E402

PRODUCTS = ("冷轧钢板", "热镀锌卷", "不锈钢带", "彩涂板", "电工钢", "高强度结构钢", "镀铝锌板")
BRANDS = ("宝钢", "鞍钢", "首钢", "太钢", "沙钢")


def report(name: str, timings: list[float], cpu: list[float] | None = None, **extra) -> None:
    """Wall-clock figures, plus the process's CPU time (what the render costs on a machine
    whose cores are shared with other work)."""
    cpu_figure = {"cpu_p50_s": round(statistics.median(cpu), 3)} if cpu else {}
    print(
        json.dumps(
            {
                "benchmark": name,
                "n": len(timings),
                "p50_s": round(statistics.median(timings), 3),
                "max_s": round(max(timings), 3),
                **cpu_figure,
                **extra,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def pages(pdf: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    line = next(x for x in out.decode().splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def lines(n: int) -> list[tuple]:
    return [
        (
            f"{PRODUCTS[i % len(PRODUCTS)]}（{i + 1}号批次）",
            BRANDS[i % len(BRANDS)],
            f"{0.5 + i % 20 / 10:.1f}mm×1250mm×C",
            "吨",
            str(5 + i % 37),
            f"{4200 + (i * 37) % 900}.50",
        )
        for i in range(n)
    ]


def seed(n_lines: int):
    department = db.session.get(Department, 1) or Department(name="华东大客户部")
    db.session.add(department)
    db.session.flush()
    user = db.session.get(User, 1)
    if user is None:
        user = User(
            username="bench",
            full_name="张伟",
            role=Role.ACCOUNT_MANAGER,
            department_id=department.id,
            password_hash=generate_password_hash("x", method="pbkdf2:sha256:1000"),
        )
        db.session.add(user)
        db.session.flush()
    n = n_lines + 100
    account = Account(
        name=f"上海浦江䶮堃精密机械有限公司{n}",
        short_name=f"浦江{n}",
        tax_number=make_uscc(f"91310000{n:09d}"),
        kind=AccountKind.ECONOMIC,
        relation=Relation.DOWNSTREAM,
        channel=Channel.TERMINAL,
        ownership=Ownership.PRIVATE,
        loyalty=Loyalty.SEMI_LOYAL,
        stage=Stage.RELATIONSHIP,
        credit_grade=CreditGrade.GREEN,
        credit_limit=Decimal("90000000.00"),
        owner_id=user.id,
        department_id=department.id,
    )
    db.session.add(account)
    db.session.commit()
    return user, contracts.create_contract(user, account.id, draft_input(lines=lines(n_lines)))


def measure(context: dict, fmt: str, n: int) -> tuple[list[float], list[float], bytes]:
    data = b""
    timings, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        data = service.render_bytes("contract", context, fmt)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return timings, cpu, data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10)
    args = parser.parse_args()
    harfbuzz = fonts.check_harfbuzz_subset().ok
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                "DOCUMENT_DIR": f"{folder}/documents",
            }
        )
        with app.test_request_context():
            db.create_all()
            user, small = seed(30)
            _user, large = seed(200)
            small_context = contract_type.contract_context(small)
            large_context = contract_type.contract_context(large)

            start = time.perf_counter()
            cold = service.render_bytes("contract", small_context, "pdf")
            cold_s = time.perf_counter() - start
            report("contract_pdf_30_lines_cold", [cold_s], kb=len(cold) // 1024)

            timings, cpu, pdf = measure(small_context, "pdf", args.n)
            report(
                "contract_pdf_30_lines_warm",
                timings,
                cpu,
                pages=pages(pdf),
                kb=len(pdf) // 1024,
                harfbuzz_subset=harfbuzz,
                target_s=0.3,
            )
            timings, cpu, docx = measure(small_context, "docx", args.n)
            report("contract_docx_30_lines_warm", timings, cpu, kb=len(docx) // 1024, target_s=0.1)
            timings, cpu, pdf = measure(large_context, "pdf", max(3, args.n // 3))
            report(
                "contract_pdf_200_lines_warm",
                timings,
                cpu,
                pages=pages(pdf),
                kb=len(pdf) // 1024,
                target_s=1.5,
            )
            timings, cpu, docx = measure(large_context, "docx", max(3, args.n // 3))
            report("contract_docx_200_lines_warm", timings, cpu, kb=len(docx) // 1024)
            timings, cpu, pdfa = measure(small_context, "pdfa", max(3, args.n // 3))
            report("contract_pdfa_30_lines_warm", timings, cpu, kb=len(pdfa) // 1024)

            start = time.perf_counter()
            service.generate(user, "contract", small.id, "pdf")
            first = time.perf_counter() - start
            timings = []
            for _ in range(args.n):
                start = time.perf_counter()
                service.generate(user, "contract", small.id, "pdf")
                timings.append(time.perf_counter() - start)
            report("contract_generate_stored_reuse", timings, first_s=round(first, 3))


if __name__ == "__main__":
    main()
