"""Rules of key-account development, table-driven from the seeds: the sales tier by tables
4-1/4-2 (seed 004), the value class A–D (seed 001 stage 3), the MAN veto, the duplicate keys."""

from __future__ import annotations

from decimal import Decimal

import pytest

from webapp.accounts.models import SalesTier, ValueClass
from webapp.development.assessment import DEFAULT_WEIGHTS, classify
from webapp.development.models import Qualification, TierTable
from webapp.development.profiles import normalise_name, normalise_phone
from webapp.development.qualification import verdict
from webapp.development.tiers import DEFAULT_TABLES, Band, check_table, compute_tier, figures_from

D = Decimal
AAA, AA, A, BP, B, C = (
    SalesTier.AAA,
    SalesTier.AA,
    SalesTier.A,
    SalesTier.B_PLUS,
    SalesTier.B,
    SalesTier.C,
)

# Table 4-1 (批发、连锁类): monthly sales 万元 → tier; bounds: lower included, upper excluded.
WHOLESALE_CASES = [
    ("150", AAA),
    ("999", AAA),
    ("149.99", AA),
    ("105", AA),
    ("104.99", A),
    ("75", A),
    ("74.99", BP),
    ("60", BP),
    ("59.99", B),
    ("35", B),
    ("34.99", C),
    ("17", C),
    ("16.99", None),
    ("0", None),
]

# Table 4-2 (零售、医疗机构), margin norms 2 % … 4 %: (sales 万元, margin %, tier, lifted)
RETAIL_CASES = [
    ("20", None, AAA, False),
    ("19.99", "2", AA, False),  # at the norm: no lift ("超过定额" = above it)
    ("19.99", "2.01", AAA, True),
    ("10", "1.5", AA, False),
    ("9.99", "2.5", A, False),
    ("9.99", "2.6", AA, True),
    ("5.5", None, A, False),
    ("5.49", "3.1", A, True),
    ("3", "3", BP, False),
    ("2.99", "3.6", BP, True),
    ("1", "3.5", B, False),
    ("0.99", "4.1", B, True),
    ("0.5", "4", C, False),
    ("0.49", "9", None, False),  # below C: the seed gives no norm, so no lift
    ("0", None, None, False),
]


@pytest.mark.parametrize(("sales", "tier"), WHOLESALE_CASES)
def test_wholesale_tier_by_table_4_1(sales, tier):
    result = compute_tier(DEFAULT_TABLES[TierTable.WHOLESALE], D(sales), None)
    assert (result.tier, result.lifted) == (tier, False)


@pytest.mark.parametrize(("sales", "margin", "tier", "lifted"), RETAIL_CASES)
def test_retail_tier_by_table_4_2_with_the_margin_lift(sales, margin, tier, lifted):
    result = compute_tier(DEFAULT_TABLES[TierTable.RETAIL], D(sales), D(margin) if margin else None)
    assert (result.tier, result.lifted) == (tier, lifted)


def test_a_band_below_c_with_a_norm_lifts_to_c_and_aaa_stays_aaa():
    bands = [*DEFAULT_TABLES[TierTable.WHOLESALE][:-1], Band(None, D("0"), D("17"), D("12"))]
    bands[0] = Band(AAA, D("150"), None, D("5"))
    assert compute_tier(bands, D("10"), D("12.5")).tier is C
    assert compute_tier(bands, D("200"), D("50")).tier is AAA


def test_the_seed_tables_are_valid():
    for bands in DEFAULT_TABLES.values():
        assert check_table(bands) == {}


def _with(bands, index, **changes):
    rows = list(bands)
    band = rows[index]
    rows[index] = Band(
        changes.get("tier", band.tier),
        changes.get("sales_min", band.sales_min),
        changes.get("sales_max", band.sales_max),
        changes.get("margin_norm", band.margin_norm),
    )
    return rows


RETAIL = DEFAULT_TABLES[TierTable.RETAIL]


@pytest.mark.parametrize(
    ("bands", "field", "words"),
    [
        (_with(RETAIL, 1, sales_max=D("19")), "max_1", "空缺"),
        (_with(RETAIL, 1, sales_max=D("21")), "max_1", "重叠"),
        (_with(RETAIL, 0, sales_max=D("30")), "max_0", "不设上限"),
        (_with(RETAIL, 6, sales_min=D("0.1")), "min_6", "从 0 开始"),
        (_with(RETAIL, 2, sales_min=D("12")), "max_2", "上限须高于下限"),
        (_with(RETAIL, 3, margin_norm=D("120")), "norm_3", "百分数"),
        (_with(RETAIL, 4, sales_max=None), "max_4", "只有最高一档"),
    ],
)
def test_tables_with_gaps_or_overlaps_are_refused(app, bands, field, words):
    # messages in the default language, Chinese
    with app.test_request_context():
        errors = check_table(bands)
    assert field in errors and words in errors[field]


def test_monthly_average_counts_the_months_since_the_first_purchase_up_to_twelve():
    from datetime import date

    today = date(2026, 12, 3)
    assert figures_from(D("120000"), None, None, date(2026, 10, 5), today).months == 3
    assert figures_from(D("120000"), None, None, date(2026, 10, 5), today).monthly_sales == D(
        "40000.00"
    )
    assert figures_from(D("1200000"), None, None, date(2025, 1, 1), today).months == 12
    margin = figures_from(D("100"), D("80"), D("8"), date(2026, 12, 1), today).gross_margin
    assert margin == D("10.00")  # only purchases with a known profit count for the margin
    assert figures_from(None, None, None, None, today).monthly_sales == D("0.00")


# --- value assessment (seed 001 stage 3) ----------------------------------------------------

ALL = {k: None for k in "ABCDEFG"}


@pytest.mark.parametrize(
    ("scores", "mean", "value_class"),
    [
        ({k: 5 for k in "ABCDEFG"}, D("5.00"), ValueClass.A),
        ({k: 4 for k in "ABCDEFG"}, D("4.00"), ValueClass.A),
        ({**{k: 4 for k in "ABCDEFG"}, "A": 3}, D("3.80"), ValueClass.B),
        ({k: 3 for k in "ABCDEFG"}, D("3.00"), ValueClass.B),
        ({**{k: 3 for k in "ABCDEFG"}, "D": 2}, D("2.80"), ValueClass.C),
        ({k: 2 for k in "ABCDEFG"}, D("2.00"), ValueClass.C),
        ({k: 1 for k in "ABCDEFG"}, D("1.00"), ValueClass.D),
        ({**{k: 5 for k in "ABCDEFG"}, "G": None}, None, ValueClass.INSUFFICIENT),
        (ALL, None, ValueClass.INSUFFICIENT),
    ],
)
def test_value_class_from_weighted_scores(scores, mean, value_class):
    assert classify(scores, DEFAULT_WEIGHTS) == (mean, value_class)


def test_a_criterion_without_weight_is_not_required():
    weights = {**DEFAULT_WEIGHTS, "A": 30, "G": 0}
    scores = {**{k: 4 for k in "ABCDEF"}, "G": None}
    assert classify(scores, weights) == (D("4.00"), ValueClass.A)


@pytest.mark.parametrize(
    ("money", "authority", "need", "result"),
    [
        (True, True, True, Qualification.QUALIFIED),
        (False, True, True, Qualification.UNQUALIFIED),
        (True, False, True, Qualification.UNQUALIFIED),
        (True, True, False, Qualification.UNQUALIFIED),
        (False, False, False, Qualification.UNQUALIFIED),
    ],
)
def test_one_failed_man_indicator_vetoes(money, authority, need, result):
    assert verdict({"money": money, "authority": authority, "need": need}) is result


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("上海宝钢测试有限公司", "上海宝钢测试"),
        ("上海宝钢测试有限公司", "上海宝钢测试股份有限公司"),
        ("ＡＢＣ贸易（上海）有限公司", "ABC贸易(上海)"),
        ("Acme Trading Co., Ltd.", "acme trading"),
        ("上海 宝钢 测试 有限责任公司", "上海宝钢测试公司"),
    ],
)
def test_spellings_of_one_company_share_a_key(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_different_companies_keep_different_keys():
    assert normalise_name("上海宝钢测试有限公司") != normalise_name("上海宝钢物流有限公司")
    assert normalise_name("有限公司")  # a suffix alone is not stripped to nothing


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("021-5888 0000", "02158880000"),
        ("+86 21 5888 0000", "02158880000"),
        ("+86 138 0013 8000", "13800138000"),
        ("０２１５８８８００００", "02158880000"),
    ],
)
def test_phone_keys(a, b):
    assert normalise_phone(a) == normalise_phone(b)


# --- the daily-lead rule's working calendar -------------------------------------------------

CALENDAR = {"working_weekdays": [0, 1, 2, 3, 4], "holidays": [], "extra_workdays": []}


@pytest.mark.parametrize(
    ("today", "calendar", "expected"),
    [
        # a Thursday: Wednesday, Tuesday, Monday
        ("2026-12-03", CALENDAR, ["2026-12-02", "2026-12-01", "2026-11-30"]),
        # a Monday: the weekend is skipped
        ("2026-12-07", CALENDAR, ["2026-12-04", "2026-12-03", "2026-12-02"]),
        # a holiday on Friday is skipped too
        (
            "2026-12-07",
            {**CALENDAR, "holidays": ["2026-12-04"]},
            ["2026-12-03", "2026-12-02", "2026-12-01"],
        ),
        # a Saturday worked (调休) counts
        (
            "2026-12-07",
            {**CALENDAR, "extra_workdays": ["2026-12-05"]},
            ["2026-12-05", "2026-12-04", "2026-12-03"],
        ),
    ],
)
def test_working_days_before_follow_the_calendar(today, calendar, expected):
    from datetime import date

    from webapp.development.leads import working_days_before

    days = working_days_before(date.fromisoformat(today), 3, calendar)
    assert [d.isoformat() for d in days] == expected


# --- credit grading (资信评估) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("annual", "score"),
    [("6000000", 100), ("5000000", 100), ("4999999.99", 80), ("2000000", 80), ("500000", 60),
     ("100000", 40), ("99999.99", 20), ("0.01", 20), ("0", 0)],
)  # fmt: skip
def test_volume_score_steps(annual, score):
    from webapp.development.credit import volume_score

    assert volume_score(D(annual)) == score


@pytest.mark.parametrize(
    ("collection", "late", "ratio", "score"),
    [
        ("1", 0, "0", "100.00"),  # all paid, on time, no arrears
        ("0.5", 0, "0", "75.00"),
        ("1", 45, "0", "87.50"),  # half the late allowance used
        ("1", 90, "0", "75.00"),
        ("1", 200, "0", "75.00"),  # later than 90 days scores 0 for lateness, no less
        ("0.8", 30, "0.5", "69.17"),
        ("0.6", 120, "1.5", "30.00"),  # arrears beyond the limit score 0 there
    ],
)
def test_payment_score(collection, late, ratio, score):
    from webapp.development.credit import payment_score

    assert payment_score(D(collection), late, D(ratio)) == D(score)


@pytest.mark.parametrize(
    ("recent", "earlier", "score"),
    [("100", "100", "50.00"), ("150", "100", "100.00"), ("300", "100", "100.00"),
     ("50", "100", "0.00"), ("80", "100", "30.00"), ("100", "0", "50")],
)  # fmt: skip
def test_potential_score(recent, earlier, score):
    from webapp.development.credit import potential_score

    assert potential_score(D(recent), D(earlier)) == D(score)


@pytest.mark.parametrize(
    ("total", "grade", "monthly", "limit"),
    [("75", "green", "123456", "240000"), ("74.99", "yellow", "123456", "120000"),
     ("50", "yellow", "9999", "0"), ("49.99", "red", "500000", "0")],
)  # fmt: skip
def test_grade_and_limit(total, grade, monthly, limit):
    from webapp.development.credit import grade_for, limit_for

    floors, months = {"green": 75, "yellow": 50}, {"green": 2, "yellow": 1, "red": 0}
    found = grade_for(D(total), floors)
    assert found.value == grade
    assert limit_for(D(monthly), found, months) == D(limit)
