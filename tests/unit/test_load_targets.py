"""The load report's pages target (benchmarks/load/run.py): judged on the pool of all page
requests and on each page that has enough requests for a 95th percentile."""

import importlib.util
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "benchmarks" / "load" / "run.py"


@pytest.fixture(scope="module")
def run():
    spec = importlib.util.spec_from_file_location("load_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(name, times, method="GET", start=100.0):
    return [{"start": start, "method": method, "name": name, "ms": ms, "failed": 0} for ms in times]


def test_fast_pages_meet_the_target(run):
    rows = _rows("home", [50] * 40) + _rows("accounts.index", [30] * 40)
    name, ok, why = run.pages_target(rows, since=0)
    assert ok
    assert "all 80 page requests p95 50 ms" in why
    assert "slowest page p95: home 50 ms (40 requests)" in why


def test_one_slow_busy_page_misses_even_when_the_pool_is_fast(run):
    rows = _rows("home", [50] * 35 + [400] * 5) + _rows("accounts.index", [30] * 400)
    _name, ok, why = run.pages_target(rows, since=0)
    assert not ok
    assert "home 400 ms (40 requests)" in why


def test_a_slow_pool_misses(run):
    rows = _rows("home", [50] * 18 + [300] * 2) + _rows("accounts.tab", [250] * 10)
    _name, ok, _why = run.pages_target(rows, since=0)
    assert not ok


def test_a_rare_page_counts_in_the_pool_and_is_named_with_its_slowest(run):
    rows = _rows("home", [60] * 100) + _rows("sales.batch", [20, 20, 20, 330])
    _name, ok, why = run.pages_target(rows, since=0)
    assert ok  # one request in four cannot make a 95th percentile on its own
    assert "sales.batch 330 ms of 4" in why


def test_posts_pdfs_and_the_sign_in_rush_are_not_pages(run):
    rows = (
        _rows("home", [60] * 40)
        + _rows("contracts.submit", [900] * 40, method="POST")
        + _rows("documents.contract_pdf", [800] * 40)
        + _rows("home", [5000] * 40, start=1.0)  # before the steady state
    )
    _name, ok, why = run.pages_target(rows, since=50.0)
    assert ok
    assert "all 40 page requests" in why
