"""`common.startup.long_lived`: imports without the collector's passes, and the collector as it
was afterwards (a process left without it would grow with every cyclic garbage)."""

from __future__ import annotations

import gc

import pytest

from webapp.common.startup import long_lived


def test_what_the_block_makes_is_frozen_and_the_collector_runs_again():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with long_lived():
        assert not gc.isenabled()
        made = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(made)


def test_a_collector_paused_by_someone_else_stays_paused():
    gc.disable()
    try:
        with long_lived():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_failing_import_still_gives_the_collector_back():
    with pytest.raises(ImportError), long_lived():
        import webapp.no_such_module  # noqa: F401
    assert gc.isenabled()
