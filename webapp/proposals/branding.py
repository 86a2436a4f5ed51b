"""The company's branding on client-facing documents: name, logo and colour, kept by the
administrator on the company profile row that contracts already use (one company, one place).
"""

from __future__ import annotations

import base64
import io
import re
import warnings

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import undefer
from sqlalchemy.orm.exc import StaleDataError

from webapp.auth.models import Role, User
from webapp.common.errors import Conflict, Forbidden, ValidationFailed
from webapp.contracts.models import CompanyProfile
from webapp.extensions import db

DEFAULT_COLOR = "#1F4E79"
COLOR_PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 4000  # per side
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": ("image/png", "PNG"), b"\xff\xd8\xff": ("image/jpeg", "JPEG")}


def profile(with_logo: bool = False) -> CompanyProfile | None:
    stmt = sa.select(CompanyProfile).order_by(CompanyProfile.id).limit(1)
    if with_logo:
        stmt = stmt.options(undefer(CompanyProfile.logo))
    return db.session.scalar(stmt)


def company_branding() -> dict:
    """name, color (#RRGGBB) and logo_uri (a data: URI or "") for templates and documents;
    data URIs work the same in the browser, in WeasyPrint and on the public link page."""
    row = profile(with_logo=True)
    if row is None:
        return {"name": "", "color": DEFAULT_COLOR, "logo_uri": ""}
    logo_uri = ""
    if row.logo and row.logo_mime:
        logo_uri = f"data:{row.logo_mime};base64," + base64.b64encode(row.logo).decode("ascii")
    return {"name": row.name, "color": row.brand_color or DEFAULT_COLOR, "logo_uri": logo_uri}


def check_logo(data: bytes) -> str:
    """The MIME type of an acceptable logo: PNG or JPEG by content (not by name), at most
    512 KB and 4000 px a side, and an image that actually decodes."""
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationFailed({"logo": _("The logo may be at most 512 KB.")})
    kind = next((v for magic, v in LOGO_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        raise ValidationFailed({"logo": _("The logo must be a PNG or JPEG image.")})
    mime, pil_format = kind
    from PIL import Image  # WeasyPrint's own dependency

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != pil_format:
                    raise ValueError(image.format)
                width, height = image.size
                if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
                    raise ValidationFailed(
                        {"logo": _("The logo may be at most 4000 pixels wide and high.")}
                    )
                image.load()
    except ValidationFailed:
        raise
    except Exception:
        raise ValidationFailed({"logo": _("The logo file is damaged or not an image.")}) from None
    return mime


def save_branding(
    actor: User,
    *,
    name: str,
    color: str,
    logo: bytes | None,
    remove_logo: bool,
    expected_version,
) -> CompanyProfile:
    """The administrator sets the company name, colour (#RRGGBB) and logo used on proposals."""
    if actor.role is not Role.ADMIN:
        raise Forbidden(_("Only the administrator edits the company branding."))
    errors = {}
    name = (name or "").strip()
    color = (color or "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > 120:
        errors["name"] = _("At most %(n)d characters.", n=120)
    if not COLOR_PATTERN.match(color):
        errors["color"] = _("Give the colour as #RRGGBB, e.g. #1F4E79.")
    mime = None
    if logo:
        try:
            mime = check_logo(logo)
        except ValidationFailed as error:
            errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors)
    row = profile()
    if row is None:
        row = CompanyProfile(name=name)
        db.session.add(row)
    elif str(row.version) != str(expected_version):
        raise Conflict(
            _("Someone else saved the company profile meanwhile; the form shows theirs."),
            current_version=row.version,
            changes=[],
        )
    row.name = name
    row.brand_color = color.upper()
    if mime is not None:
        row.logo, row.logo_mime = logo, mime
    elif remove_logo:
        row.logo, row.logo_mime = None, None
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            _("Someone else saved the company profile meanwhile; the form shows theirs."),
            current_version=profile().version,
            changes=[],
        ) from None
    return row
