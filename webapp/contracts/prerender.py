"""A contract's PDF, rendered in the background as soon as a new version exists.

Opening a contract's PDF the first time renders it (hundreds of milliseconds of CPU); the load
run of issue 18 saw first renders make 4 % of the requests and 38 % of the web workers' busy
time. Each status change past the draft (submitted, approved, signed, terminated) is a version
people open next — the approver from the inbox, the manager to print it — so the background
worker renders it right after the commit and the click finds the stored copy
(documents.service keys it by the contract's version, so nothing stale is served).

The render is a head start, not a duty (the click renders a missing copy itself), so it runs on
the idle lane (common/idle.py): the worker hands it to a thread the kernel runs only on CPU no
one else wants, and the pages people wait for keep the cores. CONTRACT_PDF_PRERENDER_IDLE=False
renders in the task itself (the default under TESTING, so a test sees the copy when the task
returns).

On by default; KEYDESK_PRERENDER_PDF=0 turns it off; off by default under TESTING, where a test
asks for it."""

from __future__ import annotations

import logging

from flask import current_app

from webapp.common import background
from webapp.common.errors import DomainError
from webapp.common.idle import lane
from webapp.contracts.models import ContractStatus

log = logging.getLogger(__name__)

TASK = "contracts.render_pdf"
RENDERED = (
    ContractStatus.IN_APPROVAL,
    ContractStatus.APPROVED,
    ContractStatus.SIGNED,
    ContractStatus.TERMINATED,
)


def enabled() -> bool:
    value = current_app.config.get("CONTRACT_PDF_PRERENDER")
    return (not current_app.testing) if value is None else bool(value)


def on_status_changed(contract_id: int, status: ContractStatus, **_extra) -> None:
    """Receiver of `contracts.signals.status_changed` (after the commit)."""
    if status in RENDERED and enabled():
        background.submit(TASK, contract_id)


def at_idle_priority() -> bool:
    value = current_app.config.get("CONTRACT_PDF_PRERENDER_IDLE")
    return (not current_app.testing) if value is None else bool(value)


def render_pdf(contract_id: int) -> None:
    """The background task: hand the render to the idle lane (or render now, see above)."""
    if at_idle_priority():
        lane.submit(current_app._get_current_object(), (TASK, contract_id), render, contract_id)
    else:
        render(contract_id)


def render(contract_id: int) -> None:
    """The PDF of the contract's current version, stored once."""
    from webapp.documents import service as documents

    try:
        documents.generate_unchecked("contract", contract_id, "pdf")
    except DomainError as error:  # deleted meanwhile: nothing to render
        log.info("contract %s not rendered: %s", contract_id, error)
