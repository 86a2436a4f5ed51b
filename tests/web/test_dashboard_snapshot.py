"""The dashboard as of a moment: a second visit within DASHBOARD_CACHE_SECONDS shows the same
figures with the time they were computed and a refresh link; refreshing computes anew; each
user has their own snapshot; a store that fails costs speed, never the page."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.web.dashboard_world import build, purchase
from webapp.dashboard import snapshot
from webapp.extensions import db

URL = "/dashboard?from=2026-06&to=2026-11"


@pytest.fixture
def world(app, make_user, make_account, make_department, tmp_path):
    app.config["DASHBOARD_CACHE_SECONDS"] = 300
    app.config["DASHBOARD_CACHE_DIR"] = str(tmp_path / "snapshots")  # this test's own
    return build(make_user, make_account, make_department)


def pareto(html: str) -> str:
    found = re.search(r'id="figure-pareto".*?(?=id="figure-(?!pareto))', html, re.S)
    assert found, "no Pareto figure on the page"
    return found.group(0)


def test_a_second_visit_shows_the_snapshot_until_refreshed(world, client, auth):
    auth.login(world.head)
    first = client.get(URL).get_data(as_text=True)
    assert 'id="dashboard-as-of"' in first and 'id="dashboard-refresh"' in first

    purchase(world.accounts[0], date(2026, 9, 1), "987654.32")
    db.session.commit()
    again = client.get(URL).get_data(as_text=True)
    assert pareto(again) == pareto(first)  # as of the first visit

    refreshed = client.get(URL + "&refresh=1")
    html = refreshed.get_data(as_text=True)
    assert refreshed.status_code == 200
    assert pareto(html) != pareto(first)
    assert 'id="period-notice"' not in html  # `refresh` is not an unknown filter
    assert pareto(client.get(URL).get_data(as_text=True)) == pareto(html)  # kept anew


def test_each_user_has_their_own_snapshot(world, client, auth):
    auth.login(world.head)
    head_page = client.get(URL).get_data(as_text=True)
    assert "5 家客户中" in pareto(head_page)  # the department's five clients
    auth.logout()
    auth.login(world.executive)
    executive_page = client.get(URL).get_data(as_text=True)
    assert "6 家客户中" in pareto(executive_page)  # and another department's


def test_a_store_that_fails_costs_only_speed(world, client, auth, monkeypatch):
    def broken():
        raise ConnectionError("cache down")

    monkeypatch.setattr(snapshot, "_store", broken)
    auth.login(world.head)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'id="figure-pareto"' in response.get_data(as_text=True)


def test_snapshots_keep_typed_values_exactly(world, app):
    from werkzeug.datastructures import MultiDict

    from webapp.dashboard import service
    from webapp.dashboard.period import parse_period

    choice = parse_period(MultiDict({"from": "2026-06", "to": "2026-11"}), date(2026, 12, 3))
    figures = service.all_figures(world.executive, choice, date(2026, 12, 3))
    with app.test_request_context():
        restored, _at = snapshot.decode(snapshot.encode(figures, snapshot.utcnow()))
    assert [f.key for f in restored] == [f.key for f in figures]
    for before, after in zip(figures, restored, strict=True):
        assert [r.values for r in after.rows] == [r.values for r in before.rows]
        assert [type(v) for r in after.rows for v in r.values] == [
            type(v) for r in before.rows for v in r.values
        ]
        assert str(after.chart) == str(before.chart)


def test_the_scheduled_refresh_prepares_each_dashboard_before_the_visit(
    world, app, client, auth, monkeypatch
):
    from webapp.dashboard import service

    stored = snapshot.refresh_all()
    assert stored == 3  # the head, the supervisor and the executive; not the account managers

    def not_again(*_args, **_kwargs):
        raise AssertionError("the figures were computed during the visit")

    monkeypatch.setattr(service, "all_figures", not_again)
    auth.login(world.head)
    response = client.get("/dashboard")  # the default period, as the job prepared it
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="figure-pareto"' in html and 'href="/dashboard/list/pareto?' in html
    assert "数据截至" in html


def test_the_scheduled_refresh_is_a_periodic_job(app):
    from webapp.jobs.queue import PERIODIC

    fn, schedule = app.extensions[PERIODIC]["dashboard.snapshots"]
    assert fn is snapshot.refresh_all and schedule == {"minute": "*/4"}
    assert snapshot.REFRESH_MINUTES * 60 < snapshot.DEFAULT_SECONDS  # ready before it expires
