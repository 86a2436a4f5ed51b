"""Contract completeness in view (issue 12 item 2): the fields a submission needs are marked from
the start, a live checklist names what is missing per clause group, a refused submit lists
every missing field by its label with a link to it, the client's signer and contact are offered
from the account's contacts, and a complete new draft can be saved and submitted at once."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.helpers import assert_fragment, text
from tests.web.contract_data import contract_form
from webapp.contracts.models import Contract, ContractStatus
from webapp.extensions import db

HX = {"HX-Request": "true"}


def field_classes(page: str, name: str) -> str:
    found = re.search(r'<div class="field ([^"]*)">\s*<label for="' + name + '"', page)
    assert found, name
    return found.group(1)


def test_the_new_contract_form_marks_what_submission_needs_and_lists_what_is_missing(world, login):
    page = text(login(world.owner).get(f"/accounts/{world.account.id}/contracts/new"))
    for name in ("delivery_place", "settlement_method", "client_signing_rep", "clause_quality"):
        assert "needed" in field_classes(page, name), name
    assert "needed" not in field_classes(page, "client_contact")  # not required
    assert 'id="contract-checklist"' in page and "fields still missing" in page
    checklist = page[page.index('id="contract-checklist"') : page.index("</aside>")]
    assert 'href="#client_signing_rep"' in checklist and "Signing representative" in checklist
    assert 'href="#delivery_place"' in checklist
    assert 'id="submit-contract"' in page  # save and submit, straight away


def test_the_signer_and_contact_are_offered_from_the_accounts_contacts(world, login, make_contact):
    make_contact(world.account, name="刘采购")
    page = text(login(world.owner).get(f"/accounts/{world.account.id}/contracts/new"))
    assert re.search(r'<input[^>]*id="client_signing_rep"[^>]*list="account-contact-names"', page)
    assert re.search(r'<input[^>]*id="client_contact"[^>]*list="account-contact-names"', page)
    datalist = page[page.index('<datalist id="account-contact-names">') :]
    assert '<option value="陈总">' in datalist and '<option value="刘采购">' in datalist


def test_the_live_checklist_follows_the_form_as_typed(world, login):
    client = login(world.owner)
    partial = client.post(
        "/contracts/checklist",
        data=contract_form(client_signing_rep="", delivery_place="", clause_breach=""),
        headers=HX,
    )
    body = assert_fragment(partial, "contract-checklist")
    assert "3 fields still missing" in body
    for anchor in ("#client_signing_rep", "#delivery_place", "#clause_breach"):
        assert f'href="{anchor}"' in body
    complete = assert_fragment(
        client.post("/contracts/checklist", data=contract_form(), headers=HX), "contract-checklist"
    )
    assert "Complete: the draft can be submitted" in complete
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract)) == 0


def test_an_incomplete_submit_names_every_missing_field_with_a_link(world, login):
    client = login(world.owner)
    data = contract_form(client_signing_rep="", our_bank="", dist_term="", expires_on="")
    created = client.post(f"/accounts/{world.account.id}/contracts/new", data=data)
    contract = db.session.scalar(sa.select(Contract))
    edit_url = f"/contracts/{contract.id}/edit"
    refused = client.post(
        edit_url, data={**data, "action": "submit", "version": str(contract.version)}
    )
    assert created.status_code == 303 and refused.status_code == 422
    page = text(refused)
    box = page[page.index('id="submit-problems"') :]
    box = box[: box.index("</div>")]
    assert "4 fields are missing" in box
    for name, label in (
        ("client_signing_rep", "Client (buyer) · Signing representative"),
        ("our_bank", "Our company (seller) · Bank"),
        ("dist_term", "Term"),
        ("expires_on", "Expires on"),
    ):
        assert f'href="#{name}"' in box and label in box, name
        assert f'id="{name}"' in page  # the link leads to the field
    assert "Both parties" not in box  # no vague summary instead of the fields
    db.session.refresh(contract)
    assert contract.status is ContractStatus.DRAFT


def test_a_complete_new_draft_is_saved_and_submitted_in_one_step(world, login):
    client = login(world.owner)
    response = client.post(
        f"/accounts/{world.account.id}/contracts/new", data=contract_form(action="submit")
    )
    contract = db.session.scalar(sa.select(Contract))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/contracts/{contract.id}"
    assert contract.status is ContractStatus.IN_APPROVAL


def test_save_and_submit_of_an_incomplete_new_draft_keeps_it_and_shows_what_is_missing(
    world, login
):
    client = login(world.owner)
    response = client.post(
        f"/accounts/{world.account.id}/contracts/new",
        data=contract_form(action="submit", delivery_time=""),
    )
    contract = db.session.scalar(sa.select(Contract))
    assert contract.status is ContractStatus.DRAFT
    assert response.headers["Location"] == f"/contracts/{contract.id}/edit?check=1"
    page = text(client.get(response.headers["Location"]))
    assert "cannot be submitted until the fields listed are filled" in page
    box = page[page.index('id="submit-problems"') :]
    assert 'href="#delivery_time"' in box[: box.index("</div>")]


def test_a_complete_new_draft_a_rule_refuses_is_kept_once_as_a_draft(world, login):
    """Save and submit, refused by a rule (the client failed MAN qualification): the draft is
    saved, the page says why, and sending the same form again makes no second contract."""
    from webapp.development.models import Qualification
    from webapp.development.profiles import profile_for

    profile = profile_for(world.account)
    profile.qualification = Qualification.UNQUALIFIED
    profile.qualification_reason = "无预算"
    db.session.commit()
    client = login(world.owner)
    url = f"/accounts/{world.account.id}/contracts/new"
    data = contract_form(action="submit")
    data["submission_key"] = re.search(
        r'name="submission_key"[^>]*value="([^"]+)"', text(client.get(url))
    ).group(1)
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "failed the MAN qualification (无预算)" in text(response)
    contracts = db.session.scalars(sa.select(Contract)).all()
    assert [c.status for c in contracts] == [ContractStatus.DRAFT]
    assert len(contracts[0].lines) == len([k for k in data if k.endswith("-product")])
    again = client.post(url, data=data)
    assert again.status_code in (303, 422)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract)) == 1
