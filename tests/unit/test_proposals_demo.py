"""The demo data set includes proposals: branding set, one proposal sent and opened."""

from __future__ import annotations

import sqlalchemy as sa

from webapp.auth.models import User
from webapp.contracts.models import CompanyProfile
from webapp.extensions import db
from webapp.proposals import service
from webapp.proposals.models import Proposal, ProposalLink, ProposalLinkOpen


def test_demo_has_branded_proposals_with_an_opened_link(runner):
    result = runner.invoke(args=["demo-data", "--accounts", "30"])
    assert result.exit_code == 0, result.output
    assert "proposals" in result.output
    profile = db.session.scalars(sa.select(CompanyProfile)).one()
    assert profile.brand_color == "#1F4E79" and profile.logo_mime == "image/png"
    proposals = db.session.scalars(sa.select(Proposal)).all()
    assert len(proposals) == 2 and all(p.total > 0 and p.lines for p in proposals)
    link = db.session.scalars(sa.select(ProposalLink)).one()
    assert service.link_state(link) == "active"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProposalLinkOpen)) == 2
    owner = db.session.get(User, proposals[0].owner_id)
    assert len(service.list_for_account(owner, proposals[0].account_id)) == 1
