"""A contract's PDF is rendered in the background right after each status change past the
draft, so the approver (and later the manager) opening it finds the stored copy of that very
version; drafts are not rendered, and the setting turns it off."""

from __future__ import annotations

import sqlalchemy as sa

from tests.unit import test_contract_approval as approval
from tests.web.contract_data import draft_input
from webapp.common import background
from webapp.common.idle import lane
from webapp.contracts import service as contracts
from webapp.contracts.models import ContractStatus
from webapp.documents import service as documents
from webapp.documents.models import GeneratedDocument
from webapp.extensions import db

people = approval.people  # the fixture: a department's manager, head, … and an account
decide, fresh, request_of, submitted = (
    approval.decide,
    approval.fresh,
    approval.request_of,
    approval.submitted,
)


class Recording:
    """A runner that runs each task at once (after the commit, as the queue would) and keeps
    its name."""

    def __init__(self):
        self.names: list[str] = []

    def submit(self, app, name, args):
        self.names.append(name)
        background.run_task(app, name, args)


def stored_versions(contract_id: int) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(GeneratedDocument.source_version)
            .where(
                GeneratedDocument.kind == "contract",
                GeneratedDocument.source_id == contract_id,
                GeneratedDocument.fmt == "pdf",
            )
            .order_by(GeneratedDocument.id)
        )
    )


def test_submitted_and_approved_versions_are_rendered_ahead(app, people):
    app.config["CONTRACT_PDF_PRERENDER"] = True
    runner = Recording()
    background.set_runner(app, runner)
    draft = contracts.create_contract(people["manager"], people["account"].id, draft_input())
    assert stored_versions(draft.id) == []  # a draft is not rendered
    contract = contracts.submit(people["manager"], draft.id)
    assert runner.names == ["contracts.render_pdf"]
    assert stored_versions(contract.id) == [str(fresh(contract).version)]

    decide(people["head"], request_of(contract))
    approved = fresh(contract)
    assert approved.status is ContractStatus.APPROVED
    assert stored_versions(contract.id)[-1] == str(approved.version)
    # the head's click on the PDF gets the stored copy: nothing new is rendered
    before = len(stored_versions(contract.id))
    served = documents.generate(people["head"], "contract", contract.id, "pdf")
    assert served.source_version == str(approved.version)
    assert len(stored_versions(contract.id)) == before


def test_turned_off_nothing_is_rendered_ahead(app, people):
    app.config["CONTRACT_PDF_PRERENDER"] = False
    runner = Recording()
    background.set_runner(app, runner)
    contract = submitted(people)
    assert runner.names == []
    assert stored_versions(contract.id) == []


def test_at_idle_priority_the_render_runs_on_the_idle_lane(app, people):
    """In production the task hands the render to the idle-priority thread and returns; the
    copy appears when that thread has had its turn."""
    app.config.update(CONTRACT_PDF_PRERENDER=True, CONTRACT_PDF_PRERENDER_IDLE=True)
    background.set_runner(app, Recording())
    contract = submitted(people)
    assert lane.join(timeout=60)
    assert lane.priority in ("idle", "nice 19")
    assert stored_versions(contract.id) == [str(fresh(contract).version)]
