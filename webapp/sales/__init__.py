"""Sales plans and records (销售计划及记录), their import from ERP files, and sales expenses.

DOMAIN.md "Activities" (sales plan and records) and "Credit" (arrears against the limit).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Sales-record pages and imports, the account's Sales records tab, `flask import sales`,
    and the arrears that contracts' available credit deducts (one figure, from the records)."""
    from webapp.accounts.tabs import register_tab
    from webapp.common.background import register_task
    from webapp.contracts.service import register_arrears_provider
    from webapp.lists.registry import register_list
    from webapp.sales import cli, lists, service, views
    from webapp.sales.importer.batches import work_on

    app.register_blueprint(views.bp)
    register_task(app, "sales.import", work_on)
    register_list(app, lists.PURCHASES)
    register_tab(app, "records", _l("Sales records"), "sales.account_records", 45)
    register_arrears_provider(app, service.account_arrears, many=service.arrears_by_account)
    app.cli.add_command(cli.import_group)
