"""Handing a proposal link to a client: the branded "no longer valid" page names the account
manager and his phone, the proposal page has a QR code and a copy button, and the opens log
names browser, system and device with the raw string on hover. A user's phone is validated."""

from __future__ import annotations

from html import unescape

import pytest

from tests.helpers import text
from tests.web.test_proposals_views import HX, create, public_path, send_link
from webapp.auth.models import User
from webapp.contracts.models import CompanyProfile
from webapp.extensions import db
from webapp.proposals.sharing import describe_agent

IPHONE_WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI Language/zh_CN"
)


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "DOCUMENT_DIR": str(tmp_path / "documents")}


@pytest.fixture
def branded(world):
    db.session.add(CompanyProfile(name="华东精工销售有限公司", brand_color="#0A5C36"))
    world.owner.phone = "138 1234 5678"
    db.session.commit()


def test_revoked_link_names_the_account_manager_and_his_phone_under_the_branding(
    world, login, client, branded
):
    session = login(world.owner)
    proposal = create(session, world)
    link = send_link(session, proposal)
    session.post(f"/proposals/links/{link.id}/revoke", headers=HX)
    response = client.get(public_path(link))
    assert response.status_code == 410
    html = text(response)
    assert 'id="link-invalid"' in html and 'id="link-contact"' in html
    assert world.owner.full_name in html
    assert "138 1234 5678" in html and 'href="tel:13812345678"' in html
    assert "华东精工销售有限公司" in html and "--brand: #0A5C36" in html
    assert proposal.title not in html  # still nothing of the proposal itself
    assert response.headers["Cache-Control"] == "no-store"


def test_made_up_link_names_nobody(world, login, client, branded):
    response = client.get("/p/nonsense")
    assert response.status_code == 404
    html = text(response)
    assert "华东精工销售有限公司" in html  # the branding, so the client knows whose site this is
    assert world.owner.full_name not in html and "138 1234 5678" not in html
    assert 'id="link-contact"' not in html


def test_an_inactive_manager_is_not_named_the_link_maker_is(world, login, client, branded):
    session = login(world.owner)
    proposal = create(session, world)
    link = send_link(session, proposal)
    session.post(f"/proposals/links/{link.id}/revoke", headers=HX)
    world.owner.active = False
    db.session.commit()
    html = text(client.get(public_path(link)))
    assert 'id="link-contact"' not in html  # he made the link and owns the account: nobody left


def test_proposal_page_offers_a_qr_code_and_a_copy_button_for_the_newest_active_link(world, login):
    session = login(world.owner)
    proposal = create(session, world)
    assert 'id="link-qr"' not in text(session.get(f"/proposals/{proposal.id}"))
    link = send_link(session, proposal)
    html = text(session.get(f"/proposals/{proposal.id}"))
    assert '<div class="qr" id="link-qr"><svg role="img"' in html
    assert "<title>QR code of the client link</title>" in html
    assert 'id="copy-link" data-copy="#share-url"' in html
    assert f'id="share-url" class="mono" readonly value="http://localhost{public_path(link)}"' in (
        html
    )
    assert "onclick" not in html
    session.post(f"/proposals/links/{link.id}/revoke", headers=HX)
    assert 'id="link-qr"' not in text(session.get(f"/proposals/{proposal.id}"))


def test_opens_name_browser_system_and_device_with_the_raw_string_on_hover(world, login, client):
    session = login(world.owner)
    proposal = create(session, world)
    link = send_link(session, proposal)
    client.get(public_path(link), headers={"User-Agent": IPHONE_WECHAT})
    html = text(session.get(f"/proposals/{proposal.id}/links", headers=HX))
    assert "WeChat 8.0.44 · iOS 17.1 · iPhone" in html
    assert f'title="{IPHONE_WECHAT}"' in unescape(html)


@pytest.mark.parametrize(
    ("raw", "summary"),
    [
        (IPHONE_WECHAT, "WeChat 8.0.44 · iOS 17.1 · iPhone"),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S9180 Build/UP1A.231005.007; wv) AppleWebKit/537.36"
            " (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065"
            " MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI",
            "WeChat 8.0.47 · Android 14 · Samsung SM-S9180",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
            "Edge 120.0 · Windows 10",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/86.0.4240.198 Safari/537.36 DingTalk(7.0.40) DingTalk/7.0.40",
            "DingTalk 7.0.40 · Windows 10",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/17.1 Safari/605.1.15",
            "Safari 17.1 · Mac OS X 10.15",
        ),
        ("curl/8.4.0", "curl 8.4"),
        ("", "unknown"),
        ("§§§", "unknown"),
    ],
)
def test_user_agents_in_words(app, raw, summary):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        agent = describe_agent(raw)
    assert agent.summary == summary
    assert agent.raw == raw


def test_search_engine_robots_read_as_automated(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        agent = describe_agent(
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
        )
    assert agent.is_bot and agent.summary.startswith("automated (")


@pytest.mark.parametrize(
    ("phone", "stored"),
    [("0571-8888 6666", "0571-8888 6666"), ("  +86  138 0000 0000 ", "+86 138 0000 0000")],
)
def test_administrator_records_a_users_phone(world, login, phone, stored):
    admin = login(world.admin)
    form = admin.get(f"/admin/users/{world.owner.id}")
    assert form.status_code == 200 and 'name="phone"' in text(form)
    response = admin.post(
        f"/admin/users/{world.owner.id}",
        data={
            "username": world.owner.username,
            "full_name": world.owner.full_name,
            "role": world.owner.role.value,
            "department_id": str(world.owner.department_id),
            "phone": phone,
            "active": "y",
            "version": str(world.owner.version),
        },
    )
    assert response.status_code == 303, text(response)[:500]
    db.session.expire_all()
    assert db.session.get(User, world.owner.id).phone == stored


@pytest.mark.parametrize("phone", ["abc", "12", "138<script>", "1" * 40])
def test_a_phone_that_is_not_a_number_is_refused_and_nothing_changes(world, login, phone):
    admin = login(world.admin)
    response = admin.post(
        f"/admin/users/{world.owner.id}",
        data={
            "username": world.owner.username,
            "full_name": "改过的名字",
            "role": world.owner.role.value,
            "department_id": str(world.owner.department_id),
            "phone": phone,
            "active": "y",
            "version": str(world.owner.version),
        },
    )
    assert response.status_code == 422
    assert "Digits, spaces, dashes and brackets only" in text(response)
    db.session.expire_all()
    user = db.session.get(User, world.owner.id)
    assert user.phone is None and user.full_name != "改过的名字"
