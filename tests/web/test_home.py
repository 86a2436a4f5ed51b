"""The home page: each user's pipeline and due next steps, limited to the accounts they see."""

from __future__ import annotations

import re
from datetime import timedelta

from webapp.accounts.models import Stage, Visit
from webapp.common.timeutil import local_today
from webapp.extensions import db


def pipeline_counts(html: str) -> dict[str, int]:
    """Stage code → count, read from the pipeline table's rows."""
    rows = re.findall(r'href="/accounts/\?stage=(\w+)".*?<td class="num">(\d+)</td>', html, re.S)
    return {stage: int(n) for stage, n in rows}


def test_pipeline_counts_only_visible_accounts(world, make_account, login):
    make_account(world.owner, stage=Stage.CLOSING)
    make_account(world.owner, stage=Stage.CLOSING, abandoned=True)  # given up: not counted
    make_account(world.other_manager, stage=Stage.CLOSING)
    counts = pipeline_counts(login(world.owner).get("/").get_data(as_text=True))
    assert len(counts) == len(Stage)
    assert counts["closing"] == 1 and counts["information"] == 1  # world's account: stage 2
    assert pipeline_counts(login(world.executive).get("/").get_data(as_text=True))["closing"] == 2


def test_due_next_steps_show_only_on_the_team(world, login):
    today = local_today()
    db.session.add_all(
        [
            Visit(
                account_id=world.account.id,
                user_id=world.owner.id,
                kind="visit",
                visited_on=today - timedelta(days=3),
                summary="首次拜访",
                next_step="送样品到采购部",
                next_date=today + timedelta(days=2),
            ),
            Visit(
                account_id=world.account.id,
                user_id=world.owner.id,
                kind="call",
                visited_on=today - timedelta(days=60),
                summary="很久以前",
                next_step="早已过时的事项",
                next_date=today - timedelta(days=45),  # older than 30 days: dropped
            ),
        ]
    )
    db.session.commit()
    owner_home = login(world.owner).get("/").get_data(as_text=True)
    assert "送样品到采购部" in owner_home
    assert "早已过时的事项" not in owner_home
    assert f'href="/accounts/{world.account.id}/activities"' in owner_home
    assert "送样品到采购部" not in login(world.other_manager).get("/").get_data(as_text=True)


def test_admin_home_is_user_administration(world, login):
    response = login(world.admin).get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
