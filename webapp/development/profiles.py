"""The development profile of an account (one row per account, made on first need) and the
search keys of the duplicate check, kept in step with the account through `account_saved`."""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy import event

from webapp.accounts.models import Account
from webapp.common.timeutil import utcnow
from webapp.development.models import DevelopmentProfile, Qualification
from webapp.extensions import db

# Longest first: "股份有限公司" must go before "有限公司" gets a chance to leave "股份".
LEGAL_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "分公司",
    "公司",
    "集团",
    "coltd",
    "companylimited",
    "limited",
    "ltd",
    "inc",
    "corp",
    "co",
)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise_name(name: str | None) -> str | None:
    """The key two spellings of one company share: full-width → half-width (NFKC), case and
    punctuation ignored, the legal-form suffix (有限公司, 股份有限公司, Co., Ltd.) dropped,
    brackets such as （中国） kept as text."""
    if not name:
        return None
    text = unicodedata.normalize("NFKC", name).lower()
    text = _NOISE.sub("", text)
    changed = True
    while changed and text:
        changed = False
        for suffix in LEGAL_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                changed = True
                break
    return text[:120] or None


def normalise_phone(phone: str | None) -> str | None:
    """Digits only, without the country code: 86-021-5888 0000 and 02158880000 are one."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    international = digits.startswith(("0086", "86")) and len(digits) > 11
    if digits.startswith("0086"):
        digits = digits[4:]
    elif international:
        digits = digits[2:]
    if international and not (digits.startswith("1") and len(digits) == 11):
        digits = "0" + digits  # +86 21 … is 021 … at home; mobiles (1xx, 11 digits) have no 0
    return digits[-30:] if len(digits) >= 5 else None


def profile_for(account: Account | int, *, create: bool = True) -> DevelopmentProfile | None:
    account_id = account if isinstance(account, int) else account.id
    profile = db.session.get(DevelopmentProfile, account_id)
    if profile is None and create:
        profile = DevelopmentProfile(account_id=account_id)
        if isinstance(account, Account):
            refresh_keys(profile, account)
        db.session.add(profile)
    return profile


def refresh_keys(profile: DevelopmentProfile, account: Account) -> None:
    profile.name_key = normalise_name(account.name)
    profile.short_key = normalise_name(account.short_name)
    profile.phone_key = normalise_phone(account.phone) or profile.phone_key


def _keys(account: Account) -> dict:
    return {
        "name_key": normalise_name(account.name),
        "short_key": normalise_name(account.short_name),
        "phone_key": normalise_phone(account.phone),
    }


def on_account_inserted(_mapper, connection, account: Account) -> None:
    """Every account gets its profile in the INSERT's own flush, however it was created."""
    connection.execute(
        sa.insert(DevelopmentProfile.__table__).values(
            account_id=account.id,
            qualification=Qualification.PENDING,
            in_pool=False,
            stage_since=utcnow(),
            **_keys(account),
        )
    )


def on_account_updated(_mapper, connection, account: Account) -> None:
    """A changed name, short name or phone changes the duplicate-check keys with it."""
    state = sa.inspect(account)
    if any(state.attrs[n].history.has_changes() for n in ("name", "short_name", "phone")):
        table = DevelopmentProfile.__table__
        connection.execute(
            table.update().where(table.c.account_id == account.id).values(**_keys(account))
        )


def listen() -> None:
    """Connect the two mapper events once per process (init_app may run for many apps)."""
    for name, fn in (("after_insert", on_account_inserted), ("after_update", on_account_updated)):
        if not event.contains(Account, name, fn):
            event.listen(Account, name, fn)


def ensure_profiles() -> int:
    """Make the missing profiles with their search keys (after an upgrade, demo data, before
    the pool rule); one bulk insert. Returns how many were made."""
    db.session.flush()
    missing = db.session.execute(
        sa.select(Account.id, Account.name, Account.short_name, Account.phone).where(
            ~sa.exists().where(DevelopmentProfile.account_id == Account.id)
        )
    ).all()
    if missing:
        db.session.execute(
            sa.insert(DevelopmentProfile),
            [
                {
                    "account_id": account_id,
                    "name_key": normalise_name(name),
                    "short_key": normalise_name(short_name),
                    "phone_key": normalise_phone(phone),
                }
                for account_id, name, short_name, phone in missing
            ],
        )
    return len(missing)
