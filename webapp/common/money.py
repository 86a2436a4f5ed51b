"""Amounts in Chinese capital numerals (大写金额), as Chinese contracts and cheques require.

Follows the People's Bank of China settlement rules (支付结算办法): an amount ending at 元 or 角
takes 整; one ending at 分 does not; a run of zeros inside the number is read as one 零; a zero
in the 元 place before 角/分, or a zero 角 before 分, is read as 零.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
SECTIONS = ("", "万", "亿")
MAX_AMOUNT = Decimal("999999999999.99")  # below a trillion yuan: 仟亿 is the largest section


def _section(value: int) -> str:
    """0 < value < 10000 as numerals with place words; inner zeros read once as 零."""
    text = ""
    pending_zero = False
    for place in range(3, -1, -1):
        digit = value // 10**place % 10
        if digit == 0:
            pending_zero = bool(text)
            continue
        if pending_zero:
            text += "零"
            pending_zero = False
        text += DIGITS[digit] + PLACES[place]
    return text


def _integer(value: int) -> str:
    if value == 0:
        return "零"
    sections = []
    while value:
        sections.append(value % 10000)
        value //= 10000
    text = ""
    zero_gap = False
    for index in range(len(sections) - 1, -1, -1):
        section = sections[index]
        if section == 0:
            zero_gap = bool(text)
            continue
        if text and (zero_gap or section < 1000):
            text += "零"
        text += _section(section) + SECTIONS[index]
        zero_gap = False
    return text


def amount_in_words(amount: Decimal) -> str:
    """e.g. 123456.78 → 壹拾贰万叁仟肆佰伍拾陆元柒角捌分; 10 → 壹拾元整; 0 → 零元整."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if abs(amount) > MAX_AMOUNT:
        raise ValueError("amount too large for capital numerals")
    prefix = "负" if amount < 0 else ""
    fen_total = int(abs(amount) * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10

    if yuan == 0 and jiao == 0 and fen == 0:
        return "零元整"
    text = ""
    if yuan:
        text = _integer(yuan) + "元"
    if jiao == 0 and fen == 0:
        return prefix + text + "整"
    if jiao:
        if yuan and yuan % 10 == 0:
            text += "零"
        text += DIGITS[jiao] + "角"
    if fen:
        if yuan and jiao == 0:
            text += "零"
        text += DIGITS[fen] + "分"
    else:
        text += "整"
    return prefix + text
