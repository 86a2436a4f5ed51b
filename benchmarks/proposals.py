"""Proposal pages with a large quotation (200 lines) and a link opened 1,000 times, on SQLite:
the proposal page, the client's link page, and a recompute of the quotation while typing.
Prints one JSON line per figure (server time measured around the WSGI call).

    .venv/bin/python benchmarks/proposals.py [--lines 200] [--n 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp import create_app, demo  # noqa: E402
from webapp.auth.models import User  # noqa: E402
from webapp.common.timeutil import local_today  # noqa: E402
from webapp.contracts.lines import LineInput  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.proposals import branding, service  # noqa: E402
from webapp.proposals import links as tokens  # noqa: E402
from webapp.proposals.models import Proposal, ProposalLinkOpen  # noqa: E402


def timed(client, n, method, url, **kwargs):
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.open(url, method=method, **kwargs)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def report(name, lines, timings):
    ordered = sorted(timings)
    print(
        json.dumps(
            {
                "benchmark": name,
                "lines": lines,
                "n": len(timings),
                "p50_ms": round(statistics.median(timings), 2),
                "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
                "max_ms": round(max(timings), 2),
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "WTF_CSRF_ENABLED": False,
                "SESSION_COOKIE_SECURE": False,
                "DOCUMENT_DIR": f"{tmp}/documents",
            }
        )
        with app.app_context():
            db.create_all()
            demo.load(n_accounts=50, seed=7, if_empty=False, echo=lambda _m: None)
            manager = db.session.scalar(sa.select(User).where(User.username == "zhangwei"))
            proposal = db.session.scalars(
                sa.select(Proposal).where(Proposal.owner_id == manager.id)
            ).first()
            rows = [
                LineInput(
                    product=f"产品{i}",
                    unit="件",
                    quantity_text=str(i + 1),
                    unit_price_text=f"{i}.25",
                )
                for i in range(args.lines)
            ]
            with app.test_request_context():
                data = service.ProposalInput(
                    values={"title": "基准方案", "client_needs": "需求", "solution": "方案"},
                    valid_until=local_today() + timedelta(days=30),
                    rows=rows,
                )
                service.save_proposal(manager, proposal.id, data, proposal.version)
                link = service.create_link(manager, proposal.id, branding.company_branding())
            db.session.add_all(
                ProposalLinkOpen(link_id=link.id, kind="view", ip="10.0.0.1", user_agent="bench")
                for _ in range(999)
            )
            db.session.commit()
            token = tokens.token_for(link.key)
            proposal_id = proposal.id
            form = {"action": "recompute"}
            for i, row in enumerate(rows):
                form.update(
                    {
                        f"lines-{i}-product": row.product,
                        f"lines-{i}-unit": row.unit,
                        f"lines-{i}-quantity": row.quantity_text,
                        f"lines-{i}-unit_price": row.unit_price_text,
                    }
                )
            db.session.remove()

        client = app.test_client()
        client.post("/login", data={"username": "zhangwei", "password": demo.PASSWORD})
        report(
            "proposal_page", args.lines, timed(client, args.n, "GET", f"/proposals/{proposal_id}")
        )
        report(
            "client_link_page", args.lines, timed(app.test_client(), args.n, "GET", f"/p/{token}")
        )
        report(
            "quotation_recompute",
            args.lines,
            timed(
                client,
                args.n,
                "POST",
                "/proposals/lines",
                data=form,
                headers={"HX-Request": "true"},
            ),
        )


if __name__ == "__main__":
    main()
