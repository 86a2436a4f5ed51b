"""Every list's tools: exports (`?export=xlsx|csv` on a list, big ones built in the background)
and saved views. Areas register their lists with `registry.register_list` in their `init_app`."""

from __future__ import annotations

from flask import Flask

from webapp.common.background import register_task


def init_app(app: Flask) -> None:
    from webapp.lists import exports, views

    app.register_blueprint(views.bp)
    register_task(app, "exports.build", exports.build_export)
