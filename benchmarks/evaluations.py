"""Cooperation-evaluation report speed: the chart alone, one report (figures + chart + render)
as PDF and as DOCX warm after one cold render, and a batch of N reports through the render
command's process pool (`flask render evaluation --all` runs the same `_batch`) on --jobs
cores. Accounts come from the Chinese demo data (`demo.load`), whose maintenance accounts
carry 18 months of plans, purchases, payments and complaints. Prints one JSON line per figure.
Targets (issue 6): report PDF with chart p50 < 0.5 s; the batch of 500 on two cores in docs/s.

    .venv/bin/python benchmarks/evaluations.py [--n 10] [--batch 500] [--jobs 2]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp import create_app  # noqa: E402
from webapp.documents import service  # noqa: E402
from webapp.documents.cli import _batch  # noqa: E402
from webapp.evaluations import documents as report_type  # noqa: E402
from webapp.evaluations import service as evaluations  # noqa: E402
from webapp.extensions import db  # noqa: E402

# Share of demo accounts that end up signed (maintenance, or a signed contract): about 0.3.
SIGNED_SHARE = 0.28


def report(name: str, timings: list[float], cpu: list[float] | None = None, **extra) -> None:
    """Wall-clock figures, plus the process's CPU time (what the work costs on a machine whose
    cores are shared with other work)."""
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


def one_report(account_id: int, fmt: str) -> bytes:
    """What generating costs beyond storage: the figures, the chart, the template, the render."""
    report_ = report_type.report_for_id(account_id)
    return service.render_bytes("evaluation", report_type.report_context(report_), fmt)


def timed(fn, n: int) -> tuple[list[float], list[float], object]:
    timings, cpu, result = [], [], None
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return timings, cpu, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                "DOCUMENT_DIR": f"{folder}/documents",
            }
        )
        with app.test_request_context():
            from webapp import demo

            db.create_all()
            n_accounts = max(40, int(args.batch / SIGNED_SHARE) + 20)
            start = time.perf_counter()
            with contextlib.redirect_stdout(sys.stderr):
                demo.load(n_accounts=n_accounts, seed=11, if_empty=False, echo=print)
            load_s = time.perf_counter() - start
            ids = evaluations.signed_account_ids()
            # the richest account: most months with purchases, payments, complaints
            account_id = ids[0]
            item = evaluations.evaluate_account(
                report_type.report_for_id(account_id).account, evaluations.default_period()
            )
            labels = report_type.CHINESE_CHART_LABELS
            report_type.chart_png(item, labels)
            timings, cpu, png = timed(lambda: report_type.chart_png(item, labels), args.n * 3)
            report("evaluation_chart_png", timings, cpu, px="1600x700", kb=len(png) // 1024)

            start = time.perf_counter()
            one_report(account_id, "pdf")
            report("evaluation_pdf_cold", [time.perf_counter() - start])
            timings, cpu, pdf = timed(lambda: one_report(account_id, "pdf"), args.n)
            report(
                "evaluation_pdf_with_chart_warm",
                timings,
                cpu,
                kb=len(pdf) // 1024,
                months=len(item.months),
                payments=len(item.payments),
                target_s=0.5,
            )
            timings, cpu, docx = timed(lambda: one_report(account_id, "docx"), args.n)
            report("evaluation_docx_with_chart_warm", timings, cpu, kb=len(docx) // 1024)

            chosen = ids[: args.batch]
            with contextlib.redirect_stdout(sys.stderr):  # the progress bar
                start = time.perf_counter()
                failures = _batch("evaluation", chosen, "pdf", Path(folder) / "out", args.jobs)
                batch_s = time.perf_counter() - start
            print(
                json.dumps(
                    {
                        "benchmark": "evaluation_batch_pdf",
                        "documents": len(chosen) - len(failures),
                        "failures": len(failures),
                        "jobs": args.jobs,
                        "seconds": round(batch_s, 2),
                        "docs_per_s": round((len(chosen) - len(failures)) / batch_s, 1),
                        "demo_accounts": n_accounts,
                        "demo_load_s": round(load_s, 1),
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
