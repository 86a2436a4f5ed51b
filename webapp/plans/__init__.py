"""Plans (issue 15): role service plans (ISUNOR 角色服务计划) per contact with the account's
monthly review, each user's calendar feed, and the attack plan (项目攻关方案) pages — its filing
(the request type itself is the approval engine's), approved actions as tasks with progress and
the monthly progress review."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Plan pages and the calendar feed, the account's Plans tab and the plans' history terms."""
    from webapp.accounts.history import register_history_terms
    from webapp.accounts.tabs import register_tab
    from webapp.plans import sections, views
    from webapp.relationships.plan import register_account_plan_section

    app.register_blueprint(views.bp)
    # the account plan document (relationships) shows the plans due and the approved attack plan
    register_account_plan_section(
        app, "service_plans", "角色服务计划", 40, sections.service_plans_section
    )
    register_account_plan_section(
        app, "attack_plan", "项目攻关方案", 50, sections.attack_plan_section
    )
    register_tab(app, "plans", _l("Plans"), "plans.account_plans", 35)
    register_history_terms(
        app,
        prefixes={
            "service_plan_item": _l("Service plan"),
            "account_review": _l("Monthly review"),
            "attack_action": _l("Attack plan task"),
            "attack_review": _l("Progress review"),
        },
        entities={
            "service_plan_item": _l("Service plan item"),
            "account_review": _l("Monthly review"),
            "attack_action": _l("Attack plan task"),
            "attack_review": _l("Progress review"),
        },
        actions={"plan.done": _l("Marked done"), "plan.progress": _l("Progress updated")},
    )
