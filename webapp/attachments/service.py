"""Adding, listing and reading attachments. A file is accepted only when its content is a PDF,
an image or an Office document, its name says the same thing, and it is within the size limit
(ATTACHMENT_MAX_BYTES); it is stored once by SHA-256 and never changed. Every read goes through
the owning area's visibility getter, so a file is seen exactly by those who see its record."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from webapp.accounts.models import Account, Visit
from webapp.accounts.service import can_edit, get_account
from webapp.attachments.models import Attachment
from webapp.attachments.registry import AttachmentTarget, get_target
from webapp.auth.models import User
from webapp.common.errors import NotFound, ValidationFailed
from webapp.documents import storage
from webapp.extensions import db

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_PER_RECORD = 50
VISIT_PANEL_LABEL = _l("Attachments")

# detected extension -> (MIME type, the name extensions that may carry it)
ALLOWED = {
    "pdf": ("application/pdf", {"pdf"}),
    "png": ("image/png", {"png"}),
    "jpg": ("image/jpeg", {"jpg", "jpeg"}),
    "gif": ("image/gif", {"gif"}),
    "webp": ("image/webp", {"webp"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {"docx"},
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"}),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        {"pptx"},
    ),
    "doc": ("application/msword", {"doc"}),
    "xls": ("application/vnd.ms-excel", {"xls"}),
    "ppt": ("application/vnd.ms-powerpoint", {"ppt"}),
}
# filetype names the old Office formats by their container; the name tells which one
_OLE_NAMES = {"doc", "xls", "ppt"}


@dataclass(frozen=True)
class Checked:
    extension: str
    mime: str


def _name_extension(filename: str) -> str:
    return PurePosixPath(filename.replace("\\", "/")).suffix.lower().lstrip(".")


def check_file(filename: str, data: bytes, max_bytes: int) -> Checked:
    """The file's type from its content (magic bytes), which must be an allowed one and agree
    with its name; refused with a message otherwise."""
    if not data:
        raise ValidationFailed({"file": _("The file is empty.")})
    if len(data) > max_bytes:
        raise ValidationFailed(
            {"file": _("The file is larger than %(n)s MB.", n=f"{max_bytes / 1024 / 1024:g}")}
        )
    named = _name_extension(filename)
    guess = filetype.guess(data)
    detected = guess.extension if guess else None
    if detected in {"doc", "xls", "ppt"} or (guess and guess.mime == "application/x-ole-storage"):
        detected = named if named in _OLE_NAMES else None
    if detected == "jpeg":
        detected = "jpg"
    if detected not in ALLOWED:
        raise ValidationFailed(
            {
                "file": _(
                    "Only PDF, images (PNG, JPEG, GIF, WebP) and Office documents are "
                    "accepted; this file's content is none of them."
                )
            }
        )
    mime, names = ALLOWED[detected]
    if named not in names:
        raise ValidationFailed(
            {
                "file": _(
                    "The file's content is %(kind)s, which its name (.%(ext)s) does not say.",
                    kind=detected.upper(),
                    ext=named or "—",
                )
            }
        )
    return Checked(detected, mime)


def _clean_name(filename: str) -> str:
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[-200:] or "file"


def add(user: User, target_key: str, record_id: int, filename: str, data: bytes, max_bytes: int):
    """Attach a file to a record the user can see and may add to now. Nothing is stored when
    the record is out of reach or the file is refused."""
    target = get_target(target_key)
    record = target.get_for_user(user, record_id)
    if not target.can_add(user, record):
        raise ValidationFailed({"file": _("You cannot add files to this record now.")})
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Attachment)
        .where(Attachment.target == target.key, Attachment.record_id == record_id)
    )
    if count >= MAX_PER_RECORD:
        raise ValidationFailed({"file": _("At most %(n)d files per record.", n=MAX_PER_RECORD)})
    checked = check_file(filename or "", data, max_bytes)
    key, digest = storage.put(data, checked.extension)
    attachment = Attachment(
        target=target.key,
        record_id=record_id,
        round=target.round_of(record),
        filename=_clean_name(filename),
        extension=checked.extension,
        mime=checked.mime,
        size=len(data),
        sha256=digest,
        storage_key=key,
        uploaded_by_id=user.id,
    )
    db.session.add(attachment)
    db.session.flush()
    if target.on_added is not None:
        target.on_added(record, user, attachment)
    db.session.commit()
    return attachment


def attachments_of(target_key: str, record_id: int) -> list[Attachment]:
    """The files of a record, by round and upload order. The caller has checked visibility."""
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.target == target_key, Attachment.record_id == record_id)
            .options(joinedload(Attachment.uploaded_by))
            .order_by(Attachment.round.nulls_first(), Attachment.id)
        )
    )


def panel(user: User, target_key: str, record_id: int) -> dict:
    """What an attachments panel shows: the record's files and whether the user may add."""
    target = get_target(target_key)
    record = target.get_for_user(user, record_id)
    files = attachments_of(target.key, record_id)
    return {
        "target": target.key,
        "record_id": record_id,
        "attachments": files,
        "show_rounds": any(a.round is not None for a in files),
        "can_add": target.can_add(user, record),
        "page_url": target.page_url(record),
        "max_mb": f"{current_app.config['ATTACHMENT_MAX_BYTES'] / 1024 / 1024:g}",
    }


def get_attachment(user: User, attachment_id: int) -> Attachment:
    """An attachment of a record the user can see (the owning area's rule), else NotFound or
    Forbidden as for the record itself."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(_("No such file."))
    get_target(attachment.target).get_for_user(user, attachment.record_id)
    return attachment


def read(attachment: Attachment) -> bytes:
    return storage.get(attachment.storage_key, attachment.sha256)


# --- visits (accounts sits below this area, so the target is registered here) ----------------


def _visit_for_user(user: User, visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(_("No such visit."))
    get_account(user, visit.account_id)
    return visit


VISIT_TARGET = AttachmentTarget(
    key="visit",
    get_for_user=_visit_for_user,
    can_add=lambda user, visit: can_edit(user, db.session.get(Account, visit.account_id)),
    page_url=lambda visit: url_for(
        "accounts.detail", account_id=visit.account_id, tab="activities"
    ),
)
