"""Handing a client link over and reading who opened it: the QR code a client scans in WeChat
(an SVG made on the server by `segno`), and a user-agent string in words (browser, system and
device, by `ua-parser` with its maintained rule set), for the opens log."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import segno
from flask_babel import gettext as _
from markupsafe import Markup
from ua_parser import parse

# Chinese messengers open links in their own browser; the parser knows some of them only by the
# engine underneath (Android's WeChat reads as "Chrome Mobile WebView"). Their own token first.
IN_APP = (
    (re.compile(r"wxwork/([\d.]+)", re.I), "WeCom"),
    (re.compile(r"MicroMessenger/([\d.]+)", re.I), "WeChat"),
    (re.compile(r"DingTalk/([\d.]+)", re.I), "DingTalk"),
    (re.compile(r"(?:Lark|Feishu)/([\d.]+)", re.I), "Feishu"),
)


def qr_svg(url: str, title: str) -> Markup:
    """The QR code of `url` as inline SVG (no size attributes: CSS sizes it), with a title for
    screen readers. Error correction M: still scans from a phone photo of a screen."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=4, border=2, omitsize=True, title=title, dark="#111", light="#fff")
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


@dataclass(frozen=True)
class Agent:
    """What a user-agent string says, in words."""

    summary: str  # "WeChat 8.0.47 · Android 14 · Samsung SM-S9180"
    raw: str  # the string as received, shown on hover
    is_bot: bool = False


def _version(*parts: str | None) -> str:
    return ".".join(p for p in parts if p)


def _app_names() -> dict[str, str]:
    return {
        "WeCom": _("WeCom"),
        "WeChat": _("WeChat"),
        "DingTalk": _("DingTalk"),
        "Feishu": _("Feishu"),
    }


@lru_cache(maxsize=2048)
def _parsed(raw: str) -> tuple[str, str, str, bool]:
    """(browser, system, device, is_bot) of a user-agent string; parsing is cached because
    the opens log shows the same few browsers again and again."""
    result = parse(raw)
    browser = system = device = ""
    for pattern, name in IN_APP:
        found = pattern.search(raw)
        if found:
            browser = f"\0{name} {'.'.join(found.group(1).split('.')[:3])}"
            break
    ua = result.user_agent
    if not browser and ua is not None and ua.family != "Other":
        browser = f"{ua.family} {_version(ua.major, ua.minor)}".strip()
    os = result.os
    if os is not None and os.family != "Other":
        system = f"{os.family} {_version(os.major, os.minor)}".strip()
    dev = result.device
    if dev is not None and dev.family not in ("Other", "Mac", "Spider", "Generic Smartphone"):
        device = dev.family
    is_bot = bool(dev is not None and dev.family == "Spider")
    return browser, system, device, is_bot


def describe_agent(raw: str | None) -> Agent:
    """A user-agent string as "browser · system · device" ("unknown" when nothing is known)."""
    raw = (raw or "").strip()
    if not raw:
        return Agent(summary=_("unknown"), raw="")
    browser, system, device, is_bot = _parsed(raw[:300])
    if browser.startswith("\0"):  # an in-app browser: its name in the reader's language
        name, _sep, version = browser[1:].partition(" ")
        browser = f"{_app_names()[name]} {version}".strip()
    parts = [p for p in (browser, system, device) if p]
    summary = " · ".join(parts) if parts else _("unknown")
    if is_bot:
        summary = _("automated (%(what)s)", what=summary)
    return Agent(summary=summary, raw=raw, is_bot=is_bot)
