from decimal import Decimal

import pytest

from webapp.common.money import amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("11", "壹拾壹元整"),
        ("100", "壹佰元整"),
        ("101", "壹佰零壹元整"),
        ("110", "壹佰壹拾元整"),
        ("1010", "壹仟零壹拾元整"),
        ("1001", "壹仟零壹元整"),
        ("10000", "壹万元整"),
        ("100010", "壹拾万零壹拾元整"),
        ("1000001", "壹佰万零壹元整"),
        ("123456.78", "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"),
        ("100000000", "壹亿元整"),
        ("100000000.01", "壹亿元零壹分"),
        ("100000001", "壹亿零壹元整"),
        ("100010000", "壹亿零壹万元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("1.50", "壹元伍角整"),
        ("1.05", "壹元零伍分"),
        ("0.50", "伍角整"),
        ("0.05", "伍分"),
        ("0.01", "壹分"),
        ("10.10", "壹拾元零壹角整"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("-5", "负伍元整"),
    ],
)
def test_amount_in_capital_numerals(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_amounts_round_half_up_to_the_fen():
    assert amount_in_words(Decimal("0.005")) == "壹分"


def test_a_trillion_is_refused():
    with pytest.raises(ValueError):
        amount_in_words(Decimal("1000000000000"))
