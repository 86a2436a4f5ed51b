"""What the hardening costs (issue 13): the security middleware and the session check on the
account list, and how fast and lean a zip bomb is refused. One JSON line per figure.

    .venv/bin/python benchmarks/security.py [--accounts 2000] [--n 400]

- `security.account_list_added_p50`: the account list as the supervisor sees it (25 rows of
  their department), p50 with the hardening on and with it taken out (headers, the control-
  character check, outage bookkeeping, and the session generation check replaced by the old
  loader), interleaved in blocks so machine noise hits both alike; target < 1 ms added.
- `security.hooks_per_request_us`: the same hooks timed alone, per request.
- `security.zip_bomb_rejected`: an .xlsx inflating to 100 MB (within the total size allowed:
  refused for its compression ratio), 300 MB and 1 GB, refused: time and the process's extra
  peak memory (RSS high-water mark); targets < 1 s, < 50 MB.
- `security.row_20_million_rejected`: the 1.6 KB sheet whose only row is numbered 20,000,000.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Response  # noqa: E402

from webapp import create_app, demo  # noqa: E402
from webapp.accounts.models import Account  # noqa: E402
from webapp.auth import views as auth_views  # noqa: E402
from webapp.auth.models import User  # noqa: E402
from webapp.extensions import db, login_manager  # noqa: E402
from webapp.sales.importer import tables  # noqa: E402
from webapp.sales.importer.cells import FileRefused  # noqa: E402
from webapp.security import headers, inputs, outage  # noqa: E402


def emit(**figures) -> None:
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def _old_loader(session_user_id: str):
    """The loader before session generations: the id alone, no generation compared."""
    user_id = session_user_id.partition(".")[0]
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


class Hardening:
    """Take the hardening out of an app and put it back."""

    def __init__(self, app):
        self.app = app
        self.before = [inputs.refuse_control_characters]
        self.after = [headers.add_security_headers, outage._note_recovery]

    def off(self):
        funcs = self.app.before_request_funcs[None]
        for f in self.before:
            funcs.remove(f)
        after = self.app.after_request_funcs[None]
        for f in self.after:
            after.remove(f)
        login_manager.user_loader(_old_loader)

    def on(self):
        self.app.before_request_funcs[None].extend(self.before)
        self.app.after_request_funcs[None].extend(self.after)
        login_manager.user_loader(auth_views.load_user)


def account_list(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "WTF_CSRF_ENABLED": False,
                "SESSION_COOKIE_SECURE": False,
            }
        )
        with app.app_context():
            db.create_all()
            demo.load(n_accounts=args.accounts, seed=1, if_empty=False, echo=lambda _m: None)
            accounts = db.session.scalar(sa.select(sa.func.count()).select_from(Account))
        gc.collect()
        gc.freeze()
        client = app.test_client()
        client.post("/login", data={"username": "lina", "password": demo.PASSWORD})
        url = "/accounts/?sort=name&page=1"
        assert client.get(url).status_code == 200
        switch = Hardening(app)
        timings = {"on": [], "off": []}
        for block in range(args.n // 20):
            for state in ("on", "off") if block % 2 else ("off", "on"):
                getattr(switch, state)()
                for _ in range(20):
                    start = time.perf_counter()
                    response = client.get(url)
                    timings[state].append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200
                if state == "off":
                    switch.on()
        on, off = statistics.median(timings["on"]), statistics.median(timings["off"])
        emit(
            benchmark="security.account_list_added_p50",
            accounts=accounts,
            role="supervisor",
            n=len(timings["on"]),
            p50_on_ms=round(on, 3),
            p50_off_ms=round(off, 3),
            added_ms=round(on - off, 3),
            target_added_ms=1,
        )
        hooks_alone(app)


def hooks_alone(app, n: int = 20000) -> None:
    with app.test_request_context("/accounts/?q=浦江&stage=maintenance&sort=name&page=1"):
        start = time.perf_counter()
        for _ in range(n):
            inputs.refuse_control_characters()
            headers.add_security_headers(Response("x"))
        hooks = (time.perf_counter() - start) / n * 1e6
        start = time.perf_counter()
        for _ in range(n):
            Response("x")
        hooks -= (time.perf_counter() - start) / n * 1e6
        user = db.session.scalar(sa.select(User).where(User.username == "lina"))
        session_id = user.get_id()
        start = time.perf_counter()
        for _ in range(n):
            auth_views.load_user(session_id)
        new = (time.perf_counter() - start) / n * 1e6
        start = time.perf_counter()
        for _ in range(n):
            _old_loader(session_id)
        old = (time.perf_counter() - start) / n * 1e6
    emit(
        benchmark="security.hooks_per_request_us",
        n=n,
        headers_and_input_check_us=round(hooks, 2),
        session_check_added_us=round(new - old, 2),
    )


def _peak_rss_reset() -> int:
    """Reset the RSS high-water mark (Linux) and return the current RSS in kB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status("VmRSS")


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _bomb(inflated_mb: int) -> bytes:
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b"<worksheet><sheetData>")
            chunk = row * (1024 * 1024 // len(row))
            for _ in range(inflated_mb):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def _refuse(data: bytes) -> str:
    try:
        table = tables.read_table("bomb.xlsx", data)
        for _row in table.rows:
            pass
    except FileRefused as refused:
        return refused.code
    return "accepted"


def zip_bombs() -> None:
    for inflated_mb in (100, 300, 1024):
        data = _bomb(inflated_mb)
        gc.collect()
        base = _peak_rss_reset()
        start = time.perf_counter()
        code = _refuse(data)
        seconds = time.perf_counter() - start
        extra_mb = (_status("VmHWM") - base) / 1024
        emit(
            benchmark="security.zip_bomb_rejected",
            upload_kb=round(len(data) / 1024),
            inflates_to_mb=inflated_mb,
            refused_as=code,
            seconds=round(seconds, 4),
            extra_peak_memory_mb=round(extra_mb, 1),
            target_seconds=1,
            target_extra_mb=50,
        )
    row = '<row r="20000000"><c r="A20000000" t="inlineStr"><is><t>税号</t></is></c></row>'
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A20000000"/><sheetData>{row}</sheetData></worksheet>'
    ).encode()
    import openpyxl

    workbook = openpyxl.Workbook()
    plain = io.BytesIO()
    workbook.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for item in source.infolist():
            content = sheet if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            dest.writestr(item.filename, content)
    start = time.perf_counter()
    code = _refuse(out.getvalue())
    emit(
        benchmark="security.row_20_million_rejected",
        upload_kb=round(len(out.getvalue()) / 1024, 1),
        refused_as=code,
        seconds=round(time.perf_counter() - start, 4),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    zip_bombs()
    account_list(args)


if __name__ == "__main__":
    main()
