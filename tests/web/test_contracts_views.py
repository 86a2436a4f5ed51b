"""Request tests for the contract pages: drafting with line items (htmx and without JS), bad input,
conflicts, the approval lifecycle, the signed scan, lists and filters, visibility, and the
administrator's standard wording and company profile.

Each test checks what the user sees and what the database holds afterwards.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
import sqlalchemy as sa

from tests.helpers import assert_fragment, text
from tests.web.contract_data import CLIENT, contract_form, draft_input, line_fields
from tests.web.formdata import field_errors, input_value
from webapp.approvals import service as approvals
from webapp.common.timeutil import local_today
from webapp.contracts import service
from webapp.contracts.models import (
    ClauseKey,
    CompanyProfile,
    Contract,
    ContractCounter,
    ContractEvent,
    ContractLine,
    ContractStatus,
    SignedScan,
    StandardClause,
)
from webapp.contracts.standard_text import BUILT_IN
from webapp.extensions import db

HX = {"HX-Request": "true"}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
S = ContractStatus


# --- helpers ----------------------------------------------------------------------------------


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def stored(contract_id: int) -> Contract:
    db.session.expire_all()
    return db.session.get(Contract, contract_id)


def snapshot(contract_id: int) -> tuple:
    """Everything a refused request must leave as it was."""
    c = stored(contract_id)
    return (
        c.status,
        c.version,
        c.title,
        c.total,
        c.expires_on,
        c.return_comment,
        [(line.product, line.quantity, line.unit_price, line.amount) for line in c.lines],
        sorted((cl.key.value, cl.text) for cl in c.clauses),
        count(ContractEvent),
        count(SignedScan),
    )


def products(html: str) -> list[str]:
    """The product inputs of the line table, in order."""
    found = re.findall(r'<input name="lines-(\d+)-product" value="([^"]*)"', html)
    assert [int(n) for n, _value in found] == list(range(len(found)))  # renumbered from 0
    return [unescape(value) for _n, value in found]


def textarea(html: str, name: str) -> str | None:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(match.group(1)).strip() if match else None


def line_invalid(html: str, name: str) -> bool:
    tag = next(t for t in re.findall(r"<input[^>]*>", html) if f'name="{name}"' in t)
    return 'aria-invalid="true"' in tag


def listed_ids(html: str) -> list[int]:
    """Contracts linked from the result rows (not from the expiring reminder above them)."""
    results = (
        html[html.index('id="contract-results"') :] if 'id="contract-results"' in html else html
    )
    ids: list[int] = []
    for found in re.findall(r'href="/contracts/(\d+)"', results):
        if int(found) not in ids:
            ids.append(int(found))
    return ids


def multipart(payload: bytes, filename: str, field: str = "scan") -> dict:
    """An upload as a ready-made body: the test client would spool a large one to a temporary
    file it never closes (a ResourceWarning, an error under filterwarnings=error)."""
    boundary = "----keydesk-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def flashed(client, response) -> str:
    """The page a redirect leads to (its flash message included)."""
    assert response.status_code == 303, response.status_code
    return text(client.get(response.headers["Location"]))


@pytest.fixture
def make_contract(app, world):
    """A contract made through the service and moved to `state`; returns its id."""

    def make(state: str = "draft", user=None, account=None, **values) -> int:
        owner = user or world.owner
        with app.test_request_context():
            contract = service.create_contract(
                owner, (account or world.account).id, draft_input(**values)
            )
            if state != "draft":
                service.submit(owner, contract.id)
            if state in ("approved", "signed", "terminated"):
                service.record_outcome(
                    service.get_contract(owner, contract.id), world.executive, "approve"
                )
                db.session.commit()
            if state in ("signed", "terminated"):
                service.archive_signed(world.custodian, contract.id, "签字版.pdf", PDF)
            if state == "terminated":
                service.terminate(world.custodian, contract.id, "需方停产")
            return contract.id

    return make


# --- drafting a new contract ------------------------------------------------------------------


def test_new_contract_form_is_prefilled_from_the_account_and_company(world, login):
    db.session.add(CompanyProfile(name="浙江测试供应链有限公司", tax_number="91330100000000002Y"))
    db.session.commit()
    response = login(world.owner).get(f"/accounts/{world.account.id}/contracts/new")
    assert response.status_code == 200
    body = text(response)
    assert input_value(body, "client_name") == world.account.name
    assert input_value(body, "client_tax_number") == world.account.tax_number
    assert input_value(body, "our_name") == "浙江测试供应链有限公司"
    assert input_value(body, "our_tax_number") == "91330100000000002Y"
    assert input_value(body, "our_signing_rep") == world.owner.full_name
    assert input_value(body, "tax_rate") == "13.00"
    assert products(body) == ["", "", ""]  # three empty rows to start with
    assert textarea(body, "clause_quality") == BUILT_IN[ClauseKey.QUALITY]
    assert count(Contract) == 0


def test_saving_a_new_contract_numbers_it_and_computes_amounts_on_the_server(world, login):
    client = login(world.owner)
    data = contract_form()
    data.update({"lines-0-amount": "1.00", "lines-1-amount": "1.00", "total": "3.00"})  # forged
    response = client.post(f"/accounts/{world.account.id}/contracts/new", data=data)

    assert response.status_code == 303
    contract = db.session.scalar(sa.select(Contract))
    assert response.headers["Location"] == f"/contracts/{contract.id}/edit"
    year = local_today().year
    assert contract.number == f"HT-{year}-00001"
    assert [(line.position, line.product, line.amount) for line in contract.lines] == [
        (1, "冷轧钢板", Decimal("45000.00")),
        (2, "镀锌卷", Decimal("2890.00")),
        (3, "包装费", Decimal("0.99")),
    ]
    assert contract.total == Decimal("47890.99")
    assert (contract.owner_id, contract.status, contract.deviates) == (
        world.owner.id,
        S.DRAFT,
        False,
    )
    edit_page = text(client.get(response.headers["Location"]))
    assert f"Draft HT-{year}-00001 saved." in edit_page
    assert products(edit_page) == ["冷轧钢板", "镀锌卷", "包装费"]

    detail = text(client.get(f"/contracts/{contract.id}"))
    assert f'<span id="contract-number">HT-{year}-00001</span>' in detail
    assert '<strong id="total-figures">¥47,890.99</strong>' in detail
    assert '<strong id="total-words">肆万柒仟捌佰玖拾元零玖角玖分</strong>' in detail


def test_detail_shows_the_total_in_figures_and_capital_numerals(world, login, make_contract):
    contract_id = make_contract(lines=[("精密设备", "", "", "台", "1", "123,456.78")])
    body = text(login(world.owner).get(f"/contracts/{contract_id}"))
    assert '<strong id="total-figures">¥123,456.78</strong>' in body
    assert '<strong id="total-words">壹拾贰万叁仟肆佰伍拾陆元柒角捌分</strong>' in body
    assert "¥14,202.99" in body  # VAT contained in the total at 13%
    assert stored(contract_id).total == Decimal("123456.78")


def test_the_second_contract_of_the_year_gets_the_next_number(world, login):
    client = login(world.owner)
    for _ in range(2):
        assert (
            client.post(
                f"/accounts/{world.account.id}/contracts/new", data=contract_form()
            ).status_code
            == 303
        )
    year = local_today().year
    assert sorted(db.session.scalars(sa.select(Contract.number))) == [
        f"HT-{year}-00001",
        f"HT-{year}-00002",
    ]


def test_without_javascript_add_line_rerenders_the_new_form_and_stores_nothing(world, login):
    response = login(world.owner).post(
        f"/accounts/{world.account.id}/contracts/new",
        data=contract_form(action="add", title="我输入的标题"),
    )
    assert response.status_code == 200
    body = text(response)
    assert products(body) == ["冷轧钢板", "镀锌卷", "包装费", ""]
    assert input_value(body, "title") == "我输入的标题"
    assert count(Contract) == 0
    assert count(ContractCounter) == 0


@pytest.mark.parametrize(
    ("changes", "errors_shown", "invalid_inputs"),
    [
        ({"lines-0-quantity": "-5"}, ["Quantity must be greater than zero."], ["lines-0-quantity"]),
        (
            {"lines-1-unit_price": "1.234"},
            ["Unit price has at most two decimals."],
            ["lines-1-unit_price"],
        ),
        ({"lines-2-quantity": "abc"}, ["Quantity must be a number."], ["lines-2-quantity"]),
        (
            {"lines-0-quantity": "100000000", "lines-0-unit_price": "1000000000"},
            ["The total is unrealistically large."],
            [],
        ),
        ({"lines-0-product": ""}, ["Name the product."], ["lines-0-product"]),
    ],
)
def test_bad_line_input_on_a_new_contract_is_refused_inline(
    world, login, changes, errors_shown, invalid_inputs
):
    data = contract_form(title="我输入的标题", **changes)
    response = login(world.owner).post(f"/accounts/{world.account.id}/contracts/new", data=data)
    assert response.status_code == 422
    body = text(response)
    for message in errors_shown:
        assert message in body
    assert "Some line items need correcting." in body or not invalid_inputs
    for name in invalid_inputs:
        assert line_invalid(body, name)
    for name, value in changes.items():
        assert input_value(body, name) == value  # what was typed is kept
    assert input_value(body, "title") == "我输入的标题"
    assert count(Contract) == 0
    assert count(ContractCounter) == 0


def test_expiry_before_effective_date_is_refused_inline(world, login):
    today = local_today()
    data = contract_form(
        effective_on=today.isoformat(), expires_on=(today - timedelta(days=1)).isoformat()
    )
    response = login(world.owner).post(f"/accounts/{world.account.id}/contracts/new", data=data)
    assert response.status_code == 422
    body = text(response)
    assert field_errors(body)["expires_on"] == [
        "The contract cannot expire before it takes effect."
    ]
    assert input_value(body, "expires_on") == (today - timedelta(days=1)).isoformat()
    assert count(Contract) == 0


def test_a_missing_title_is_refused_inline_keeping_the_lines(world, login):
    response = login(world.owner).post(
        f"/accounts/{world.account.id}/contracts/new", data=contract_form(title="")
    )
    assert response.status_code == 422
    body = text(response)
    assert field_errors(body)["title"]
    assert products(body) == ["冷轧钢板", "镀锌卷", "包装费"]
    assert count(Contract) == 0


def test_another_teams_manager_cannot_draft_on_the_account(world, login):
    client = login(world.other_manager)
    assert client.get(f"/accounts/{world.account.id}/contracts/new").status_code == 404
    response = client.post(f"/accounts/{world.account.id}/contracts/new", data=contract_form())
    assert response.status_code == 404
    assert count(Contract) == 0


# --- line items over htmx ---------------------------------------------------------------------


def test_htmx_add_line_answers_the_line_table_with_one_more_row(world, login):
    data = {**line_fields(), "action": "add"}
    response = login(world.owner).post("/contracts/lines", data=data, headers=HX)
    assert response.status_code == 200
    body = assert_fragment(response, "contract-lines")
    assert products(body) == ["冷轧钢板", "镀锌卷", "包装费", ""]
    assert '<strong id="contract-total">¥47,890.99</strong>' in body
    assert count(Contract) == 0


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("remove:1", ["冷轧钢板", "包装费"]),
        ("up:2", ["冷轧钢板", "包装费", "镀锌卷"]),
        ("down:0", ["镀锌卷", "冷轧钢板", "包装费"]),
        ("remove:9", ["冷轧钢板", "镀锌卷", "包装费"]),
    ],
)
def test_htmx_line_edits_reorder_and_remove_rows(world, login, action, expected):
    response = login(world.owner).post(
        "/contracts/lines", data={**line_fields(), "action": action}, headers=HX
    )
    body = assert_fragment(response, "contract-lines")
    assert products(body) == expected


def test_htmx_remove_recomputes_the_total(world, login):
    response = login(world.owner).post(
        "/contracts/lines", data={**line_fields(), "action": "remove:0"}, headers=HX
    )
    body = assert_fragment(response, "contract-lines")
    assert '<strong id="contract-total">¥2,890.99</strong>' in body
    assert '<strong id="contract-total-words">贰仟捌佰玖拾元零玖角玖分</strong>' in body


def test_htmx_recompute_answers_only_amounts_and_totals_out_of_band(world, login):
    data = {
        **line_fields(),
        "lines-1-quantity": "2.5",
        "lines-1-unit_price": "0.45",
        "action": "recompute",
        "tax_rate": "13",
    }
    response = login(world.owner).post("/contracts/lines", data=data, headers=HX)
    assert response.status_code == 200
    body = assert_fragment(response, "contract-totals")
    assert 'id="contract-lines"' not in body
    assert "<input" not in body  # the field being typed in is not replaced
    amounts = re.findall(
        r'<td class="num amount" id="line-amount-(\d)" hx-swap-oob="true">'
        r"([^<]*)",
        body,
    )
    assert amounts == [("0", "¥45,000.00"), ("1", "¥1.13"), ("2", "¥0.99")]
    assert re.search(r'<div id="contract-totals" class="totals" hx-swap-oob="true">', body)
    assert '<strong id="contract-total">¥45,002.12</strong>' in body
    assert '<strong id="contract-total-words">肆万伍仟零贰元壹角贰分</strong>' in body


def test_htmx_recompute_shows_a_line_error_instead_of_an_amount(world, login):
    data = {**line_fields(), "lines-0-unit_price": "1.234", "action": "recompute"}
    body = assert_fragment(
        login(world.owner).post("/contracts/lines", data=data, headers=HX), "contract-totals"
    )
    first = re.search(r'id="line-amount-0" hx-swap-oob="true">(.*?)</td>', body, re.S).group(1)
    assert "—" in first
    assert "Unit price has at most two decimals." in first
    assert '<strong id="contract-total">¥2,890.99</strong>' in body


def test_htmx_recompute_of_an_absurd_total_is_not_a_server_error(world, login):
    data = {
        **line_fields(),
        "lines-0-quantity": "100000000",
        "lines-0-unit_price": "1000000000",
        "action": "recompute",
    }
    response = login(world.owner).post("/contracts/lines", data=data, headers=HX)
    assert response.status_code == 200
    assert_fragment(response, "contract-totals")


def test_line_endpoint_is_for_editors_only(world, login):
    response = login(world.custodian).post(
        "/contracts/lines", data={**line_fields(), "action": "add"}, headers=HX
    )
    assert response.status_code == 403


# --- editing a draft --------------------------------------------------------------------------


def test_edit_page_shows_the_stored_draft(world, login, make_contract):
    contract_id = make_contract()
    response = login(world.owner).get(f"/contracts/{contract_id}/edit")
    assert response.status_code == 200
    body = text(response)
    assert products(body) == ["冷轧钢板", "镀锌卷", "包装费"]
    assert input_value(body, "lines-1-quantity") == "0.5"
    assert input_value(body, "lines-1-unit_price") == "5780.00"
    assert input_value(body, "version") == str(stored(contract_id).version)
    assert input_value(body, "client_name") == CLIENT["name"]
    assert 'id="submit-contract"' in body


def test_saving_a_draft_stores_the_edit_and_recomputes(world, login, make_contract):
    contract_id = make_contract()
    version = stored(contract_id).version
    lines = [("冷轧钢板", "宝钢", "1.0mm", "吨", "2.5", "0.45")]
    data = contract_form(
        lines=lines, version=version, title="修改后的标题", **{"lines-0-amount": "999"}
    )
    client = login(world.owner)
    response = client.post(f"/contracts/{contract_id}/edit", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/contracts/{contract_id}/edit"
    contract = stored(contract_id)
    assert (contract.title, contract.total, contract.version) == (
        "修改后的标题",
        Decimal("1.13"),
        version + 1,
    )
    assert [line.amount for line in contract.lines] == [Decimal("1.13")]
    assert count(ContractLine) == 1  # the replaced lines are gone
    assert f"Draft {contract.number} saved." in flashed(client, response)


def test_without_javascript_remove_line_rerenders_the_edit_page_and_stores_nothing(
    world, login, make_contract
):
    contract_id = make_contract()
    before = snapshot(contract_id)
    data = contract_form(
        action="remove:0", version=stored(contract_id).version, title="还没保存的标题"
    )
    response = login(world.owner).post(f"/contracts/{contract_id}/edit", data=data)
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith("<!doctype html>")
    assert products(body) == ["镀锌卷", "包装费"]
    assert input_value(body, "title") == "还没保存的标题"
    assert '<strong id="contract-total">¥2,890.99</strong>' in body
    assert snapshot(contract_id) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lines-0-quantity": "-5"}, "Quantity must be greater than zero."),
        ({"lines-2-unit_price": "1.234"}, "Unit price has at most two decimals."),
        ({"lines-0-quantity": "1e400"}, "Quantity is unrealistically large."),
        ({"lines-1-quantity": "NaN"}, "Quantity must be a number."),
    ],
)
def test_bad_line_input_on_a_draft_is_refused_and_changes_nothing(
    world, login, make_contract, changes, message
):
    contract_id = make_contract()
    before = snapshot(contract_id)
    data = contract_form(version=stored(contract_id).version, title="我输入的标题", **changes)
    response = login(world.owner).post(f"/contracts/{contract_id}/edit", data=data)
    assert response.status_code == 422
    body = text(response)
    assert message in body
    for name, value in changes.items():
        assert input_value(body, name) == value
        assert line_invalid(body, name)
    assert input_value(body, "title") == "我输入的标题"
    assert snapshot(contract_id) == before


def test_expiry_before_effective_on_a_draft_is_refused_and_changes_nothing(
    world, login, make_contract
):
    contract_id = make_contract()
    before = snapshot(contract_id)
    data = contract_form(
        version=stored(contract_id).version, effective_on="2026-05-01", expires_on="2026-04-30"
    )
    response = login(world.owner).post(f"/contracts/{contract_id}/edit", data=data)
    assert response.status_code == 422
    body = text(response)
    assert field_errors(body)["expires_on"] == [
        "The contract cannot expire before it takes effect."
    ]
    assert input_value(body, "effective_on") == "2026-05-01"
    assert input_value(body, "expires_on") == "2026-04-30"
    assert snapshot(contract_id) == before


def test_a_stale_save_is_a_409_that_keeps_the_typed_values(world, login, make_contract):
    contract_id = make_contract()
    loaded = stored(contract_id).version
    theirs = contract_form(version=loaded, title="主管改的标题")
    assert (
        login(world.supervisor).post(f"/contracts/{contract_id}/edit", data=theirs).status_code
        == 303
    )
    after_theirs = snapshot(contract_id)

    mine = contract_form(version=loaded, title="我改的标题", **{"lines-0-quantity": "12"})
    response = login(world.owner).post(f"/contracts/{contract_id}/edit", data=mine)
    assert response.status_code == 409
    body = text(response)
    assert "Someone else saved this contract while you were editing it." in body
    assert input_value(body, "title") == "我改的标题"
    assert input_value(body, "lines-0-quantity") == "12"
    assert input_value(body, "version") == str(loaded + 1)  # saving again applies mine
    assert snapshot(contract_id) == after_theirs
    assert stored(contract_id).title == "主管改的标题"


def test_a_form_with_a_blank_version_is_refused(world, login, make_contract):
    contract_id = make_contract()
    before = snapshot(contract_id)
    response = login(world.owner).post(
        f"/contracts/{contract_id}/edit", data=contract_form(title="无版本", version="")
    )
    assert response.status_code == 422
    assert input_value(text(response), "title") == "无版本"
    assert snapshot(contract_id) == before


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_editing_a_submitted_contract_redirects_to_it_with_a_message(
    world, login, make_contract, method
):
    contract_id = make_contract("in_approval")
    before = snapshot(contract_id)
    client = login(world.owner)
    data = contract_form(version=stored(contract_id).version, title="偷偷修改")
    response = client.open(
        f"/contracts/{contract_id}/edit", method=method, data=data if method == "POST" else None
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/contracts/{contract_id}"
    page = flashed(client, response)
    assert "Only a draft can be edited; this contract is In approval." in page
    assert snapshot(contract_id) == before


# --- submitting and deciding ------------------------------------------------------------------


def test_submitting_an_incomplete_draft_is_a_422_listing_the_problems(world, login, make_contract):
    contract_id = make_contract()
    data = contract_form(
        version=stored(contract_id).version,
        action="submit",
        delivery_place="",
        client_bank="",
        clause_breach="",
    )
    response = login(world.owner).post(f"/contracts/{contract_id}/edit", data=data)
    assert response.status_code == 422
    body = text(response)
    errors = field_errors(body)
    assert errors["delivery_place"] == ["Required before submitting."]
    assert errors["client_bank"] == ["Required before submitting."]
    assert errors["clause_breach"] == ["Required before submitting."]
    assert "Both parties&#39; identification blocks must be complete (clause 11)." in body
    contract = stored(contract_id)
    assert contract.status is S.DRAFT  # the draft is kept, as typed
    assert (contract.delivery_place, contract.client_bank) == (None, None)
    assert input_value(body, "version") == str(contract.version)


def test_submit_button_on_the_page_refuses_an_incomplete_draft(world, login, make_contract):
    contract_id = make_contract(lines=())
    client = login(world.owner)
    response = client.post(f"/contracts/{contract_id}/submit")
    page = flashed(client, response)
    assert "Add at least one line item (clause 1, subject)." in page
    assert stored(contract_id).status is S.DRAFT


def test_saving_and_submitting_a_complete_draft_puts_it_in_approval(world, login, make_contract):
    contract_id = make_contract()
    client = login(world.owner)
    data = contract_form(version=stored(contract_id).version, action="submit")
    response = client.post(f"/contracts/{contract_id}/edit", data=data)
    assert response.headers["Location"] == f"/contracts/{contract_id}"
    page = flashed(client, response)
    number = stored(contract_id).number
    assert f"Contract {number} submitted for approval." in page
    assert '<span class="badge stage-in_approval" id="contract-stage">In approval</span>' in page
    assert stored(contract_id).status is S.IN_APPROVAL


def _approval(contract_id):
    db.session.expire_all()
    request = approvals.request_for_contract(contract_id)
    return request, approvals.current_step(request)


def test_the_contract_page_links_to_its_approval_request(world, login, make_contract):
    contract_id = make_contract("in_approval")
    request, _step = _approval(contract_id)
    page = text(login(world.owner).get(f"/contracts/{contract_id}"))
    assert f'href="/approvals/{request.id}"' in page
    assert request.number in page


def test_without_the_approvals_lookup_the_contract_page_shows_no_request(
    app, world, login, make_contract
):
    """The contracts area reads the link through the hook the approvals area installs."""
    contract_id = make_contract("in_approval")
    del app.extensions["keydesk.contract_approval_lookup"]
    page = text(login(world.owner).get(f"/contracts/{contract_id}"))
    assert 'id="contract-stage"' in page and 'id="contract-approval"' not in page


def test_department_head_approves_the_contract_in_its_request(world, login, make_contract):
    contract_id = make_contract("in_approval")
    request, step = _approval(contract_id)
    client = login(world.head)
    response = client.post(
        f"/approvals/{request.id}/steps/{step.id}", data={"decision": "approve", "comment": "同意"}
    )
    assert response.status_code == 303
    page = text(client.get(f"/contracts/{contract_id}"))
    assert '<span class="badge stage-approved" id="contract-stage">Approved</span>' in page
    assert stored(contract_id).status is S.APPROVED
    event = db.session.scalars(sa.select(ContractEvent).order_by(ContractEvent.id.desc())).first()
    assert (event.action, event.actor_id, event.comment) == ("approve", world.head.id, "同意")


def test_department_head_returns_with_a_comment_and_the_owner_sees_it(world, login, make_contract):
    contract_id = make_contract("in_approval")
    request, step = _approval(contract_id)
    head = login(world.head)
    url = f"/approvals/{request.id}/steps/{step.id}"
    refused = flashed(head, head.post(url, data={"decision": "return", "comment": ""}))
    assert "Give a reason." in refused
    assert stored(contract_id).status is S.IN_APPROVAL

    head.post(url, data={"decision": "return", "comment": "返利比例请改为0.5%"})
    assert (stored(contract_id).status, stored(contract_id).return_comment) == (
        S.DRAFT,
        "返利比例请改为0.5%",
    )
    owner_page = text(login(world.owner).get(f"/contracts/{contract_id}/edit"))
    assert "返利比例请改为0.5%" in owner_page


def test_a_flagged_contract_waits_for_the_executive(world, login, make_contract):
    contract_id = make_contract("in_approval", clauses={ClauseKey.SETTLEMENT: "货到付款。"})
    request, step = _approval(contract_id)
    head = login(world.head)
    page = text(head.get(f"/contracts/{contract_id}"))
    assert "Clauses differ from standard" in page
    head.post(f"/approvals/{request.id}/steps/{step.id}", data={"decision": "approve"})
    assert stored(contract_id).status is S.IN_APPROVAL  # the executive's step is next

    _request, step = _approval(contract_id)
    login(world.executive).post(
        f"/approvals/{request.id}/steps/{step.id}", data={"decision": "approve"}
    )
    assert stored(contract_id).status is S.APPROVED


def test_the_owner_withdraws_a_contract_in_approval(world, login, make_contract):
    contract_id = make_contract("in_approval")
    client = login(world.owner)
    page = flashed(client, client.post(f"/contracts/{contract_id}/withdraw"))
    assert "withdrawn to draft" in page
    assert stored(contract_id).status is S.DRAFT


# --- the signed scan --------------------------------------------------------------------------


def test_custodian_uploads_the_signed_scan_and_anyone_on_the_team_downloads_it(
    world, login, make_contract
):
    contract_id = make_contract("approved")
    custodian = login(world.custodian)
    response = custodian.post(
        f"/contracts/{contract_id}/archive",
        data={"scan": (io.BytesIO(PDF), "签字版.pdf")},
        content_type="multipart/form-data",
    )
    page = flashed(custodian, response)
    number = stored(contract_id).number
    assert f"Signed contract {number} archived." in page
    assert stored(contract_id).status is S.SIGNED
    scan = db.session.scalar(sa.select(SignedScan))
    assert (scan.contract_id, scan.mime, scan.data, scan.filename) == (
        contract_id,
        "application/pdf",
        PDF,
        "签字版.pdf",
    )

    download = login(world.owner).get(f"/contracts/{contract_id}/scan")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert f"{number}-signed.pdf" in download.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("payload", "filename", "message"),
    [
        (b"just some text, renamed\n", "contract.pdf", "The scan must be a PDF, JPEG or PNG file."),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "big.pdf", "The scan may be at most 10 MB."),
    ],
)
def test_archive_refuses_a_file_that_is_not_a_scan(
    world, login, make_contract, payload, filename, message
):
    contract_id = make_contract("approved")
    custodian = login(world.custodian)
    response = custodian.post(f"/contracts/{contract_id}/archive", **multipart(payload, filename))
    assert message in flashed(custodian, response)
    assert stored(contract_id).status is S.APPROVED
    assert count(SignedScan) == 0


def test_only_the_custodian_may_archive(world, login, make_contract):
    contract_id = make_contract("approved")
    response = login(world.head).post(
        f"/contracts/{contract_id}/archive",
        data={"scan": (io.BytesIO(PDF), "s.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert stored(contract_id).status is S.APPROVED
    assert count(SignedScan) == 0


def test_no_scan_yet_is_a_404(world, login, make_contract):
    contract_id = make_contract("approved")
    response = login(world.owner).get(f"/contracts/{contract_id}/scan")
    assert response.status_code == 404
    assert "No signed scan is archived yet." in text(response)


def test_custodian_terminates_a_signed_contract_with_a_reason(world, login, make_contract):
    contract_id = make_contract("signed")
    client = login(world.custodian)
    flashed(client, client.post(f"/contracts/{contract_id}/terminate", data={"reason": ""}))
    assert stored(contract_id).status is S.SIGNED
    page = flashed(
        client, client.post(f"/contracts/{contract_id}/terminate", data={"reason": "需方停产"})
    )
    assert '<span class="badge stage-terminated" id="contract-stage">Terminated</span>' in page
    assert (stored(contract_id).status, stored(contract_id).termination_reason) == (
        S.TERMINATED,
        "需方停产",
    )


# --- the actions each person is offered -------------------------------------------------------


def offered(page: str, contract_id: int) -> set[str]:
    """The actions the contract page offers: the edit link and the action forms."""
    actions = {"edit"} if f'href="/contracts/{contract_id}/edit"' in page else set()
    return actions | {
        a
        for a in ("submit", "withdraw", "archive", "terminate")
        if f'action="/contracts/{contract_id}/{a}"' in page
    }


@pytest.mark.parametrize(
    ("state", "who", "expected"),
    [
        ("draft", "owner", {"edit", "submit"}),
        ("draft", "supervisor", {"edit", "submit"}),
        ("draft", "executive", set()),
        ("draft", "custodian", set()),
        ("in_approval", "owner", {"withdraw"}),
        ("in_approval", "head", {"withdraw"}),
        ("in_approval", "finance", set()),
        ("in_approval", "custodian", set()),
        ("approved", "custodian", {"archive"}),
        ("approved", "owner", set()),
        ("approved", "head", set()),
        ("signed", "custodian", {"terminate"}),
        ("signed", "head", {"terminate"}),
        ("signed", "owner", set()),
        ("signed", "executive", set()),
        ("terminated", "custodian", set()),
        ("terminated", "head", set()),
    ],
)
def test_the_contract_page_offers_only_the_actions_the_service_allows(
    world, login, make_contract, state, who, expected
):
    contract_id = make_contract(state)
    page = text(login(getattr(world, who)).get(f"/contracts/{contract_id}"))
    assert offered(page, contract_id) == expected


# --- visibility -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/edit", "/scan"])
def test_another_teams_manager_gets_404(world, login, make_contract, suffix):
    contract_id = make_contract("signed" if suffix == "/scan" else "draft")
    response = login(world.other_manager).get(f"/contracts/{contract_id}{suffix}")
    assert response.status_code == 404
    body = text(response)
    assert 'id="error-page"' in body
    assert stored(contract_id).number not in body
    assert world.account.name not in body


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/submit", {}),
        ("/withdraw", {}),
        ("/edit", None),  # filled in below: a full, valid save
    ],
)
def test_another_teams_manager_cannot_act_on_the_contract(world, login, make_contract, path, data):
    contract_id = make_contract()
    before = snapshot(contract_id)
    if data is None:
        data = contract_form(version=stored(contract_id).version, title="越权修改")
    response = login(world.other_manager).post(f"/contracts/{contract_id}{path}", data=data)
    assert response.status_code == 404
    assert snapshot(contract_id) == before


@pytest.mark.parametrize("path", ["", "/edit", "/scan"])
def test_unknown_contract_is_a_404(world, login, path):
    response = login(world.owner).get(f"/contracts/999999{path}")
    assert response.status_code == 404
    assert 'id="error-page"' in text(response)


def test_unknown_contract_action_is_a_404(world, login):
    response = login(world.owner).post("/contracts/999999/submit")
    assert response.status_code == 404


def test_script_in_a_clause_or_line_is_shown_escaped(world, login, make_contract):
    contract_id = make_contract(
        clauses={ClauseKey.QUALITY: "<script>alert(1)</script>"},
        lines=[("<script>alert(2)</script>", "", "", "件", "1", "1")],
    )
    client = login(world.owner)
    detail = text(client.get(f"/contracts/{contract_id}"))
    assert "<script>alert(1)</script>" not in detail
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in detail
    assert "<script>alert(2)</script>" not in detail
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in detail
    edit = text(client.get(f"/contracts/{contract_id}/edit"))
    assert "<script>alert(1)</script>" not in edit
    assert "<script>alert(2)</script>" not in edit
    assert textarea(edit, "clause_quality") == "<script>alert(1)</script>"


def test_an_edited_clause_shows_its_diff_on_the_contract_page(world, login, make_contract):
    edited = BUILT_IN[ClauseKey.BREACH].replace("人民法院提起诉讼", "仲裁委员会申请仲裁")
    contract_id = make_contract(clauses={ClauseKey.BREACH: edited})
    body = text(login(world.owner).get(f"/contracts/{contract_id}"))
    breach = body[body.index('id="clause-view-breach"') :]
    breach = breach[: breach.index("</div>")]
    assert "differs from standard v0" in breach
    assert "<del>" in breach and "<ins>" in breach
    assert "仲裁" in breach
    assert stored(contract_id).deviates is True


# --- lists ------------------------------------------------------------------------------------


@pytest.fixture
def listed(world, make_account, make_contract):
    """Contracts in several stages and sizes; 'colleague' is on an account of a department-A
    colleague (not the owner's team), 'southern' on one of department B."""
    today = local_today()
    small = [("钢板", "", "", "吨", "1", "1000")]
    big = [("钢板", "", "", "吨", "40", "5000")]
    colleague_account = make_account(world.colleague)
    southern_account = make_account(world.other_manager)
    return {
        "draft": make_contract(),  # 47,890.99
        "pending": make_contract("in_approval", lines=small),  # 1,000.00
        "expiring": make_contract(
            "signed",
            lines=big,  # 200,000.00
            effective_on=today - timedelta(days=300),
            expires_on=today + timedelta(days=20),
        ),
        "in_force": make_contract(
            "signed",
            lines=[("钢板", "", "", "吨", "1", "5000")],
            effective_on=today - timedelta(days=10),
            expires_on=today + timedelta(days=200),
        ),
        "colleague": make_contract(
            "in_approval", user=world.colleague, account=colleague_account, lines=small
        ),
        "southern": make_contract(
            "in_approval", user=world.other_manager, account=southern_account, lines=small
        ),
    }


def keys_of(listed, ids) -> list[str]:
    by_id = {v: k for k, v in listed.items()}
    return sorted(by_id[i] for i in ids)


def test_list_shows_only_the_contracts_the_user_may_see(world, login, listed):
    owner_ids = listed_ids(text(login(world.owner).get("/contracts/")))
    assert keys_of(listed, owner_ids) == ["draft", "expiring", "in_force", "pending"]
    supervisor_ids = listed_ids(text(login(world.supervisor).get("/contracts/")))
    assert keys_of(listed, supervisor_ids) == [
        "colleague",
        "draft",
        "expiring",
        "in_force",
        "pending",
    ]
    executive_ids = listed_ids(text(login(world.executive).get("/contracts/")))
    assert keys_of(listed, executive_ids) == sorted(listed)
    assert login(world.admin).get("/contracts/").status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stage": "draft"}, ["draft"]),
        ({"stage": "in_approval"}, ["pending"]),
        ({"stage": "expiring"}, ["expiring"]),
        ({"stage": "in_force"}, ["in_force"]),
        ({"stage": "expired"}, []),
        ({"stage": "nonsense"}, ["draft", "expiring", "in_force", "pending"]),  # ignored
        ({"min_total": "10000"}, ["draft", "expiring"]),
        ({"max_total": "5000"}, ["in_force", "pending"]),
        ({"min_total": "1,000", "max_total": "5000.00"}, ["in_force", "pending"]),
        ({"min_total": "abc"}, ["draft", "expiring", "in_force", "pending"]),  # ignored
        ({"expiring_within": "30"}, ["expiring"]),
        ({"expiring_within": "365"}, ["expiring", "in_force"]),
        ({"expiring_within": "²"}, ["draft", "expiring", "in_force", "pending"]),  # ignored
        ({"stage": "in_force", "min_total": "100000"}, []),
    ],
)
def test_list_filters(world, login, listed, query, expected):
    response = login(world.owner).get("/contracts/", query_string=query)
    assert response.status_code == 200
    assert keys_of(listed, listed_ids(text(response))) == expected


def test_list_search_by_number(world, login, listed):
    number = stored(listed["pending"]).number
    body = text(login(world.owner).get("/contracts/", query_string={"q": number}))
    assert keys_of(listed, listed_ids(body)) == ["pending"]


def test_list_filter_by_owner(world, login, listed):
    response = login(world.supervisor).get(
        "/contracts/", query_string={"owner_id": world.colleague.id}
    )
    assert keys_of(listed, listed_ids(text(response))) == ["colleague"]
    response = login(world.supervisor).get(
        "/contracts/", query_string={"owner_id": world.other_manager.id}
    )
    assert listed_ids(text(response)) == []  # no peeking into department B


def test_list_reminds_the_owner_of_contracts_expiring_within_30_days(world, login, listed):
    body = text(login(world.owner).get("/contracts/"))
    assert "Your contracts expiring within 30 days" in body
    reminder = body[: body.index('id="contract-results"')]
    assert f'href="/contracts/{listed["expiring"]}"' in reminder
    assert f'href="/contracts/{listed["in_force"]}"' not in reminder
    assert "Your contracts expiring within 30 days" not in text(
        login(world.supervisor).get("/contracts/")
    )


def test_htmx_list_request_gets_the_results_fragment(world, login, listed):
    response = login(world.owner).get("/contracts/", query_string={"stage": "draft"}, headers=HX)
    body = assert_fragment(response, "contract-results")
    assert keys_of(listed, listed_ids(body)) == ["draft"]
    assert "Your contracts expiring" not in body


def test_account_tab_lists_that_accounts_contracts(world, login, listed):
    client = login(world.owner)
    page = client.get(f"/accounts/{world.account.id}/contracts")
    assert page.status_code == 200
    body = text(page)
    assert keys_of(listed, listed_ids(body)) == ["draft", "expiring", "in_force", "pending"]
    assert f'href="/accounts/{world.account.id}/contracts/new"' in body
    # available credit: 500,000 − open (1,000 + 200,000 + 5,000); the draft does not count
    assert "¥294,000.00" in body
    fragment = client.get(f"/accounts/{world.account.id}/contracts", headers=HX)
    assert keys_of(listed, listed_ids(assert_fragment(fragment, "account-contracts"))) == [
        "draft",
        "expiring",
        "in_force",
        "pending",
    ]


def test_account_tab_is_forbidden_to_another_team(world, login, listed):
    response = login(world.other_manager).get(f"/accounts/{world.account.id}/contracts")
    assert response.status_code == 404
    assert stored(listed["draft"]).number not in text(response)


def test_account_tab_for_a_reader_has_no_draft_button(world, login, listed):
    body = text(login(world.finance).get(f"/accounts/{world.account.id}/contracts"))
    assert 'id="new-contract"' not in body
    assert keys_of(listed, listed_ids(body)) == ["draft", "expiring", "in_force", "pending"]


# --- administration ---------------------------------------------------------------------------


def test_admin_saves_a_new_version_of_the_standard_wording(world, login):
    client = login(world.admin)
    page = text(client.get("/admin/clauses/quality"))
    assert "version 0" in page
    assert textarea(page, "text") == BUILT_IN[ClauseKey.QUALITY]

    response = client.post("/admin/clauses/quality", data={"text": "质量符合国家标准。"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/clauses/quality"
    page = flashed(client, response)
    assert "New version of the standard wording saved." in page
    assert "version 1" in page
    assert textarea(page, "text") == "质量符合国家标准。"
    clause = db.session.scalar(sa.select(StandardClause))
    assert (clause.key, clause.version, clause.text, clause.created_by_id) == (
        ClauseKey.QUALITY,
        1,
        "质量符合国家标准。",
        world.admin.id,
    )

    # a new contract starts from the new wording
    new_form = text(login(world.owner).get(f"/accounts/{world.account.id}/contracts/new"))
    assert textarea(new_form, "clause_quality") == "质量符合国家标准。"


def test_standard_wording_refuses_unchanged_or_empty_text(world, login):
    client = login(world.admin)
    unchanged = client.post("/admin/clauses/quality", data={"text": BUILT_IN[ClauseKey.QUALITY]})
    assert unchanged.status_code == 422
    assert field_errors(text(unchanged))["text"] == ["Nothing changed."]
    assert client.post("/admin/clauses/quality", data={"text": ""}).status_code == 422
    assert count(StandardClause) == 0


def test_standard_wording_of_an_unknown_clause_is_a_404(world, login):
    assert login(world.admin).get("/admin/clauses/nonsense").status_code == 404
    assert login(world.admin).get("/admin/clauses").headers["Location"] == (
        "/admin/clauses/quality"
    )


def test_only_the_admin_edits_standard_wording(world, login):
    response = login(world.head).post("/admin/clauses/quality", data={"text": "改掉"})
    assert response.status_code == 403
    assert count(StandardClause) == 0


def test_admin_saves_the_company_profile(world, login):
    client = login(world.admin)
    assert client.get("/admin/company").status_code == 200
    data = {
        "name": "浙江测试供应链有限公司",
        "address": "杭州市",
        "legal_rep": "周总",
        "phone": "0571-1",
        "bank": "工行",
        "account_no": "1202",
        "tax_number": "91330100000000002Y",
        "version": "",
    }
    response = client.post("/admin/company", data=data)
    assert "Company profile saved." in flashed(client, response)
    profile = db.session.scalar(sa.select(CompanyProfile))
    assert (profile.name, profile.tax_number, profile.version) == (
        "浙江测试供应链有限公司",
        "91330100000000002Y",
        1,
    )

    again = client.post(
        "/admin/company", data={**data, "name": "浙江新名称有限公司", "version": "1"}
    )
    assert again.status_code == 303
    stale = client.post("/admin/company", data={**data, "name": "过时的名称", "version": "1"})
    assert stale.status_code == 409
    assert input_value(text(stale), "name") == "过时的名称"
    db.session.expire_all()
    profile = db.session.scalar(sa.select(CompanyProfile))
    assert (profile.name, profile.version) == ("浙江新名称有限公司", 2)


def test_only_the_admin_edits_the_company_profile(world, login):
    response = login(world.executive).post("/admin/company", data={"name": "别人的公司"})
    assert response.status_code == 403
    assert count(CompanyProfile) == 0


def test_a_tax_exempt_contract_at_zero_percent_vat_can_be_saved(world, login):
    client = login(world.owner)
    response = client.post(
        f"/accounts/{world.account.id}/contracts/new", data=contract_form(tax_rate="0")
    )
    assert response.status_code == 303
    contract = db.session.scalar(sa.select(Contract))
    assert contract.tax_rate == Decimal("0.00")
    detail = text(client.get(f"/contracts/{contract.id}"))
    assert "VAT 0.00% = ¥0.00" in detail


def test_a_vat_rate_above_100_percent_is_refused(world, login):
    response = login(world.owner).post(
        f"/accounts/{world.account.id}/contracts/new", data=contract_form(tax_rate="130")
    )
    assert response.status_code == 422
    assert field_errors(text(response))["tax_rate"]
    assert count(Contract) == 0


def deviation_note(html: str, key: str) -> bool:
    fieldset = html[html.index(f'<fieldset id="clause-{key}">') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    return 'class="deviation-note"' in fieldset


def test_edit_page_compares_clauses_with_the_version_the_contract_began_from(
    app, world, login, make_contract
):
    with app.test_request_context():
        service.save_standard_clause(world.admin, ClauseKey.QUALITY, "质量符合国家标准。")
    at_v1 = make_contract()
    edited = make_contract(clauses={ClauseKey.QUALITY: "质量符合企业标准。"})
    with app.test_request_context():
        service.save_standard_clause(world.admin, ClauseKey.QUALITY, "质量符合行业标准。")

    client = login(world.owner)
    page = text(client.get(f"/contracts/{at_v1}/edit"))
    assert not deviation_note(page, "quality")  # still the wording of v1, as it began
    assert stored(at_v1).deviates is False
    assert deviation_note(text(client.get(f"/contracts/{edited}/edit")), "quality")
    assert stored(edited).deviates is True
    new_page = text(client.get(f"/accounts/{world.account.id}/contracts/new"))
    assert textarea(new_page, "clause_quality") == "质量符合行业标准。"
    assert not deviation_note(new_page, "quality")


# --- expiry reminders -------------------------------------------------------------------------


def _expire_in(contract_id: int, days: int) -> None:
    contract = db.session.get(Contract, contract_id)
    contract.effective_on = local_today() - timedelta(days=200)
    contract.expires_on = local_today() + timedelta(days=days)
    db.session.commit()


def test_owner_home_lists_a_signed_contract_expiring_within_the_window(
    app, world, login, make_contract
):
    contract_id = make_contract("signed")
    _expire_in(contract_id, 20)
    number = db.session.get(Contract, contract_id).number
    body = text(login(world.owner).get("/"))
    assert 'id="home-expiring"' in body and number in body
    assert number not in text(login(world.colleague).get("/"))


def test_expiry_window_comes_from_the_configuration(app, world, login, make_contract):
    contract_id = make_contract("signed")
    _expire_in(contract_id, 20)
    number = db.session.get(Contract, contract_id).number
    app.config["CONTRACT_EXPIRY_WINDOW_DAYS"] = 10
    client = login(world.owner)
    assert number not in text(client.get("/"))  # not in the home page's expiring box
    assert number not in text(client.get("/contracts/?stage=expiring"))
    assert number in text(client.get("/contracts/?stage=in_force"))
    app.config["CONTRACT_EXPIRY_WINDOW_DAYS"] = 30
    assert number in text(client.get("/contracts/?stage=expiring"))


def test_the_account_history_names_status_changes_of_contracts_and_complaints(world, login, app):
    from webapp.complaints import service as complaints

    contract_id = make_contract_for_history(app, world)
    with app.test_request_context():
        complaint = complaints.record_complaint(
            world.owner,
            world.account.id,
            {
                "subject": "包装破损",
                "description": "第三批货外包装破损 5 箱",
                "received_on": local_today(),
            },
        )
        complaints.advance(world.owner, complaint.id, "investigated", "承运商挤压")
    page = text(
        login(world.owner).get(
            f"/accounts/{world.account.id}/history", headers={"HX-Request": "true"}
        )
    )
    assert re.search(r"Contract HT-\d{4}-\d{5}", page) and "<dt>Status</dt>" in page
    assert "In approval" in page and "in_approval" not in page
    assert "Complaint " in page and "Investigated" in page and "investigated" not in page
    assert stored(contract_id).status is S.IN_APPROVAL


def make_contract_for_history(app, world):
    with app.test_request_context():
        contract = service.create_contract(world.owner, world.account.id, draft_input())
        service.submit(world.owner, contract.id)
    return contract.id
