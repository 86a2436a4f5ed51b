"""Request tests for proposals (合作方案书): writing one with a quotation (amounts computed on the
server, htmx row editing), bad input kept with inline errors, conflicts, visibility, client links
(open recorded; expired, revoked and tampered links reveal nothing), PDF/DOCX downloads and the
administrator's branding.

Each test checks what the user sees and what the database holds afterwards.
"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.web.formdata import field_errors, input_value
from webapp.common.timeutil import local_today, utcnow
from webapp.contracts.models import CompanyProfile
from webapp.documents.models import GeneratedDocument
from webapp.extensions import db
from webapp.proposals import links as tokens
from webapp.proposals.models import (
    Proposal,
    ProposalLine,
    ProposalLink,
    ProposalLinkOpen,
    ProposalVersion,
)

HX = {"HX-Request": "true"}
LINE_FIELDS = ("product", "brand", "spec", "unit", "quantity", "unit_price")
# product, brand, spec, unit, quantity, unit price → 45,005.00 + 1,250.00 + 0.00 (free training)
LINES = (
    ("冷轧钢板", "宝钢", "1.0mm×1250", "吨", "10", "4500.50"),
    ("镀锌螺栓", "晋亿", "M12×80", "件", "1000", "1.25"),
    ("操作培训", "", "", "次", "1", "0"),
)
TOTAL = Decimal("46255.00")
TOTAL_WORDS = "肆万陆仟贰佰伍拾伍元整"


@pytest.fixture
def app_config(app_config, tmp_path):
    # Generated files go to this test's own folder.
    return {**app_config, "DOCUMENT_DIR": str(tmp_path / "documents")}


def proposal_form(version: int | None = None, lines=LINES, **overrides) -> dict[str, str]:
    data = {
        "title": "浦江精密 2027 年度供货合作方案",
        "valid_until": (local_today() + timedelta(days=30)).isoformat(),
        "client_needs": "年用冷轧板约 1200 吨，要求准时交付、质量稳定。",
        "solution": "宝钢冷轧板直供，驻厂技术员一名。",
        "implementation_plan": "签约后两周内完成首批交付。",
        "timeline": "2026-12-01 现场调研\n2026-12-15 首批交付",
        "reference_clients": "上海汽车零部件有限公司\n苏州精工机械股份有限公司",
        "team_manager": "张经理 13800000000",
        "team_sales": "李销售",
        "team_market": "",
        "team_after_sales": "王售后",
        "team_finance": "陈财务",
        "team_training": "赵培训",
        "action": "save",
    }
    for i, row in enumerate(lines):
        for name, value in zip(LINE_FIELDS, row, strict=True):
            data[f"lines-{i}-{name}"] = value
    if version is not None:
        data["version"] = str(version)
    data.update(overrides)
    return data


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def stored(proposal_id: int) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id)


def create(session, world, **overrides) -> Proposal:
    response = session.post(
        f"/accounts/{world.account.id}/proposals/new", data=proposal_form(**overrides)
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    return db.session.scalars(sa.select(Proposal).order_by(Proposal.id.desc())).first()


def send_link(session, proposal: Proposal, **data) -> ProposalLink:
    response = session.post(f"/proposals/{proposal.id}/links", data={"days": "14", **data})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    return db.session.scalars(
        sa.select(ProposalLink)
        .where(ProposalLink.proposal_id == proposal.id)
        .order_by(ProposalLink.id.desc())
    ).first()


def public_path(link: ProposalLink) -> str:
    return f"/p/{tokens.token_for(link.key)}"


# --- writing a proposal -----------------------------------------------------------------------


def test_manager_writes_proposal_and_server_computes_amounts(world, login):
    session = login(world.owner)
    page = session.get(f"/accounts/{world.account.id}/proposals/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert input_value(html, "team_manager") == "张经理"  # the author leads the service team

    # the browser's own "amount" fields, if any, are ignored
    proposal = create(session, world, **{"lines-0-amount": "1"})
    assert proposal.total == TOTAL
    assert [(line.product, line.amount) for line in proposal.lines] == [
        ("冷轧钢板", Decimal("45005.00")),
        ("镀锌螺栓", Decimal("1250.00")),
        ("操作培训", Decimal("0.00")),
    ]
    assert proposal.owner_id == world.owner.id

    detail = session.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "¥46,255.00" in detail
    assert TOTAL_WORDS in detail
    assert "苏州精工机械股份有限公司" in detail and "赵培训" in detail


def test_bad_input_is_refused_inline_and_what_was_typed_stays(world, login):
    session = login(world.owner)
    bad_lines = (("冷轧钢板", "宝钢", "", "吨", "10.555", "-3"), ("", "", "", "", "1", "2"))
    response = session.post(
        f"/accounts/{world.account.id}/proposals/new",
        data=proposal_form(
            lines=bad_lines,
            client_needs="",
            valid_until=(local_today() - timedelta(days=1)).isoformat(),
            title="x" * 121,
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    errors = field_errors(html)
    assert "client_needs" in errors
    assert "title" in errors
    assert any("past" in e for e in errors["valid_until"])
    assert "at most two decimals" in html
    assert "cannot be negative" in html
    assert "Name the product." in html
    # what was typed is still in the form
    assert input_value(html, "lines-0-quantity") == "10.555"
    assert input_value(html, "lines-0-unit_price") == "-3"
    assert input_value(html, "team_training") == "赵培训"
    assert count(Proposal) == 0 and count(ProposalLine) == 0


def test_quantity_of_zero_is_refused_but_a_free_item_is_not(world, login):
    session = login(world.owner)
    response = session.post(
        f"/accounts/{world.account.id}/proposals/new",
        data=proposal_form(lines=(("赠品", "", "", "件", "0", "0"),)),
    )
    assert response.status_code == 422
    assert "Quantity must be greater than zero." in response.get_data(as_text=True)
    assert count(Proposal) == 0


def test_html_in_any_text_shows_literally(world, login, client):
    session = login(world.owner)
    script = "<script>alert('x')</script>"
    proposal = create(
        session,
        world,
        title=f"方案{script}",
        solution=f"方案 {script} & 更多",
        **{"lines-0-product": f"<b>{script}</b>"[:100]},
    )
    link = send_link(session, proposal)
    for html in (
        session.get(f"/proposals/{proposal.id}").get_data(as_text=True),
        session.get(f"/accounts/{world.account.id}/proposals").get_data(as_text=True),
        client.get(public_path(link)).get_data(as_text=True),
    ):
        assert script not in html
        assert "&lt;script&gt;alert(" in html


def test_editing_saves_and_a_stale_save_reports_a_conflict(world, login, app):
    session = login(world.owner)
    proposal = create(session, world)
    version = proposal.version
    page = session.get(f"/proposals/{proposal.id}/edit").get_data(as_text=True)
    assert input_value(page, "lines-1-quantity") == "1000"
    assert input_value(page, "version") == str(version)

    first = session.post(
        f"/proposals/{proposal.id}/edit",
        data=proposal_form(version=version, **{"lines-0-quantity": "20"}),
    )
    assert first.status_code == 303
    assert stored(proposal.id).total == Decimal("91260.00")

    # a second tab still holds the old version
    stale = session.post(
        f"/proposals/{proposal.id}/edit",
        data=proposal_form(version=version, title="旧页面的标题"),
    )
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Someone else saved this proposal" in html
    assert input_value(html, "title") == "旧页面的标题"  # kept to be saved again
    assert stored(proposal.id).title != "旧页面的标题"
    assert stored(proposal.id).total == Decimal("91260.00")


def test_quotation_rows_are_edited_with_htmx(world, login):
    session = login(world.owner)
    data = proposal_form(action="recompute")
    response = session.post("/proposals/lines", data=data, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "HX-Request" in response.headers.get("Vary", "")
    assert 'id="quote-amount-0" hx-swap-oob="true">¥45,005.00' in html
    assert TOTAL_WORDS in html

    added = session.post("/proposals/lines", data=proposal_form(action="add"), headers=HX)
    html = added.get_data(as_text=True)
    assert 'id="proposal-lines"' in html
    assert html.count('<tr class="line') == 4
    assert input_value(html, "lines-1-product") == "镀锌螺栓"

    removed = session.post("/proposals/lines", data=proposal_form(action="remove:0"), headers=HX)
    assert input_value(removed.get_data(as_text=True), "lines-0-product") == "镀锌螺栓"


def test_account_tab_lists_the_accounts_proposals(world, login):
    session = login(world.owner)
    proposal = create(session, world)
    fragment = session.get(f"/accounts/{world.account.id}/proposals", headers=HX)
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="account-proposals"' in html
    assert proposal.title in html
    page = session.get(f"/accounts/{world.account.id}/proposals").get_data(as_text=True)
    assert 'data-tab="proposals"' in page


# --- who sees what ----------------------------------------------------------------------------


def test_proposals_are_visible_only_with_their_account(world, login):
    proposal = create(login(world.owner), world)
    assert login(world.other_manager).get(f"/proposals/{proposal.id}").status_code == 404
    assert login(world.colleague).get(f"/proposals/{proposal.id}").status_code == 404
    assert login(world.supervisor).get(f"/proposals/{proposal.id}").status_code == 200
    assert login(world.admin).get(f"/proposals/{proposal.id}").status_code == 403
    assert login(world.owner).get("/proposals/999999").status_code == 404
    # seeing is not editing: the executive reads, may not edit or send
    executive = login(world.executive)
    assert executive.get(f"/proposals/{proposal.id}").status_code == 200
    assert executive.get(f"/proposals/{proposal.id}/edit").status_code == 403
    assert executive.post(f"/proposals/{proposal.id}/links", data={"days": "3"}).status_code == 403
    other = login(world.other_manager)
    assert other.post(f"/proposals/{proposal.id}/links", data={"days": "3"}).status_code == 404
    assert other.get(f"/documents/proposal/{proposal.id}.pdf").status_code == 404
    assert count(ProposalLink) == 0


# --- client links -----------------------------------------------------------------------------


def test_client_opens_link_without_account_and_the_open_is_recorded(world, login, client):
    session = login(world.owner)
    proposal = create(session, world)
    link = send_link(session, proposal)
    assert link.expires_at - utcnow() > timedelta(days=13, hours=23)  # 14 days by default
    page = session.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert public_path(link) in page  # the manager can copy it

    response = client.get(
        public_path(link),
        headers={"User-Agent": "WeChat/8.0 TestBrowser"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert proposal.title in html and TOTAL_WORDS in html
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    opened = db.session.scalars(sa.select(ProposalLinkOpen)).all()
    assert [(o.kind, o.ip, o.user_agent) for o in opened] == [
        ("view", "203.0.113.7", "WeChat/8.0 TestBrowser")
    ]

    page = session.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "203.0.113.7" in page and "WeChat/8.0 TestBrowser" in page
    tab = session.get(f"/accounts/{world.account.id}/proposals", headers=HX)
    assert "1 times" in tab.get_data(as_text=True)


def test_link_shows_the_version_it_was_made_for(world, login, client):
    session = login(world.owner)
    proposal = create(session, world)
    link = send_link(session, proposal)
    session.post(
        f"/proposals/{proposal.id}/edit",
        data=proposal_form(version=stored(proposal.id).version, title="改过的新标题"),
    )
    html = client.get(public_path(link)).get_data(as_text=True)
    assert "浦江精密 2027 年度供货合作方案" in html and "改过的新标题" not in html
    second = send_link(session, stored(proposal.id))
    assert "改过的新标题" in client.get(public_path(second)).get_data(as_text=True)
    assert count(ProposalVersion) == 2
    # sending again without changes reuses the frozen version
    third = send_link(session, stored(proposal.id))
    assert third.version_id == second.version_id


def _assert_reveals_nothing(response, proposal):
    html = response.get_data(as_text=True)
    assert 'id="link-invalid"' in html  # "this link is no longer valid", nothing else
    assert proposal.title not in html and proposal.account.name not in html
    assert "¥" not in html


def test_expired_revoked_and_tampered_links_answer_no_longer_valid(world, login, client):
    session = login(world.owner)
    proposal = create(session, world)
    link = send_link(session, proposal)
    token = tokens.token_for(link.key)

    middle = len(token) - 10  # a character of the signature
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    for path in (f"/p/{tampered}", f"/p/{link.key}", "/p/nonsense", f"/p/{tampered}/download"):
        response = client.get(path)
        assert response.status_code == 404, path
        _assert_reveals_nothing(response, proposal)
    # a well-signed key that is not in the database (e.g. a deleted link)
    assert client.get(f"/p/{tokens.token_for(tokens.new_key())}").status_code == 404

    db.session.get(ProposalLink, link.id).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = client.get(f"/p/{token}")
    assert expired.status_code == 410
    _assert_reveals_nothing(expired, proposal)
    assert client.get(f"/p/{token}/download").status_code == 410

    other = send_link(session, proposal)
    revoke = session.post(f"/proposals/links/{other.id}/revoke", headers=HX)
    assert revoke.status_code == 200 and 'id="proposal-links"' in revoke.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ProposalLink, other.id).revoked_by_id == world.owner.id
    revoked = client.get(public_path(other))
    assert revoked.status_code == 410
    _assert_reveals_nothing(revoked, proposal)
    assert count(ProposalLinkOpen) == 0  # refused opens are not "opens"


def test_only_the_team_revokes_a_link(world, login):
    session = login(world.owner)
    link = send_link(session, create(session, world))
    response = login(world.other_manager).post(f"/proposals/links/{link.id}/revoke")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(ProposalLink, link.id).revoked_at is None


def test_link_lifetime_is_checked(world, login):
    session = login(world.owner)
    proposal = create(session, world)
    response = session.post(f"/proposals/{proposal.id}/links", data={"days": "365"}, headers=HX)
    assert response.status_code == 422
    assert count(ProposalLink) == 0
    response = session.post(f"/proposals/{proposal.id}/links", data={"days": "2"})
    assert response.status_code == 303
    link = db.session.scalars(sa.select(ProposalLink)).one()
    assert timedelta(days=1, hours=23) < link.expires_at - utcnow() <= timedelta(days=2)


def test_proposal_without_quotation_is_not_sent(world, login):
    session = login(world.owner)
    proposal = create(session, world, lines=())
    response = session.post(f"/proposals/{proposal.id}/links", data={"days": "14"})
    assert response.status_code == 303
    assert count(ProposalLink) == 0
    page = session.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Add at least one quoted product before sending." in page


# --- documents --------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def test_pdf_and_docx_downloads_carry_the_proposal(world, login):
    session = login(world.owner)
    proposal = create(session, world)
    page = session.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'href="/documents/proposal/{proposal.id}.pdf"' in page
    pdf = session.get(f"/documents/proposal/{proposal.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    for expected in ("浦江精密 2027 年度供货合作方案", TOTAL_WORDS, "标杆客户", "赵培训", "有效期"):
        assert expected in text.replace(" ", "") or expected in text, expected
    docx = session.get(f"/documents/proposal/{proposal.id}.docx")
    assert docx.status_code == 200
    assert docx.data.startswith(b"PK")


def test_client_downloads_the_stored_pdf_of_the_linked_version(world, login, client):
    session = login(world.owner)
    proposal = create(session, world)
    link = send_link(session, proposal)
    version = db.session.get(ProposalVersion, link.version_id)
    assert version.document_id is not None
    stored_doc = db.session.get(GeneratedDocument, version.document_id)
    page = client.get(public_path(link)).get_data(as_text=True)
    assert 'id="download-pdf"' in page
    response = client.get(public_path(link) + "/download")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    import hashlib

    assert hashlib.sha256(response.data).hexdigest() == stored_doc.sha256
    kinds = [o.kind for o in db.session.scalars(sa.select(ProposalLinkOpen))]
    assert sorted(kinds) == ["download", "view"]


# --- branding ---------------------------------------------------------------------------------


def multipart(fields: dict[str, str], logo: bytes | None) -> dict:
    """A form with an upload as a ready-made body: the test client would spool a large upload
    to a temporary file it never closes (a ResourceWarning, an error under filterwarnings)."""
    boundary = "----keydesk-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    if logo is not None:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="logo"; '
                'filename="logo.png"\r\nContent-Type: image/png\r\n\r\n'
            ).encode()
            + logo
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def png_bytes(size=(120, 40), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def test_admin_sets_name_colour_and_logo(world, login):
    admin = login(world.admin)
    assert admin.get("/admin/branding").status_code == 200
    fields = {"name": "华东精工销售有限公司", "color": "#aa3300", "version": ""}
    response = admin.post("/admin/branding", **multipart(fields, png_bytes()))
    assert response.status_code == 303
    row = db.session.scalars(sa.select(CompanyProfile)).one()
    assert (row.name, row.brand_color, row.logo_mime) == (
        "华东精工销售有限公司",
        "#AA3300",
        "image/png",
    )

    session = login(world.owner)
    proposal = create(session, world)
    html = session.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "--brand: #AA3300" in html and "data:image/png;base64," in html
    assert "华东精工销售有限公司" in html


@pytest.mark.parametrize(
    ("color", "logo", "message"),
    [
        ("red", None, "#RRGGBB"),
        ("#12345G", None, "#RRGGBB"),
        ("#123456;}", None, "#RRGGBB"),
        ("#123456", b"<svg onload=alert(1)>", "must be a PNG or JPEG"),
        ("#123456", b"\x89PNG\r\n\x1a\nnot really", "damaged or not an image"),
        ("#123456", b"\xff\xd8\xff" + b"0" * (600 * 1024), "at most 512 KB"),
    ],
)
def test_branding_refuses_bad_colour_and_logo(world, login, color, logo, message):
    admin = login(world.admin)
    fields = {"name": "华东精工", "color": color, "version": ""}
    response = admin.post("/admin/branding", **multipart(fields, logo))
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert message in html
    assert input_value(response.get_data(as_text=True), "name") == "华东精工"
    assert count(CompanyProfile) == 0


def test_only_the_admin_sets_branding(world, login):
    for user in (world.owner, world.head, world.executive):
        response = login(user).post("/admin/branding", data={"name": "x", "color": "#000000"})
        assert response.status_code == 403
    assert count(CompanyProfile) == 0


def test_stale_branding_save_reports_a_conflict(world, login):
    admin = login(world.admin)
    data = {"name": "甲公司", "color": "#112233", "version": ""}
    assert admin.post("/admin/branding", data=data).status_code == 303
    loaded = str(db.session.scalars(sa.select(CompanyProfile)).one().version)
    fresh = {"name": "乙公司", "color": "#112233", "version": loaded}
    assert admin.post("/admin/branding", data=fresh).status_code == 303
    stale = {"name": "丙公司", "color": "#112233", "version": loaded}
    response = admin.post("/admin/branding", data=stale)
    assert response.status_code == 409
    assert re.search("Someone else saved", response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.scalars(sa.select(CompanyProfile)).one().name == "乙公司"


# --- e-mail to the client ---------------------------------------------------------------------


def test_link_is_emailed_with_the_public_address_when_mail_is_configured(
    world, login, app, monkeypatch
):
    from webapp.notifications import mail

    sent = []
    monkeypatch.setattr(mail, "send", lambda messages: sent.extend(messages))
    app.config.update(MAIL_SERVER="smtp.example.com", BASE_URL="https://keydesk.example.com/")
    session = login(world.owner)
    proposal = create(session, world)
    page = session.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert 'name="email"' in page
    link = send_link(session, proposal, email="buyer@client.example")
    assert link.recipient_email == "buyer@client.example"
    [message] = sent
    assert message["To"] == "buyer@client.example"
    body = message.get_body(("plain",)).get_content()
    assert f"https://keydesk.example.com{public_path(link)}" in body
    assert proposal.title in message["Subject"]
    page = session.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"https://keydesk.example.com{public_path(link)}" in page


def test_without_mail_server_the_link_is_made_and_not_emailed(world, login, app, monkeypatch):
    from webapp.notifications import mail

    sent = []
    monkeypatch.setattr(mail, "send", lambda messages: sent.extend(messages))
    app.config["MAIL_SERVER"] = None
    session = login(world.owner)
    proposal = create(session, world)
    assert 'name="email"' not in session.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    response = session.post(
        f"/proposals/{proposal.id}/links",
        data={"days": "14", "email": "buyer@client.example"},
        follow_redirects=True,
    )
    assert "e-mail is not configured" in response.get_data(as_text=True)
    assert count(ProposalLink) == 1 and sent == []


def test_a_bad_email_address_is_refused(world, login):
    session = login(world.owner)
    proposal = create(session, world)
    response = session.post(
        f"/proposals/{proposal.id}/links",
        data={"days": "14", "email": "not-an-address"},
        headers=HX,
    )
    assert response.status_code == 422
    assert 'id="proposal-links"' in response.get_data(as_text=True)
    assert count(ProposalLink) == 0
