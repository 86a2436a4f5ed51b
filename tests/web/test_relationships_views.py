"""The Decision map, Competitors and Whitespace tabs, the competitors page, the board card's
coverage notes and the account plan document, through their pages (issue 15)."""

from __future__ import annotations

import io

import docx
import sqlalchemy as sa
from docx.oxml.ns import qn

from tests.helpers import assert_fragment, text
from tests.unit.documents_support import pdf_text
from webapp.accounts.models import BuyingRole, Contact, Stance
from webapp.extensions import db
from webapp.relationships.models import AccountCompetitor, InfluenceLine, RelationshipOwner

HX = {"HX-Request": "true"}


def people(world, make_contact):
    """陈总 (world's decision maker) ← 李工 (technical)."""
    tech = make_contact(
        world.account, name="李工", buying_role=BuyingRole.TECHNICAL, reports_to_id=world.contact.id
    )
    return world.contact, tech


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_map_tab_shows_diagram_people_and_the_coach_gap(world, login, make_contact):
    boss, tech = people(world, make_contact)
    client = login(world.owner)
    page = client.get(f"/accounts/{world.account.id}?tab=map", follow_redirects=True)
    body = text(page)
    assert page.status_code == 200
    assert "<svg" in body and "李工" in body and "陈总" in body
    assert 'data-gap="no_coach"' in body
    fragment = assert_fragment(
        client.get(f"/accounts/{world.account.id}/map", headers=HX), "account-map"
    )
    assert "role-map-scroll" in fragment


def test_adding_coach_and_influence_line_clears_the_gap(world, login, make_contact):
    boss, tech = people(world, make_contact)
    coach = make_contact(
        world.account,
        name="小周",
        buying_role=BuyingRole.COACH,
        stance=Stance.SUPPORT,
        reports_to_id=tech.id,
    )
    client = login(world.owner)
    url = f"/accounts/{world.account.id}/map/influence"
    response = client.post(
        url,
        data={"from_contact_id": coach.id, "to_contact_id": boss.id, "note": "同乡"},
        headers=HX,
    )
    body = assert_fragment(response, "account-map")
    assert response.status_code == 200
    assert "no_coach" not in body and "同乡" in body
    assert count(InfluenceLine) == 1
    history = text(client.get(f"/accounts/{world.account.id}/history"))
    assert "Influence line" in history and "小周 → 陈总" in history


def test_a_loop_is_refused_with_a_message_and_nothing_saved(world, login, make_contact):
    boss, tech = people(world, make_contact)
    client = login(world.owner)
    response = client.post(
        f"/accounts/{world.account.id}/map/influence",
        data={"from_contact_id": boss.id, "to_contact_id": tech.id},
        headers=HX,
    )
    assert response.status_code == 422
    assert "loop" in text(response)
    assert count(InfluenceLine) == 0


def test_owner_of_a_relationship_is_a_team_member(world, login, make_contact):
    client = login(world.owner)
    url = f"/accounts/{world.account.id}/map/owner"
    ok = client.post(url, data={"contact_id": world.contact.id, "user_id": world.owner.id})
    assert ok.status_code == 303
    assert db.session.get(RelationshipOwner, world.contact.id).user_id == world.owner.id
    bad = client.post(url, data={"contact_id": world.contact.id, "user_id": world.colleague.id})
    assert bad.status_code == 422
    assert db.session.get(RelationshipOwner, world.contact.id).user_id == world.owner.id


def test_another_departments_account_answers_404(world, login, make_contact):
    boss, tech = people(world, make_contact)
    client = login(world.other_manager)
    account_id = world.account.id
    assert client.get(f"/accounts/{account_id}/map").status_code == 404
    assert client.get(f"/accounts/{account_id}/competitors").status_code == 404
    response = client.post(
        f"/accounts/{account_id}/map/influence",
        data={"from_contact_id": tech.id, "to_contact_id": boss.id},
    )
    assert response.status_code == 404
    assert client.get(f"/documents/account-plan/{account_id}.pdf").status_code == 404
    assert count(InfluenceLine) == 0


def test_competitor_shares_over_100_are_refused(world, login):
    client = login(world.owner)
    url = f"/accounts/{world.account.id}/competitors"
    assert (
        client.post(url, data={"name": "中钢国际", "share": "70", "price": "4350.00"}).status_code
        == 303
    )
    response = client.post(url, data={"name": "鞍钢", "share": "31"}, headers=HX)
    assert response.status_code == 422
    assert "100" in text(response) and 'value="鞍钢"' in text(response)
    bad_price = client.post(url, data={"name": "鞍钢", "price": "-5"}, headers=HX)
    assert bad_price.status_code == 422
    assert count(AccountCompetitor) == 1
    row = db.session.scalar(sa.select(AccountCompetitor))
    editing = text(client.get(f"{url}?edit={row.id}", headers=HX))
    assert (
        'value="中钢国际"' in editing and 'value="4350.00"' in editing and 'value="70"' in editing
    )
    page = text(login(world.supervisor).get("/competitors/"))
    assert "中钢国际" in page and world.account.short_name in page
    assert "中钢国际" not in text(login(world.other_manager).get("/competitors/"))


def test_whitespace_tab_saves_an_estimate(world, login):
    client = login(world.owner)
    url = f"/accounts/{world.account.id}/whitespace"
    response = client.post(
        url, data={"product": "冷轧板", "unit": "一分厂", "potential": "120000"}, headers=HX
    )
    body = assert_fragment(response, "account-whitespace")
    assert "冷轧板" in body and "120,000.00" in body
    refused = client.post(url, data={"product": "冷轧板", "unit": "一分厂", "potential": "abc"})
    assert refused.status_code == 422


def test_board_card_shows_coverage_gaps(world, login):
    body = text(login(world.owner).get("/pipeline"))
    assert "card-notes" in body and "No coach" in body


def test_account_plan_pdf_and_docx_show_the_map(world, login, make_contact):
    boss, tech = people(world, make_contact)
    client = login(world.owner)
    pdf = client.get(f"/documents/account-plan/{world.account.id}.pdf")
    assert pdf.status_code == 200
    content = pdf_text(pdf.data)
    for words in (
        "大客户开发计划书",
        "决策地图",
        "陈总",
        "李工",
        "角色覆盖",
        "竞争对手",
        "空白市场",
    ):
        assert words in content
    word = client.get(f"/documents/account-plan/{world.account.id}.docx")
    document = docx.Document(io.BytesIO(word.data))
    body = "".join(n.text or "" for n in document.element.body.iter(qn("w:t")))
    assert "陈总" in body and "李工" in body
    assert len(document.inline_shapes) == 1  # the map as a picture


def test_account_plan_version_follows_any_sections_content(world, login, make_contact):
    client = login(world.owner)
    first = client.get(f"/documents/account-plan/{world.account.id}.pdf")
    same = client.get(f"/documents/account-plan/{world.account.id}.pdf")
    assert first.data == same.data
    contact = db.session.get(Contact, world.contact.id)
    contact.stance = Stance.OPPOSE
    db.session.commit()
    changed = client.get(f"/documents/account-plan/{world.account.id}.pdf")
    assert changed.data != first.data
    assert "v2" in changed.headers["Content-Disposition"]
