"""The open-warnings list (`/open-warnings`) as a list that exports and saves as views."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from webapp.lists.registry import Column, Kind, ListSpec
from webapp.main import worklists
from webapp.warnings.models import RuleKey
from webapp.warnings.service import warning_rows

SCOPE_LABELS = {"mine": _l("For me to act on"), "team": _l("On the accounts I see")}


def _normalize(args: Mapping[str, str]) -> dict[str, str]:
    scope = args.get("scope") if args.get("scope") in worklists.WARNING_SCOPES else "mine"
    clean = {"scope": scope}
    if args.get("rule") in RuleKey._value2member_map_:
        clean["rule"] = args["rule"]
    return clean


def _describe(args: Mapping[str, str]) -> list[tuple[str, str]]:
    words = [(str(_l("Whose warnings")), str(SCOPE_LABELS[args["scope"]]))]
    if "rule" in args:
        words.append((str(_l("Rule")), RuleKey(args["rule"]).label))
    return words


WARNINGS = ListSpec(
    key="warnings",
    title=_l("Early warnings"),
    endpoint="main.warnings",
    query=lambda user, args: worklists.warnings_statement(
        user, args.get("scope"), args.get("rule")
    ),
    normalize=_normalize,
    describe=_describe,
    prepare=warning_rows,
    columns=(
        Column(_l("Rule"), lambda r: r.warning.rule.label),
        Column(_l("Client"), lambda r: r.warning.account.name),
        Column(_l("Details"), lambda r: r.description),
        Column(_l("Who must act"), lambda r: r.who_must_act),
        Column(_l("Status"), lambda r: r.warning.status.label),
        Column(_l("Raised"), lambda r: r.warning.raised_at, Kind.DATETIME),
    ),
)
