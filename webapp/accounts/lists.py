"""The account list and an account's contacts as lists that export and save as views
(`webapp.lists`): the columns, and the same queries the pages use."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from webapp.accounts import service
from webapp.accounts.models import ENUM_BY_FIELD, Account, Contact
from webapp.common.ids import parse_id
from webapp.lists.registry import Column, Kind, ListSpec

FILTER_LABELS = {
    "q": _l("Search"),
    "owner_id": _l("Owner"),
    "kind": _l("Kind"),
    "stage": _l("Stage"),
    "value_class": _l("Value"),
    "tier": _l("Tier"),
    "credit_grade": _l("Credit grade"),
    "sort": _l("Sort"),
}


def _normalize_accounts(args: Mapping[str, str]) -> dict[str, str]:
    return service.AccountQuery.from_args(args).url_args()


def _describe_accounts(args: Mapping[str, str]) -> list[tuple[str, str]]:
    words = []
    for name, value in args.items():
        if name in ("page", "sort") or name not in FILTER_LABELS:
            continue
        if name in ENUM_BY_FIELD:
            value = ENUM_BY_FIELD[name](value).label
        words.append((str(FILTER_LABELS[name]), value))
    return words


def _accounts(user, args):
    return service.accounts_statement(user, service.AccountQuery.from_args(args))


ACCOUNTS = ListSpec(
    key="accounts",
    title=_l("Key accounts"),
    endpoint="accounts.index",
    query=_accounts,
    normalize=_normalize_accounts,
    describe=_describe_accounts,
    columns=(
        Column(_l("Legal name"), lambda a: a.name),
        Column(_l("Short name"), lambda a: a.short_name),
        Column(_l("Credit code"), lambda a: a.tax_number),
        Column(_l("Kind"), lambda a: a.kind),
        Column(_l("Stage"), lambda a: a.stage),
        Column(_l("Value"), lambda a: a.value_class),
        Column(_l("Tier"), lambda a: a.tier),
        Column(_l("Credit grade"), lambda a: a.credit_grade),
        Column(_l("Credit limit"), lambda a: a.credit_limit, Kind.MONEY),
        Column(_l("Owner"), lambda a: a.owner.full_name),
        Column(_l("Phone"), lambda a: a.phone),
        Column(_l("Created"), lambda a: a.created_at, Kind.DATE),
        Column(_l("Changed"), lambda a: a.updated_at, Kind.DATETIME),
    ),
)


def _normalize_contacts(args: Mapping[str, str]) -> dict[str, str]:
    account_id = parse_id(args.get("account_id"))
    return {"account_id": str(account_id)} if account_id is not None else {}


def _contacts(user, args):
    """An account's contacts as its Contacts tab lists them; nothing for an account the user
    cannot see. The personal file (birthday, hometown, …) is never exported."""
    account_id = parse_id(args.get("account_id"))
    visible = sa.select(Account.id).where(service.account_scope(user))
    return (
        sa.select(Contact)
        .where(Contact.account_id == account_id, Contact.account_id.in_(visible))
        .order_by(Contact.buying_role, Contact.name)
    )


CONTACTS = ListSpec(
    key="contacts",
    title=_l("Contacts"),
    endpoint="accounts.contacts",
    query=_contacts,
    normalize=_normalize_contacts,
    columns=(
        Column(_l("Name"), lambda c: c.name),
        Column(_l("Title"), lambda c: c.title),
        Column(_l("Phone"), lambda c: c.phone),
        Column(_l("E-mail"), lambda c: c.email),
        Column(_l("Buying role"), lambda c: c.buying_role),
        Column(_l("Stance"), lambda c: c.stance),
        Column(_l("Relationship"), lambda c: c.ladder),
    ),
)
