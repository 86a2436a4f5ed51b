"""The accessibility gate: axe-core (bundled by axe-playwright-python, nothing downloaded) checks
the ten main pages in Chinese and in English, at desktop and phone width, and any critical or
serious violation fails the suite with the rule, the page and the offending elements."""

from __future__ import annotations

import pytest

from tests.browser.test_layout import PHONE, Extra, _add_world

pytestmark = pytest.mark.browser

GATED = ("critical", "serious")


def _main_pages(world, extra: Extra) -> list[tuple[str, str]]:
    """(name, path) of the main pages; the client's page is opened signed out."""
    return [
        ("home", "/"),
        ("account list", "/accounts/"),
        ("account", f"/accounts/{world.pujiang_id}"),
        ("account contacts", f"/accounts/{world.pujiang_id}?tab=contacts"),
        ("contract list", "/contracts/"),
        ("inbox", "/approvals/"),
        ("request", f"/approvals/{extra.request_id}"),
        ("notifications", "/notifications/"),
        ("search results", "/search?q=pjjm"),  # 浦江精密 by pinyin initials
        ("my views", "/views"),
        ("proposal", f"/proposals/{extra.proposal_id}"),
        ("client proposal", extra.client_path),
    ]


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in GATED:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            found.append(
                f"{violation['impact']} {violation['id']}: {violation['help']} → {targets}"
            )
    return found


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("width", ["1440", "390"])
def test_main_pages_have_no_critical_or_serious_violations(browser, live_server, lang, width):
    pytest.importorskip("axe_playwright_python", reason="pip install -e '.[dev]'")
    world = live_server.world
    extra = _add_world(live_server)
    viewport = PHONE if width == "390" else {"width": 1440, "height": 900}
    # bypass_csp: axe is injected by the test, not served by the app
    context = browser.new_context(
        locale="zh-CN" if lang == "zh_CN" else "en-US", viewport=viewport, bypass_csp=True
    )
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(live_server("/login"))
        problems = [f"login: {v}" for v in _violations(page)]
        form = page.locator("form:has(input[name=password])")
        form.locator("input[name=username]").fill(world.east_supervisor)
        form.locator("input[name=password]").fill(world.password)
        form.locator("button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)
        for name, path in _main_pages(world, extra):
            if name == "client proposal":
                context.clear_cookies()
                context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
            page.goto(live_server(path))
            page.wait_for_load_state("networkidle")
            problems += [f"{name} ({path}): {v}" for v in _violations(page)]
    finally:
        context.close()
    assert not problems, "axe-core found:\n" + "\n".join(problems)
