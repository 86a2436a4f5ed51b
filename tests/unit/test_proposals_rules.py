"""Rules of proposals (合作方案书) on their own: quotation amounts, what a proposal must contain,
the client link's token and state, and the branding checks."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from PIL import Image

from webapp.common.errors import ValidationFailed
from webapp.common.timeutil import utcnow
from webapp.contracts.lines import LineInput
from webapp.proposals import branding, service
from webapp.proposals import links as tokens
from webapp.proposals.documents import banner_png

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "allow_zero", "value", "error"),
    [
        ("12", False, Decimal("12.00"), None),
        ("1,234.5", False, Decimal("1234.50"), None),
        ("¥ 99.90", True, Decimal("99.90"), None),
        ("12.340", False, Decimal("12.34"), None),  # pasted from Excel
        ("0", True, Decimal("0.00"), None),  # a free item
        ("0.00", True, Decimal("0.00"), None),
        ("0", False, None, "greater than zero"),  # never a quantity of nothing
        ("-1", True, None, "cannot be negative"),
        ("12.345", True, None, "at most two decimals"),
        ("abc", True, None, "must be a number"),
        ("NaN", True, None, "must be a number"),
        ("Infinity", True, None, "must be a number"),
        ("", True, None, "is required"),
        ("1e12", True, None, "unrealistically large"),
    ],
)
def test_amounts_are_exact_non_negative_with_two_decimals(ctx, text, allow_zero, value, error):
    with force_locale("en"):
        parsed, message = service.parse_amount(
            text, maximum=Decimal("1000000000"), label="Price", allow_zero=allow_zero
        )
    assert parsed == value
    assert (message is None) if error is None else (error in message)


def test_line_amount_is_quantity_times_price_rounded_half_up(ctx):
    row = LineInput(product="钢板", unit="吨", quantity_text="3.33", unit_price_text="0.15")
    rows, total = service.quote_rows([row, LineInput()])
    assert len(rows) == 1  # the blank row is dropped
    assert row.amount == Decimal("0.50")  # 0.4995 → 0.50
    assert total == Decimal("0.50")


def _input(**values) -> service.ProposalInput:
    base = {"title": "方案", "client_needs": "需求", "solution": "方案"}
    base.update(values)
    valid_until = base.pop("valid_until", TODAY + timedelta(days=30))
    rows = base.pop("rows", [])
    return service.ProposalInput(values=base, valid_until=valid_until, rows=rows)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": None}, "title"),
        ({"client_needs": None}, "client_needs"),
        ({"solution": None}, "solution"),
        ({"title": "x" * 121}, "title"),
        ({"team_sales": "x" * 101}, "team_sales"),
        ({"valid_until": None}, "valid_until"),
        ({"valid_until": TODAY - timedelta(days=1)}, "valid_until"),
        ({"valid_until": TODAY + timedelta(days=4 * 365)}, "valid_until"),
        ({"rows": [LineInput(product="钢板", unit="吨", quantity_text="1")]}, "lines"),
    ],
)
def test_proposal_needs_its_parts_and_a_validity_from_today(ctx, changes, field):
    errors = service.validate(_input(**changes), today=TODAY)
    assert field in errors


def test_a_complete_proposal_validates(ctx):
    assert service.validate(_input(valid_until=TODAY), today=TODAY) == {}


def test_link_token_is_the_key_signed_and_a_changed_token_is_refused(app):
    key = tokens.new_key()
    assert len(key) == 43
    token = tokens.token_for(key)
    assert token.startswith(key + ".")
    assert tokens.key_from(token) == key
    assert tokens.key_from(key) is None  # the key alone is not a link
    assert tokens.key_from(token[:-2] + ("xx" if token[-2:] != "xx" else "yy")) is None
    # every other spelling of the last character (whose low bits base64 ignores) is refused
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    altered = [token[:-1] + c for c in alphabet if c != token[-1]]
    assert all(tokens.key_from(t) is None for t in altered)
    assert tokens.key_from(tokens.new_key() + token[len(key) :]) is None
    assert tokens.key_from("é" * 10) is None
    assert tokens.key_from("a" * 500) is None
    app.config["SECRET_KEY"] = "another-secret"  # a database copy without our secret
    assert tokens.key_from(token) is None


def test_link_state_follows_expiry_and_revocation():
    now = utcnow()
    link = SimpleNamespace(revoked_at=None, expires_at=now + timedelta(minutes=1))
    assert service.link_state(link, now) == "active"
    link.expires_at = now
    assert service.link_state(link, now) == "expired"
    link.revoked_at = now - timedelta(days=1)
    assert service.link_state(link, now) == "revoked"


def _image(fmt: str, size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format=fmt)
    return out.getvalue()


def test_logo_is_checked_by_content(ctx):
    assert branding.check_logo(_image("PNG")) == "image/png"
    assert branding.check_logo(_image("JPEG")) == "image/jpeg"
    refused = [
        b"GIF89a" + b"0" * 20,
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"\x89PNG\r\n\x1a\n" + b"garbage",
        _image("PNG", size=(4001, 10)),
        b"\x89PNG\r\n\x1a\n" + b"0" * (branding.LOGO_MAX_BYTES + 1),
    ]
    for data in refused:
        with pytest.raises(ValidationFailed) as error:
            branding.check_logo(data)
        assert "logo" in error.value.errors


def test_cover_banner_carries_the_brand_colour_and_the_logo():
    png = banner_png("#AA3300", _image("PNG", size=(300, 100)))
    with Image.open(io.BytesIO(png)) as banner:
        banner = banner.convert("RGB")
        assert banner.getpixel((5, 5)) == (0xAA, 0x33, 0x00)  # the band
        assert banner.getpixel((50, 130)) == (10, 120, 200)  # the logo, left
        assert banner.getpixel((1600, 130)) == (255, 255, 255)
    plain = banner_png("#000000", None)
    with Image.open(io.BytesIO(plain)) as banner:
        assert banner.convert("RGB").getpixel((5, 5)) == (0, 0, 0)
