"""The dashboard's figures against hand-computed data (tests/web/dashboard_world.py), its
scope per role, the period's refusals and the lists behind the figures."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from werkzeug.datastructures import MultiDict

from tests.web.dashboard_world import PERIOD, TODAY, build, payment, purchase
from webapp.auth.models import Role
from webapp.dashboard import figures, operations, service
from webapp.dashboard.period import Period, parse_period
from webapp.dashboard.tables import Percent
from webapp.extensions import db

D = Decimal


@pytest.fixture
def world(make_user, make_account, make_department):
    return build(make_user, make_account, make_department)


def table(user, key):
    board = service.figures_for(user, MultiDict(PERIOD), today=TODAY)
    figure = next(f for f in board.figures if f.key == key)
    return [r.values for r in figure.rows], [r.values for r in figure.footer]


def test_funnel_counts_and_expected_value_per_stage(world):
    rows, _ = table(world.head, "funnel")
    assert [r[1:] for r in rows] == [
        [2, D("0.00")],  # target
        [1, D("0.00")],  # information
        [0, D("0.00")],  # evaluation
        [1, D("40000.00")],  # relationship
        [1, D("100000.00")],  # closing
        [1, D("0.00")],  # maintenance
    ]


def test_forecast_groups_open_deals_by_close_month(world):
    rows, _ = table(world.head, "forecast")
    assert [r[1:] for r in rows] == [[2, D("140000.00")], [3, D("0.00")]]
    assert rows[0][0] == "2026-12"


def test_matrix_counts_class_by_tier(world):
    rows, _ = table(world.head, "matrix")
    a, b, c, d, insufficient = rows
    # columns: AAA, AA, A, B+, B, C, no tier, total
    assert a[1:] == [1, 1, 0, 0, 0, 0, 0, 2]
    assert b[1:] == [0, 0, 0, 0, 0, 0, 2, 2]
    assert c[1:] == [0, 0, 0, 0, 1, 0, 0, 1]
    assert d[1:] == [0] * 8
    assert insufficient[1:] == [0, 0, 0, 0, 0, 0, 1, 1]


def test_pareto_two_of_five_clients_make_80_percent(world):
    rows, _ = table(world.head, "pareto")
    assert rows[0][1:] == [2, D("80.00"), Percent("40.0")]
    assert rows[1][1:] == [3, D("20.00"), Percent("60.0")]
    assert rows[2][1:3] == [5, D("100.00")]


def test_pareto_of_the_executive_counts_the_whole_company(world):
    rows, _ = table(world.executive, "pareto")
    assert rows[0][1:3] == [1, D("1000.00")]  # 1000 of 1100 ≥ 80 %
    assert rows[2][1:3] == [6, D("1100.00")]


def test_pareto_cutoff_rule():
    assert figures.pareto_cutoff([]) == 0
    assert figures.pareto_cutoff([D(50), D(30), D(20)]) == 2
    assert figures.pareto_cutoff([D(79), D(21)]) == 2
    assert figures.pareto_cutoff([D(10)] * 10) == 8


def test_plan_attainment_per_manager_and_product(world):
    rows, _ = table(world.head, "attainment-managers")
    assert sorted(rows) == [
        ["乙经理", D("20.00"), D("20.00"), Percent("100.0"), Percent("0.0")],
        ["甲经理", D("100.00"), D("80.00"), Percent("80.0"), Percent("-20.0")],
    ]
    rows, _ = table(world.head, "attainment-products")
    assert rows == [
        ["PE", D("20.00"), D("15.00"), Percent("75.0"), Percent("-25.0")],
        ["PP", D("0.00"), D("5.00"), None, None],
        ["PVC", D("100.00"), D("80.00"), Percent("80.0"), Percent("-20.0")],
    ]


def test_churn_stopped_and_fell(world):
    rows, _ = table(world.head, "churn")
    assert rows[0][1:] == [1, D("20.00"), D("0.00"), D("-20.00")]
    assert rows[1][1:] == [1, D("100.00"), D("5.00"), D("-95.00")]


def test_receivables_ageing_by_band_and_above_limit(world):
    rows, footer = table(world.head, "ageing")
    assert [r[1:3] for r in rows] == [[1, D("50.00")], [0, D("0.00")], [1, D("30.00")],
                                      [1, D("5.00")]]  # fmt: skip
    assert footer[0][1:3] == [3, D("85.00")]
    assert footer[1][1:3] == [1, D("10.00")]  # 50 owed on a limit of 40


def test_payments_settle_the_oldest_purchases_first(world):
    account = world.accounts[5]
    purchase(account, date(2026, 11, 10), "20")
    purchase(account, date(2026, 7, 1), "30")
    payment(account, date(2026, 11, 12), "25")
    db.session.commit()
    item = operations.ageing_by_account(world.head, TODAY)[account.id]
    assert item.buckets == [D("20.00"), D("0.00"), D("0.00"), D("5.00")]


def test_approvals_waiting_per_approver_and_step(world):
    rows, _ = table(world.head, "approvals")
    assert len(rows) == 1
    who, step, count, oldest, mean = rows[0]
    assert "华东部" in who and step == "审核" and (count, oldest, mean) == (1, 3, "3.0")


def test_complaints_open_and_time_to_close(world):
    rows, footer = table(world.head, "complaints")
    assert rows[0][1:3] == [1, 14]  # recorded, received 14 days ago
    assert sum(r[1] for r in rows) == 1  # the other department's complaint is not counted
    assert footer[0][1] == 1 and footer[0][3] == "10.0"


@pytest.mark.parametrize(
    "args, message",
    [
        ({"from": "2026-01", "to": "2026-12"}, "未来"),
        ({"from": "2023-01", "to": "2026-11"}, "36"),
        ({"from": "2026-１１", "to": "2026-11"}, "YYYY-MM"),
        ({"from": "2026-11", "to": "2026-01"}, "开始晚于"),
        ({"from": "2026-13"}, "YYYY-MM"),
    ],
)
def test_refused_periods(app, args, message):
    choice = parse_period(MultiDict(args), TODAY)
    assert choice.error and message in choice.error


def test_period_of_36_months_is_accepted_and_unknown_args_named(app):
    choice = parse_period(MultiDict({"from": "2023-12", "to": "2026-11", "x": "1"}), TODAY)
    assert choice.error is None and choice.period.months == 36 and choice.ignored == ["x"]
    assert Period(date(2026, 6, 1), date(2026, 11, 1)).previous() == Period(
        date(2025, 12, 1), date(2026, 5, 1)
    )


# --- the pages -------------------------------------------------------------------------------


def test_head_sees_every_figure_with_chart_and_table(world, client, auth):
    auth.login(world.head)
    response = client.get("/dashboard?from=2026-06&to=2026-11")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for key in ("funnel", "forecast", "matrix", "pareto", "attainment-managers",
                "attainment-products", "churn", "ageing", "approvals", "complaints"):  # fmt: skip
        assert f'id="figure-{key}"' in html
    assert html.count("<svg") == 10 and html.count("<title>") >= 10
    assert "/dashboard/list/pareto?from=2026-06&amp;to=2026-11" in html


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.FINANCE, Role.CUSTODIAN])
def test_dashboard_is_for_those_who_run_the_department(world, client, auth, make_user, role):
    auth.login(make_user(role))
    assert client.get("/dashboard").status_code == 403


def test_future_period_answers_400_with_the_reason(world, client, auth):
    auth.login(world.head)
    response = client.get("/dashboard?from=2026-01&to=2099-12")
    assert response.status_code == 400
    assert 'id="period-error"' in response.get_data(as_text=True)


def test_unknown_filter_is_ignored_and_named(world, client, auth):
    auth.login(world.head)
    response = client.get("/dashboard?colour=red")
    assert response.status_code == 200
    assert "colour" in response.get_data(as_text=True)


def test_pareto_list_shows_the_clients_that_make_80_percent(world, client, auth):
    auth.login(world.head)
    response = client.get("/dashboard/list/pareto?from=2026-06&to=2026-11")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    a1, a2 = world.accounts[0], world.accounts[1]
    assert a1.short_name in html and a2.short_name in html
    assert world.accounts[2].short_name not in html and world.other.short_name not in html


def test_the_pareto_list_exports_to_xlsx_with_typed_cells_and_only_what_the_head_sees(
    world, client, auth
):
    auth.login(world.head)
    response = client.get("/dashboard/list/pareto?from=2026-06&to=2026-11&export=xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2026-06 — 2026-11" in rows[0][0]  # the filter and the period on the first line
    assert rows[1][:3] == ("排名", "客户", "销售额")
    names = [row[1] for row in rows[2:]]
    a1, a2 = world.accounts[0], world.accounts[1]
    assert a1.short_name in str(names) and a2.short_name in str(names)
    assert world.other.short_name not in str(rows)  # another department's client is absent
    money = [c for c in sheet.iter_rows(min_row=3) for c in c if c.number_format == "#,##0.00"]
    assert money and all(isinstance(c.value, int | float) for c in money)


def test_a_list_export_in_an_unknown_format_is_404_and_csv_has_a_bom(world, client, auth):
    auth.login(world.head)
    url = "/dashboard/list/pareto?from=2026-06&to=2026-11&export="
    assert client.get(url + "pdf").status_code == 404
    csv = client.get(url + "csv")
    assert csv.status_code == 200 and csv.data.startswith("\ufeff".encode())


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/dashboard/list/funnel?stage=target", 2),
        ("/dashboard/list/forecast?month=none", 3),
        ("/dashboard/list/matrix?value_class=A&tier=AAA", 1),
        ("/dashboard/list/attainment?owner_id={am1}", 2),
        ("/dashboard/list/churn?kind=fell", 1),
        ("/dashboard/list/ageing?bucket=all", 3),
        ("/dashboard/list/approvals?step=审核", 1),
        ("/dashboard/list/complaints?status=closed", 1),
    ],
)
def test_each_list_has_the_rows_its_figure_counted(world, client, auth, url, expected):
    auth.login(world.head)
    url = url.format(am1=world.am1.id) + "&from=2026-06&to=2026-11"
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == expected


@pytest.mark.parametrize(
    "url", ["/dashboard/list/nope", "/dashboard/list/funnel?stage=x", "/dashboard/list/ageing"]
)
def test_unknown_lists_answer_404(world, client, auth, url):
    auth.login(world.head)
    assert client.get(url).status_code == 404
