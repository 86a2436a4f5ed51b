"""The inbox as a list that exports and saves as views (`webapp.lists`): its filter (box, type,
overdue) parsed once, for the page and its export."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from webapp.approvals import service
from webapp.approvals.models import RequestType
from webapp.lists.registry import Column, Kind, ListSpec

BOXES = ("waiting", "filed", "decided", "overdue_below")
INBOX_LIMIT = 50  # the page: the most urgent (waiting) or newest (filed, decided) first
EXPORT_LIMIT = 10000
BOX_LABELS = {
    "waiting": _l("Waiting for me"),
    "filed": _l("Filed by me"),
    "decided": _l("Decided by me"),
    "overdue_below": _l("Overdue below me"),
}


def normalize(args: Mapping[str, str]) -> dict[str, str]:
    clean = {"box": args.get("box") if args.get("box") in BOXES else "waiting"}
    if (args.get("type") or "") in {t.value for t in RequestType}:
        clean["type"] = args["type"]
    if args.get("overdue") == "1":
        clean["overdue"] = "1"
    return clean


def inbox_rows(user, args: Mapping[str, str], limit: int = INBOX_LIMIT) -> list:
    """(request, step) rows of the inbox box the arguments name."""
    clean = normalize(args)
    if clean["box"] == "overdue_below":
        return list(service.overdue_below(user, limit))
    type_ = RequestType(clean["type"]) if "type" in clean else None
    return list(
        service.inbox_rows(user, clean["box"], type_, limit=limit, overdue_only="overdue" in clean)
    )


def _describe(args: Mapping[str, str]) -> list[tuple[str, str]]:
    words = [(str(_l("Box")), str(BOX_LABELS[args["box"]]))]
    if "type" in args:
        words.append((str(_l("Type")), RequestType(args["type"]).label))
    if "overdue" in args:
        words.append((str(_l("Overdue")), "✓"))
    return words


def _step(row):
    return row[1]


INBOX = ListSpec(
    key="requests",
    title=_l("Approvals"),
    endpoint="approvals.inbox",
    normalize=normalize,
    describe=_describe,
    rows=lambda user, args: inbox_rows(user, args, EXPORT_LIMIT),
    columns=(
        Column(_l("Number"), lambda r: r[0].number),
        Column(_l("Type"), lambda r: r[0].type.label),
        Column(_l("Title"), lambda r: r[0].title),
        Column(_l("Client"), lambda r: r[0].account.name),
        Column(_l("Applicant"), lambda r: r[0].applicant.full_name),
        Column(_l("Amount"), lambda r: r[0].amount, Kind.MONEY),
        Column(_l("Status"), lambda r: r[0].status.label),
        Column(_l("Filed"), lambda r: r[0].filed_at, Kind.DATETIME),
        Column(_l("Step"), lambda r: _step(r).action_name if _step(r) else ""),
        Column(_l("Due"), lambda r: _step(r).due_at if _step(r) else None, Kind.DATETIME),
    ),
)
