"""Speed of the decision map (issue 15): an account with 200 contacts (an org chart six levels
deep), 60 influence lines and an owner for every other person, on SQLite. Figures: the map
tab as an htmx swap (target p95 < 80 ms), the same as a whole page, the map alone (layout +
SVG, no request), and the account plan PDF with the diagram rendered warm (target p50 < 1 s).
One JSON line per figure.

    .venv/bin/python benchmarks/role_map.py [--contacts 200] [--n 100]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from werkzeug.security import generate_password_hash

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp import create_app  # noqa: E402
from webapp.accounts.models import (  # noqa: E402
    Account,
    AccountKind,
    BuyingRole,
    Channel,
    Contact,
    DecisionStyle,
    Ladder,
    Loyalty,
    Ownership,
    Personality,
    Relation,
    Stage,
    Stance,
)
from webapp.auth.models import Department, Role, User  # noqa: E402
from webapp.documents import service as documents  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.relationships import drawing, plan, rolemap  # noqa: E402
from webapp.relationships.models import InfluenceLine, RelationshipOwner  # noqa: E402

PASSWORD = "bench-password-1"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(name, timings, **extra):
    line = {
        "benchmark": name,
        **extra,
        "n": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "max_ms": round(max(timings), 2),
    }
    print(json.dumps(line, ensure_ascii=False), flush=True)


def seed(contacts: int, rng: random.Random) -> int:
    department = Department(name="华东大客户部")
    db.session.add(department)
    db.session.flush()
    owner = User(
        username="bench",
        full_name="张伟",
        role=Role.ACCOUNT_MANAGER,
        department_id=department.id,
        password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
    )
    db.session.add(owner)
    db.session.flush()
    account = Account(
        name="上海浦江精密机械有限公司",
        short_name="浦江精密",
        kind=AccountKind.ECONOMIC,
        relation=Relation.DOWNSTREAM,
        channel=Channel.TERMINAL,
        ownership=Ownership.PRIVATE,
        loyalty=Loyalty.SEMI_LOYAL,
        stage=Stage.RELATIONSHIP,
        credit_limit=Decimal("800000.00"),
        owner_id=owner.id,
        department_id=department.id,
    )
    db.session.add(account)
    db.session.flush()
    people: list[Contact] = []
    for i in range(contacts):
        boss = people[(i - 1) // 4] if i else None  # four staff each: about six levels
        person = Contact(
            account_id=account.id,
            name=f"员工{i:03d}",
            title="部门经理" if i < 20 else "主管",
            buying_role=rng.choice(list(BuyingRole)) if i else BuyingRole.DECISION_MAKER,
            stance=rng.choice(list(Stance)),
            ladder=rng.choice([None, *Ladder]),
            personality=rng.choice([None, *Personality]),
            decision_style=rng.choice([None, *DecisionStyle]),
            reports_to_id=boss.id if boss else None,
        )
        db.session.add(person)
        db.session.flush()
        people.append(person)
        if i % 2 == 0:
            db.session.add(
                RelationshipOwner(contact_id=person.id, account_id=account.id, user_id=owner.id)
            )
    # influence lines upwards (from deeper to higher numbers' bosses): never a loop
    pairs = set()
    while len(pairs) < min(60, contacts // 2):
        a, b = rng.randrange(1, contacts), rng.randrange(0, contacts)
        if b < a and people[a].reports_to_id != people[b].id:
            pairs.add((a, b))
    for a, b in pairs:
        db.session.add(
            InfluenceLine(
                account_id=account.id,
                from_contact_id=people[a].id,
                to_contact_id=people[b].id,
                note="常沟通",
            )
        )
    db.session.commit()
    return account.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=200)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--pdf", type=int, default=10)  # at least 1
    args = parser.parse_args()
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                "DOCUMENT_DIR": f"{folder}/documents",
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            account_id = seed(args.contacts, rng)
        data = {"contacts": args.contacts, "influence_lines": min(60, args.contacts // 2)}
        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": PASSWORD})
        for headers, name in (({"HX-Request": "true"}, "map_tab_htmx"), ({}, "map_tab_page")):
            url = f"/accounts/{account_id}/map"
            client.get(url, headers=headers)  # warm
            timings, cpu = [], []
            for _ in range(args.n):
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url, headers=headers)
                timings.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                assert response.status_code == 200, response.status_code
            # cpu: this process's CPU time per request, the figure a busy shared machine blurs least
            report(
                name,
                timings,
                **data,
                bytes=len(response.data),
                target_p95_ms=80,
                cpu_p50_ms=round(statistics.median(cpu), 2),
                cpu_p95_ms=round(percentile(cpu, 95), 2),
            )
        with app.test_request_context():
            timings, cpu = [], []
            for _ in range(args.n):
                start, start_cpu = time.perf_counter(), time.process_time()
                drawing.svg(rolemap.build_map(account_id), "map")
                timings.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            report(
                "map_layout_svg",
                timings,
                **data,
                cpu_p50_ms=round(statistics.median(cpu), 2),
                cpu_p95_ms=round(percentile(cpu, 95), 2),
            )
            record = plan.plan_for_id(account_id)
            documents.render_bytes("account-plan", plan.context(record), "pdf")  # warm
            timings, cpu = [], []
            for _ in range(args.pdf):
                record = plan.plan_for_id(account_id)  # the sections built afresh each time
                start, start_cpu = time.perf_counter(), time.process_time()
                pdf = documents.render_bytes("account-plan", plan.context(record), "pdf")
                timings.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            report(
                "account_plan_pdf_warm",
                timings,
                **data,
                bytes=len(pdf),
                target_p50_ms=1000,
                cpu_p50_ms=round(statistics.median(cpu), 2),
                cpu_p95_ms=round(percentile(cpu, 95), 2),
            )


if __name__ == "__main__":
    main()
