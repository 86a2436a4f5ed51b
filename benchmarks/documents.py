"""Document generator speed against a bare WeasyPrint job of the same size (issue 17).

One run prints, as JSON lines:

- `bare_*`: WeasyPrint alone on the same HTML and print CSS KeyDesk produces for the standard
  contract with 30 and 200 line items: warm in-process (p50 of n) and as a whole process
  (`python -c "import weasyprint; …"`, the job a script would run);
- `keydesk_warm_*`: `service.render_bytes` in a warm process, and its ratio to the bare job
  per page (target ≤ 1.15);
- `keydesk_cli_*`: `flask render contract ID` as a whole process for a fresh contract (nothing
  stored yet) and its ratio to the bare whole-process job (target ≤ 1.5), as installed: the
  bytecode compiled (`make` runs compileall), once without PYTHONDONTWRITEBYTECODE and once
  with it set (this machine sets it; with compiled bytecode it changes nothing);
- `keydesk_first_in_fresh_process`: the first PDF after a worker starts (`webapp.wsgi` start-up,
  which warms the renderer) against a warm one in the same process (target ≤ 1.2);
- `keydesk_batch_*`: `flask render contract --all` on every core, documents per second (was
  3.7): the command's own figure (rendering, from its start to the last file) and the whole
  process's (with its start-up); for 30-line contracts and for contracts the size of the
  demo data's (2–6 lines), the documents `render --all` meets in practice;
- the earlier figures: DOCX and PDF/A renders, stored-file reuse.

    .venv/bin/python benchmarks/documents.py [--n 7] [--batch 24]

Ratios are taken on CPU time (the process's own, or its children's for whole processes):
on a machine whose two cores are shared with other work, wall-clock time mostly measures the
others; CPU time is what a render costs. Wall-clock figures are printed beside them.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PRODUCTS = ("冷轧钢板", "热镀锌卷", "不锈钢带", "彩涂板", "电工钢", "高强度结构钢", "镀铝锌板")
BRANDS = ("宝钢", "鞍钢", "首钢", "太钢", "沙钢")

BARE_JOB = """
import sys, time
start = time.perf_counter()
from weasyprint import CSS, HTML
html = open(sys.argv[1], encoding="utf-8").read()
css = CSS(filename=sys.argv[4])
HTML(string=html, base_url=sys.argv[2]).write_pdf(sys.argv[3], stylesheets=[css])
"""

FIRST_IN_FRESH_PROCESS = """
import sys, time
from webapp.wsgi import app  # what a gunicorn worker imports at start (and warms up)
from webapp.contracts import documents as contract_type
from webapp.documents import service
from webapp.extensions import db
from webapp.contracts.models import Contract
with app.test_request_context():
    contract = db.session.get(Contract, int(sys.argv[1]))
    context = contract_type.contract_context(contract)
    start = time.process_time()
    service.render_bytes("contract", context, "pdf")
    first = time.process_time() - start
    warm = []
    for _ in range(3):
        start = time.process_time()
        service.render_bytes("contract", context, "pdf")
        warm.append(time.process_time() - start)
print(first, sorted(warm)[1])
"""


def emit(name: str, **figures) -> None:
    print(json.dumps({"benchmark": name, **figures}, ensure_ascii=False), flush=True)


def p50(values: list[float]) -> float:
    return statistics.median(values)


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


def seed(n_lines: int, tag: int):
    from werkzeug.security import generate_password_hash

    from tests.web.contract_data import draft_input
    from webapp.accounts.models import (
        Account,
        AccountKind,
        Channel,
        CreditGrade,
        Loyalty,
        Ownership,
        Relation,
        Stage,
    )
    from webapp.accounts.uscc import make_uscc
    from webapp.auth.models import Department, Role, User
    from webapp.contracts import service as contracts
    from webapp.extensions import db

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
    account = Account(
        name=f"上海浦江䶮堃精密机械有限公司{tag}",
        short_name=f"浦江{tag}",
        tax_number=make_uscc(f"91310000{tag:09d}"),
        kind=AccountKind.ECONOMIC,
        relation=Relation.DOWNSTREAM,
        channel=Channel.TERMINAL,
        ownership=Ownership.PRIVATE,
        loyalty=Loyalty.SEMI_LOYAL,
        stage=Stage.RELATIONSHIP,
        credit_grade=CreditGrade.GREEN,
        credit_limit=Decimal("900000000.00"),
        owner_id=user.id,
        department_id=department.id,
    )
    db.session.add(account)
    db.session.commit()
    return user, contracts.create_contract(user, account.id, draft_input(lines=lines(n_lines)))


def timed(function, n: int) -> tuple[list[float], object]:
    """CPU seconds of each of n calls, and the last result."""
    result, timings = None, []
    for _ in range(n):
        start = time.process_time()
        result = function()
        timings.append(time.process_time() - start)
    return timings, result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], env: dict, wall: list | None = None) -> float:
    """CPU seconds of a whole process (and its children); its wall-clock time into `wall`."""
    start, start_cpu = time.perf_counter(), _children_cpu()
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=ROOT)
    if wall is not None:
        wall.append(time.perf_counter() - start)
    return _children_cpu() - start_cpu


def batch(folder: Path, env: dict, label: str, count: int, size_of) -> None:
    """`flask render contract --all` over `count` fresh contracts (size_of(i) lines each)."""
    from webapp import create_app
    from webapp.extensions import db

    database = f"sqlite:///{folder}/batch-{label}.sqlite3"
    documents = folder / f"batch-{label}-documents"
    batch_app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database, "DOCUMENT_DIR": str(documents)}
    )
    with batch_app.test_request_context():
        db.create_all()
        for i in range(count):
            seed(size_of(i), 5000 + i)
    batch_env = {**env, "DATABASE_URL": database, "KEYDESK_DOCUMENT_DIR": str(documents)}
    command = [sys.executable, "-m", "flask", "--app", "webapp", "render", "contract", "--all"]
    command += ["-o", str(folder / f"batch-{label}")]
    start, start_cpu = time.perf_counter(), _children_cpu()
    out = subprocess.run(
        command, env=batch_env, check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    wall, cpu = time.perf_counter() - start, _children_cpu() - start_cpu
    reported = re.search(r"rendered in ([0-9.]+) s: ([0-9.]+) documents/s", out)
    cores = os.cpu_count() or 1
    emit(
        f"keydesk_batch_render_all_{label}",
        documents=count,
        lines=sorted({size_of(i) for i in range(count)}),
        docs_per_s=float(reported.group(2)) if reported else None,
        render_s=float(reported.group(1)) if reported else None,
        process_wall_s=round(wall, 2),
        process_docs_per_s=round(count / wall, 2),
        cpu_s_per_doc=round(cpu / count, 3),
        docs_per_s_on_idle_cores=round(cores * count / cpu, 2),
        cores=cores,
        load_average=[round(x, 2) for x in os.getloadavg()],
        was=3.7,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=7)
    parser.add_argument("--batch", type=int, default=24, help="contracts for render --all")
    args = parser.parse_args()
    emit("machine_at_start", load_average=[round(x, 2) for x in os.getloadavg()])

    from weasyprint import CSS, HTML

    from webapp import create_app
    from webapp.contracts import documents as contract_type
    from webapp.documents import markup, pdf, service
    from webapp.documents.markup import DOCS_TEMPLATES
    from webapp.extensions import db

    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        database = f"sqlite:///{folder}/bench.sqlite3"
        # as installed: bytecode cached (an environment that forbids writing it would make every
        # whole-process run compile the app's 150 modules, which no installation does)
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "DATABASE_URL": database,
            "SECRET_KEY": "bench",
            "KEYDESK_DOCUMENT_DIR": str(folder / "documents"),
            "PYTHONPATH": str(ROOT),
        }
        var_env = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
        pdf_out = str(folder / "cli.pdf")
        # as `make` installs it: the bytecode compiled (the run below writes the rest)
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", "webapp"], check=True, cwd=ROOT, env=env
        )
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": database,
                "DOCUMENT_DIR": str(folder / "documents"),
            }
        )
        with app.test_request_context():
            db.create_all()
            contracts = {size: seed(size, size) for size in (30, 200)}
            warm_cli = seed(30, 999)[1].id  # one run first, which writes the bytecode caches
            cli_contracts = {
                size: [
                    (seed(size, 1000 * size + i)[1].id, seed(size, 1000 * size + 500 + i)[1].id)
                    for i in range(args.n)
                ]
                for size in (30, 200)
            }
            service.render_bytes(
                "contract", contract_type.contract_context(contracts[30][1]), "pdf"
            )
            # as webapp.wsgi does after start-up: what exists now is never collected again, so
            # a full collection of the seeding's objects does not land in one render's time
            gc.collect()
            gc.freeze()
            base_css = CSS(filename=str(DOCS_TEMPLATES / "base.css"))

            for size, (_user, contract) in contracts.items():
                context = contract_type.contract_context(contract)
                context = {"document": {"version": None}, **context}
                html = pdf.to_html(markup.render_document("contract/contract.xml", context))
                html_file = folder / f"contract-{size}.html"
                html_file.write_text(html, "utf-8")

                def bare(html=html):
                    return HTML(string=html, base_url=str(DOCS_TEMPLATES) + "/").write_pdf(
                        stylesheets=[base_css]
                    )

                def keydesk(context=context):
                    return service.render_bytes("contract", context, "pdf")

                # interleaved, so a change in the machine's load hits both alike
                bare_times, warm_times, bare_pdf, keydesk_pdf = [], [], b"", b""
                for _ in range(args.n):
                    (bare_time,), bare_pdf = timed(bare, 1)
                    (warm_time,), keydesk_pdf = timed(keydesk, 1)
                    bare_times.append(bare_time)
                    warm_times.append(warm_time)
                bare_pages = pages(bare_pdf)
                emit(
                    f"bare_weasyprint_{size}_lines",
                    warm_cpu_p50_s=round(p50(bare_times), 3),
                    pages=bare_pages,
                )

                keydesk_pages = pages(keydesk_pdf)
                # the median of the pairs' ratios: each pair ran back to back, under one load
                pairs = [k / b for k, b in zip(warm_times, bare_times, strict=True)]
                per_page = p50(pairs) * bare_pages / keydesk_pages
                emit(
                    f"keydesk_warm_{size}_lines",
                    cpu_p50_s=round(p50(warm_times), 3),
                    pages=keydesk_pages,
                    ratio_per_page=round(per_page, 2),
                    target=1.15,
                )

                bare_job = [sys.executable, "-c", BARE_JOB, str(html_file)]
                bare_job += [str(DOCS_TEMPLATES) + "/", str(folder / "bare.pdf")]
                bare_job += [str(DOCS_TEMPLATES / "base.css")]
                if size == 30:
                    command = [sys.executable, "-m", "flask", "--app", "webapp", "render"]
                    run([*command, "contract", str(warm_cli), "-o", str(folder / "w.pdf")], env)
                    run([sys.executable, "-c", "import webapp.wsgi"], env)
                cli_times, bare_cli, cli_wall, bare_wall = [], [], [], []
                var_times, var_wall = [], []
                for contract_id, var_id in cli_contracts[size]:  # interleaved with the bare job
                    bare_cli.append(run(bare_job, env, bare_wall))
                    command = [sys.executable, "-m", "flask", "--app", "webapp", "render"]
                    cli_times.append(
                        run([*command, "contract", str(contract_id), "-o", pdf_out], env, cli_wall)
                    )
                    var_times.append(
                        run([*command, "contract", str(var_id), "-o", pdf_out], var_env, var_wall)
                    )
                emit(
                    f"bare_weasyprint_{size}_lines_process",
                    cpu_p50_s=round(p50(bare_cli), 3),
                    wall_p50_s=round(p50(bare_wall), 3),
                )
                for name, times, wall in (
                    (f"keydesk_cli_{size}_lines", cli_times, cli_wall),
                    (f"keydesk_cli_{size}_lines_dontwritebytecode", var_times, var_wall),
                ):
                    ratios = [k / b for k, b in zip(times, bare_cli, strict=True)]
                    emit(
                        name,
                        cpu_p50_s=round(p50(times), 3),
                        wall_p50_s=round(p50(wall), 3),
                        ratio=round(p50(ratios), 2),
                        target=1.5,
                    )

            firsts, warms = [], []
            for _ in range(3):
                out = subprocess.run(
                    [sys.executable, "-c", FIRST_IN_FRESH_PROCESS, str(contracts[30][1].id)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                ).stdout.split()
                firsts.append(float(out[0]))
                warms.append(float(out[1]))
            emit(
                "keydesk_first_in_fresh_process",
                first_cpu_p50_s=round(p50(firsts), 3),
                warm_cpu_p50_s=round(p50(warms), 3),
                ratio=round(p50(firsts) / p50(warms), 2),
                target=1.2,
            )

            # the batches: a database of their own each
            for label, count, size_of in (
                ("30_lines", args.batch, lambda i: 30),
                ("demo_size", args.batch * 2, lambda i: 2 + i % 5),
            ):
                batch(folder, env, label, count, size_of)

            small = contract_type.contract_context(contracts[30][1])
            for fmt, size in (("docx", 30), ("docx", 200), ("pdfa", 30)):
                context = contract_type.contract_context(contracts[size][1])
                timings, data = timed(
                    lambda context=context, fmt=fmt: service.render_bytes("contract", context, fmt),
                    max(3, args.n // 2),
                )
                emit(
                    f"contract_{fmt}_{size}_lines_warm",
                    cpu_p50_s=round(p50(timings), 3),
                    kb=len(data) // 1024,
                )
            user = contracts[30][0]
            first, _ = timed(
                lambda: service.generate(user, "contract", small["contract"].id, "pdf"), 1
            )
            reuse, _ = timed(
                lambda: service.generate(user, "contract", small["contract"].id, "pdf"), args.n
            )
            emit(
                "contract_generate_stored_reuse",
                cpu_p50_s=round(p50(reuse), 4),
                first_s=round(first[0], 3),
            )
    emit("machine_at_end", load_average=[round(x, 2) for x in os.getloadavg()])


if __name__ == "__main__":
    main()
