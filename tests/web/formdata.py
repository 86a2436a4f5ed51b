"""Form payloads as a browser would post them, built from a stored record plus overrides.

Values are strings (what a form posts); the service functions accept the same strings.
"""

from __future__ import annotations

import re
from html import unescape

from webapp.accounts.models import Account, Contact


def _value(v) -> str:
    if v is None:
        return ""
    return str(getattr(v, "value", v))


def account_form(account: Account | None = None, **overrides) -> dict[str, str]:
    """Every field of the account form; from `account` when given, else a valid new account."""
    if account is not None:
        data = {
            name: _value(getattr(account, name))
            for name in (
                "name",
                "short_name",
                "tax_number",
                "legal_representative",
                "address",
                "bank_name",
                "bank_account",
                "phone",
                "kind",
                "relation",
                "channel",
                "ownership",
                "loyalty",
                "stage",
                "abandon_reason",
                "value_class",
                "tier",
                "notes",
            )
        }
        for name in ("man_money", "man_authority", "man_need"):
            data[name] = {True: "yes", False: "no"}.get(getattr(account, name), "")
        if account.abandoned:
            data["abandoned"] = "y"
        data["version"] = str(account.version)
    else:
        data = {
            "name": "福建省测试贸易有限公司",
            "short_name": "闽测贸易",
            "tax_number": "91350100M000100Y43",
            "legal_representative": "林某",
            "address": "福州市鼓楼区测试路1号",
            "bank_name": "中国工商银行福州分行",
            "bank_account": "1402 0000 0000 0000",
            "phone": "0591-8888 0000",
            "kind": "economic",
            "relation": "downstream",
            "channel": "terminal",
            "ownership": "private",
            "loyalty": "semi_loyal",
            "stage": "target",
            "abandon_reason": "",
            "man_money": "",
            "man_authority": "",
            "man_need": "",
            "value_class": "insufficient",
            "tier": "",
            "notes": "",
        }
    data.update({k: _value(v) for k, v in overrides.items()})
    return data


def contact_form(contact: Contact | None = None, **overrides) -> dict[str, str]:
    if contact is not None:
        data = {
            name: _value(getattr(contact, name))
            for name in (
                "name",
                "title",
                "phone",
                "email",
                "buying_role",
                "personality",
                "decision_style",
                "stance",
                "ladder",
                "reports_to_id",
                "hometown",
                "interests",
                "tenure",
                "authority",
                "personal_notes",
            )
        }
        data["birthday"] = contact.birthday.isoformat() if contact.birthday else ""
        data["version"] = str(contact.version)
    else:
        data = {
            "name": "李总",
            "title": "采购总监",
            "phone": "13800000000",
            "email": "",
            "buying_role": "decision_maker",
            "personality": "",
            "decision_style": "",
            "stance": "neutral",
            "ladder": "",
            "reports_to_id": "",
        }
    data.update({k: _value(v) for k, v in overrides.items()})
    return data


def visit_form(**overrides) -> dict[str, str]:
    data = {
        "kind": "visit",
        "visited_on": "2026-03-02",
        "contact_id": "",
        "summary": "拜访采购部，介绍新品",
        "next_step": "寄样品",
        "next_date": "2026-03-09",
    }
    data.update({k: _value(v) for k, v in overrides.items()})
    return data


_FIELD = re.compile(r'<div class="field[^"]*\bhas-error\b[^"]*">(.*?)</div>', re.S)
_NAME = re.compile(r'name="([^"]+)"')
_ERROR = re.compile(r'<p class="error">(.*?)</p>', re.S)


def field_errors(html: str) -> dict[str, list[str]]:
    """The inline errors of a rendered form, by field name (see templates/_macros.html)."""
    errors: dict[str, list[str]] = {}
    for block in _FIELD.findall(html):
        name = _NAME.search(block)
        if name:
            errors[name.group(1)] = [m.strip() for m in _ERROR.findall(block)]
    return errors


def input_value(html: str, name: str) -> str | None:
    """The value attribute of the text input called `name`, HTML-unescaped."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag:
            value = re.search(r'value="([^"]*)"', tag)
            return unescape(value.group(1)) if value else ""
    return None
