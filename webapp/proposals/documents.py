"""The proposal (合作方案书) as a document type of the generator: template docs_templates/proposal/.

The context is the same content dict the proposal page and the client link show
(service.proposal_content), plus a cover banner: the document model has no notion of colour,
so the brand colour and the logo reach the PDF and the DOCX as one image drawn here.
"""

from __future__ import annotations

import io
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from webapp.documents.registry import DocumentType
from webapp.extensions import db
from webapp.proposals import branding, service
from webapp.proposals.models import Proposal

TEMPLATE_VERSION = "2026.12-1"  # bump when proposal.xml changes what a proposal says
BANNER_SIZE = (1700, 260)  # pixels; printed 170 mm wide


@lru_cache(maxsize=16)
def banner_png(color: str, logo: bytes | None) -> bytes:
    """A band in the brand colour over a white strip carrying the logo (left-aligned)."""
    from PIL import Image, ImageDraw  # imported when a banner is drawn: slow to import

    width, height = BANNER_SIZE
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 28), fill=color)
    draw.rectangle((0, height - 6, width, height), fill=color)
    if logo:
        with Image.open(io.BytesIO(logo)) as source:
            mark = source.convert("RGBA")
        mark.thumbnail((width // 2, height - 28 - 6 - 50))
        top = 28 + (height - 28 - 6 - mark.height) // 2
        image.paste(mark, (0, top), mark)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def document_context(proposal: Proposal) -> dict:
    row = branding.profile(with_logo=True)
    brand = branding.company_branding()
    return {
        "doc": service.proposal_content(proposal, brand),
        "banner": banner_png(brand["color"], row.logo if row is not None else None),
    }


def source_version(proposal: Proposal) -> str:
    """The proposal's version and the branding's: a new logo or colour is a new document."""
    row = branding.profile()
    return f"{proposal.version}.{row.version if row is not None else 0}"


def branding_inputs(proposal: Proposal) -> str:
    """The branding the cover shows (logo, colour, company name): part of the render key."""
    row = branding.profile()
    return f"branding {row.version if row is not None else 0}"


def all_proposal_ids() -> list[int]:
    return list(db.session.scalars(sa.select(Proposal.id).order_by(Proposal.id)))


PROPOSAL = DocumentType(
    kind="proposal",
    label=_l("Proposal"),
    template="proposal/proposal.xml",
    template_version=TEMPLATE_VERSION,
    get_for_user=service.get_proposal,
    get_any=lambda proposal_id: db.session.get(Proposal, proposal_id),
    source_version=source_version,
    context=document_context,
    filename=lambda proposal: f"合作方案书-{proposal.id}",
    all_ids=all_proposal_ids,
    render_inputs=branding_inputs,
)
