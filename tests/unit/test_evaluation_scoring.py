"""The cooperation evaluation's rules, table by table: each criterion's score, the weighted
overall score, grade, recommendation, needs to develop, the administrator's settings, and the
chart."""

from __future__ import annotations

import io
import time
from datetime import date
from decimal import Decimal as D

import pytest
from PIL import Image

from webapp.evaluations import chart, scoring


@pytest.mark.parametrize(
    ("plan", "actual", "expected"),
    [
        ("100", "80", D(80)),
        ("100", "100", D(100)),
        ("100", "150", D(100)),  # above plan counts as fully met
        ("100", "0", D(0)),
        ("0", "50", None),  # no plan: not judged
    ],
)
def test_sales_score(plan, actual, expected):
    assert scoring.sales_score(D(plan), D(actual)) == expected


@pytest.mark.parametrize(
    ("arrears", "limit", "expected"),
    [
        ("0", "1000", D(100)),
        ("500", "1000", D(75)),
        ("1000", "1000", D(50)),
        ("1500", "1000", D(25)),
        ("2000", "1000", D(0)),
        ("5000", "1000", D(0)),
        ("10", "0", D(0)),  # owing without any credit
        ("0", "0", D(100)),
    ],
)
def test_arrears_score(arrears, limit, expected):
    assert scoring.arrears_score(D(arrears), D(limit)) == expected


@pytest.mark.parametrize(
    ("on_credit", "payments", "arrears", "limit", "expected"),
    [
        ("1000", "1000", "0", "1000", D(100)),
        ("1000", "500", "1000", "1000", D(50)),  # (50 + 50) / 2
        ("1000", "2000", "0", "1000", D(100)),  # paying old debts caps at 100
        ("0", "0", "500", "1000", D(75)),  # nothing on credit: the arrears half alone
    ],
)
def test_payment_score(on_credit, payments, arrears, limit, expected):
    assert scoring.payment_score(D(on_credit), D(payments), D(arrears), D(limit)) == expected


@pytest.mark.parametrize(
    ("delivered", "months", "expected"),
    [(0, 12, D(0)), (2, 12, D(50)), (4, 12, D(100)), (9, 12, D(100)), (1, 2, D(100))],
)
def test_support_score(delivered, months, expected):
    assert scoring.support_score(delivered, months) == expected


@pytest.mark.parametrize(
    ("received", "still_open", "days", "expected"),
    [
        (0, 0, None, D(100)),
        (1, 0, 3.0, D(90)),
        (1, 1, None, D(70)),
        (2, 0, 12.0, D(70)),  # 100 − 20 − 2 × 5 slow days
        (8, 3, 30.0, D(0)),
    ],
)
def test_complaints_score(received, still_open, days, expected):
    assert scoring.complaints_score(received, still_open, days) == expected


@pytest.mark.parametrize(("covered", "expected"), [(0, D(0)), (3, D(50)), (6, D(100))])
def test_coverage_score(covered, expected):
    assert scoring.coverage_score(covered) == expected


@pytest.mark.parametrize(
    ("actual", "last_year", "expected"),
    [("100", "100", D(50)), ("150", "100", D(100)), ("50", "100", D(0)), ("110", "100", D(60))],
)
def test_growth_score(actual, last_year, expected):
    assert scoring.growth_score(D(actual), D(last_year)) == expected
    assert scoring.growth_score(D(actual), D(0)) is None


def test_overall_score_weighs_only_what_could_be_judged():
    weights = scoring.DEFAULT_WEIGHTS
    all_full = {k: D(100) for k in scoring.CRITERIA}
    assert scoring.overall_score(all_full, weights) == D("100.0")
    mixed = {**all_full, "sales": D(0)}
    assert scoring.overall_score(mixed, weights) == D("65.0")  # loses the 35 of sales
    unjudged = {**mixed, "sales": None, "growth": None}
    assert scoring.overall_score(unjudged, weights) == D("100.0")
    assert scoring.overall_score(dict.fromkeys(scoring.CRITERIA), weights) == D("0.0")


@pytest.mark.parametrize(
    ("overall", "grade"),
    [("100", "A"), ("85", "A"), ("84.9", "B"), ("70", "B"), ("55", "C"), ("54.9", "D"), ("0", "D")],
)
def test_grade_thresholds(overall, grade):
    assert scoring.grade_of(D(overall), scoring.DEFAULT_THRESHOLDS) == grade


def test_changed_weights_and_thresholds_change_the_outcome():
    inputs = scoring.Inputs(
        months=12,
        plan_amount=D(100),
        actual_amount=D(100),
        on_credit=D(0),
        payments=D(0),
        arrears=D(0),
        credit_limit=D(100),
        support_delivered=0,
        complaints=0,
        open_complaints=0,
        average_days_to_close=None,
        covered_roles=6,
        last_year_amount=D(0),
    )
    default = scoring.score(inputs)
    assert default.criteria["support"] == D(0)
    assert default.criteria["growth"] is None
    assert default.overall == D("88.9")  # 800 / 90
    assert default.grade == "A"
    no_support = scoring.Settings.from_values({"weight_support": 0, "weight_sales": 45})
    assert scoring.score(inputs, no_support).overall == D("100.0")
    strict = scoring.Settings.from_values({"grade_A": 95})
    assert scoring.score(inputs, strict).grade == "B"


@pytest.mark.parametrize(
    ("grade", "arrears", "limit", "action"),
    [
        ("A", "0", "100", scoring.UPGRADE),
        ("A", "100", "100", scoring.UPGRADE),  # at the limit is within it
        ("A", "101", "100", scoring.DOWNGRADE),  # over the limit whatever the grade
        ("B", "0", "100", scoring.KEEP),
        ("C", "50", "100", scoring.KEEP),
        ("D", "0", "100", scoring.DOWNGRADE),
    ],
)
def test_recommended_action(grade, arrears, limit, action):
    assert scoring.recommended_action(grade, D(arrears), D(limit)) == action


@pytest.mark.parametrize(
    ("current", "action", "suggested"),
    [
        ("yellow", scoring.UPGRADE, "green"),
        ("green", scoring.UPGRADE, "green"),
        ("red", scoring.UPGRADE, "yellow"),
        ("green", scoring.DOWNGRADE, "yellow"),
        ("red", scoring.DOWNGRADE, "red"),
        ("yellow", scoring.KEEP, "yellow"),
    ],
)
def test_suggested_credit_grade(current, action, suggested):
    assert scoring.suggested_credit_grade(current, action) == suggested


@pytest.mark.parametrize(
    ("roles", "products", "sales", "still_open", "support", "codes"),
    [
        ([], [], D(100), 0, 1, []),
        (["coach"], [], D(100), 0, 1, [("role", "coach")]),
        ([], ["钢板 Q235"], None, 0, 1, [("product", "钢板 Q235")]),
        ([], [], D("79.9"), 0, 1, [("behind_plan", "")]),
        ([], [], D(80), 2, 0, [("open_complaints", "2"), ("no_support", "")]),
    ],
)
def test_needs_to_develop(roles, products, sales, still_open, support, codes):
    needs = scoring.needs_to_develop(roles, products, sales, still_open, support)
    assert [(n.code, n.subject) for n in needs] == codes


VALID = {
    "weight_sales": "35",
    "weight_payment": "25",
    "weight_support": "10",
    "weight_complaints": "10",
    "weight_coverage": "10",
    "weight_growth": "10",
    "grade_A": "85",
    "grade_B": "70",
    "grade_C": "55",
}


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({}, {}),
        ({"weight_sales": "45", "weight_growth": "0"}, {}),
        ({"weight_sales": "36"}, {"weights": "sum"}),
        ({"weight_sales": "-5", "weight_payment": "65"}, {"weight_sales": "range"}),
        ({"weight_sales": "101"}, {"weight_sales": "range"}),
        ({"weight_sales": "3.5"}, {"weight_sales": "range"}),
        ({"weight_sales": ""}, {"weight_sales": "range"}),
        ({"grade_B": "85"}, {"grades": "order"}),
        ({"grade_C": "90"}, {"grades": "order"}),
        ({"grade_A": "x"}, {"grade_A": "range"}),
    ],
)
def test_settings_validation(changes, errors):
    parsed, problems = scoring.validate_settings({**VALID, **changes})
    assert problems == errors
    if not errors:
        assert sum(v for k, v in parsed.items() if k.startswith("weight_")) == 100


def test_defaults_are_valid_and_round_trip():
    settings = scoring.Settings()
    assert scoring.validate_settings(settings.values())[1] == {}
    assert scoring.Settings.from_values(settings.values()) == settings


LABELS = dict(
    title="月度销售额与计划对比",
    plan_label="计划金额",
    actual_label="实际金额",
    behind_label="未达成",
    unit_label="万元",
)


def test_chart_is_a_crisp_deterministic_png():
    months = [date(2025, m, 1) for m in range(1, 13)]
    plan = [D(100000 + 20000 * i) for i in range(12)]
    actual = [D(90000 + 25000 * i) for i in range(12)]
    plan[3] = D(0)  # a month without plan breaks the line, nothing fails
    png = chart.sales_chart(months, plan, actual, **LABELS)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.size == (chart.WIDTH, chart.HEIGHT) == (1600, 700)
    assert chart.sales_chart(months, plan, actual, **LABELS) == png
    # bars in both colours: met and behind plan
    colours = {colour for _count, colour in image.getcolors(1_000_000)}
    assert chart.BAR_MET in colours and chart.BAR_BEHIND in colours and chart.PLAN in colours


def test_chart_is_fast_and_copes_with_empty_and_long_periods():
    empty = chart.sales_chart([date(2026, 1, 1)], [D(0)], [D(0)], **LABELS)
    assert Image.open(io.BytesIO(empty)).size == (1600, 700)
    months = [date(2023 + m // 12, m % 12 + 1, 1) for m in range(36)]
    values = [D(1234567)] * 36
    chart.sales_chart(months, values, values, **LABELS)  # warm the font cache
    started = time.perf_counter()
    chart.sales_chart(months, values, values, **LABELS)
    assert time.perf_counter() - started < 0.2  # ~30 ms; generous for a busy CI machine
