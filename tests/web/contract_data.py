"""Contract payloads for tests: every field a complete contract needs (service.REQUIRED_FOR_SUBMIT
and both parties' PARTY_FIELDS), as a browser posts it or as the service takes it.

`contract_form()` is the edit form as strings (lines-<n>-<field>, clause_<key>, action);
`draft_input()` is the same contract parsed the way the view parses it, for service calls.
Both fill the clause texts with the current standard wording, so a default contract does not
deviate, and both need an app context (they read the standard wording from the database).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from webapp.common.timeutil import local_today
from webapp.contracts import service
from webapp.contracts.lines import LineInput
from webapp.contracts.models import PARTY_FIELDS, ClauseKey

# product, brand, spec, unit, quantity, unit price; amounts 45,000.00 + 2,890.00 + 0.99
LINES = (
    ("冷轧钢板", "宝钢", "1.0mm×1250mm", "吨", "10", "4500.00"),
    ("镀锌卷", "鞍钢", "0.5mm", "吨", "0.5", "5780"),
    ("包装费", "", "", "件", "3", "0.33"),
)
LINES_TOTAL = Decimal("47890.99")

CLIENT = {
    "name": "上海宝钢测试有限公司",
    "address": "上海市宝山区测试路88号",
    "legal_rep": "赵法人",
    "signing_rep": "钱采购",
    "contact": "孙联系",
    "phone": "021-5555 0000",
    "bank": "中国银行上海宝山支行",
    "account_no": "4567 0000 0000 0001",
    "tax_number": "91310000000000001X",
}
OUR = {
    "name": "浙江测试供应链有限公司",
    "address": "杭州市西湖区测试路1号",
    "legal_rep": "周总",
    "signing_rep": "张经理",
    "contact": "张经理",
    "phone": "0571-8888 0000",
    "bank": "中国工商银行杭州分行",
    "account_no": "1202 0000 0000 0002",
    "tax_number": "91330100000000002Y",
}


def _terms(today: date) -> dict[str, str]:
    return {
        "title": "冷轧板购销合同",
        "tax_rate": "13",
        "delivery_time": "合同生效后15日内",
        "delivery_place": "需方上海宝山仓库",
        "transport": "road",
        "freight_payer": "seller",
        "dist_level": "first_level",
        "dist_exclusive": "y",
        "dist_territory": "上海市",
        "dist_products": "冷轧板、镀锌卷",
        "dist_term": "一年",
        "settlement_method": "月结30天，银行转账",
        "policy_rebate": "年销量满500吨返利1%",
        "policy_annual_bonus": "完成年度目标奖励2万元",
        "policy_promotion": "每季度促销一次",
        "policy_advertising": "广告费用双方各半",
        "policy_staff": "派驻促销员一名",
        "signing_place": "上海市宝山区",
        "signing_date": today.isoformat(),
        "effective_on": today.isoformat(),
        "expires_on": (today + timedelta(days=365)).isoformat(),
    }


def line_fields(lines=LINES) -> dict[str, str]:
    data = {}
    for n, (product, brand, spec, unit, quantity, price) in enumerate(lines):
        data.update(
            {
                f"lines-{n}-product": product,
                f"lines-{n}-brand": brand,
                f"lines-{n}-spec": spec,
                f"lines-{n}-unit": unit,
                f"lines-{n}-quantity": quantity,
                f"lines-{n}-unit_price": price,
            }
        )
    return data


def standard_texts() -> dict[ClauseKey, str]:
    return {key: text for key, (_version, text) in service.current_standards().items()}


def contract_form(lines=LINES, action: str = "save", version=None, **overrides) -> dict[str, str]:
    """The whole edit form of a complete contract, as strings. Pass `field=None` to leave a
    field out of the post altogether; `dist_exclusive=""` unticks the box."""
    data = _terms(local_today())
    data.update({f"client_{name}": value for name, value in CLIENT.items()})
    data.update({f"our_{name}": value for name, value in OUR.items()})
    data.update({f"clause_{key.value}": text for key, text in standard_texts().items()})
    data.update(line_fields(lines))
    data["action"] = action
    if version is not None:
        data["version"] = str(version)
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = str(getattr(value, "value", value))
    if not data.get("dist_exclusive"):
        data.pop("dist_exclusive", None)  # an unticked checkbox is not posted
    return data


def rows(lines=LINES) -> list[LineInput]:
    return [
        LineInput(product=p, brand=b, spec=s, unit=u, quantity_text=q, unit_price_text=price)
        for p, b, s, u, q, price in lines
    ]


def draft_input(lines=LINES, clauses: dict | None = None, **overrides) -> service.DraftInput:
    """The complete contract as the view hands it to the service: enums, dates, Decimals.
    Overrides take typed values (None empties a field)."""
    strings = _terms(local_today())
    strings.update({f"client_{name}": value for name, value in CLIENT.items()})
    strings.update({f"our_{name}": value for name, value in OUR.items()})
    values: dict = {}
    for name in service.TEXT_FIELDS:
        values[name] = strings.get(name)
    for name, enum in service.ENUM_FIELDS.items():
        values[name] = enum(strings[name])
    for name in service.DATE_FIELDS:
        values[name] = date.fromisoformat(strings[name])
    values["tax_rate"] = Decimal(strings["tax_rate"])
    values["dist_exclusive"] = True
    values.update(overrides)
    texts = standard_texts()
    texts.update(clauses or {})
    return service.DraftInput(values=values, rows=rows(lines), clauses=texts)


assert set(CLIENT) == set(OUR) == set(PARTY_FIELDS)
