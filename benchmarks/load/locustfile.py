"""The Monday-morning mix (issue 18): account managers browse and search their accounts, open
details and tabs, log visits, draft and submit contracts and download their PDFs; approvers work
their inbox and decide; everyone polls the badge. Run by run.py (never by `make test`).

Each simulated person signs in as a demo user (password keydesk123), reads the CSRF token and
the one-time submission keys from the pages like a browser, and posts the same forms. A 409 on a
decision (someone decided the step first) is the expected answer of a race, counted under its
own name, not as an error. The complete contract form comes from run.py (contract_form.json).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, events, task

PASSWORD = "keydesk123"
MANAGERS = [
    "zhangwei", "wangfang", "liuqiang", "chenhao", "huangli", "linjie", "sunli", "mazhiyuan",
    "gaoxin",
]  # fmt: skip
APPROVERS = ["lina", "wangqiang", "zhouyan", "wujun", "heyong", "guoming", "zhaomin", "chenjing"]
SEARCHES = ["上海", "杭州", "广州", "深圳", "北京", "天津", "钢", "科技", "有限公司"]
TABS = ["profile", "contacts", "activities", "contracts", "requests", "history", "records"]
WORK = Path(os.environ.get("KEYDESK_LOAD_WORK", Path(__file__).parent / ".work"))
CONTRACT_FORM = json.loads((WORK / "contract_form.json").read_text())
IMPORT = CONTRACT_FORM.pop("_import")  # the purchase file's header and accounts to name
ACCOUNT_LINK = re.compile(r'href="/accounts/(\d+)"')
CONTRACT_LINK = re.compile(r'href="/contracts/(\d+)"')
DECIDE = re.compile(r'action="(/approvals/\d+/steps/\d+)"')
CONFIRM = re.compile(r'action="(/sales/imports/\d+/confirm)"')

# Every request as it happened (start time, name, milliseconds, failed?): run.py computes the
# figures for the whole run and for the steady state after everyone signed in from these.
REQUESTS: list[tuple[float, str, str, float, int]] = []


@events.request.add_listener
def _record(request_type, name, response_time, exception, start_time=None, **_kw):
    REQUESTS.append((start_time or 0.0, request_type, name, response_time, int(bool(exception))))


@events.quitting.add_listener
def _write(**_kw):
    with (WORK / "requests.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["start", "method", "name", "ms", "failed"])
        writer.writerows(REQUESTS)


class Forms(HTMLParser):
    """The forms of a page: action → {name: value} as a browser would post them untouched."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._form: dict[str, str] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = self.forms.setdefault(a.get("action") or "", {})
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self._form[a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form[self._textarea] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif (
            tag == "option"
            and self._select
            and a.get("value")
            and (self._select not in self._form or "selected" in a)
        ):
            self._form[self._select] = a["value"]  # the selected option, else the first one

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_of(html: str, action_suffix: str) -> tuple[str, dict[str, str]] | None:
    for action, fields in Forms(html).forms.items():
        if action.endswith(action_suffix):
            return action, dict(fields)
    return None


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 4)  # think time between clicks
    usernames: list[str] = []

    def on_start(self):
        self.username = random.choice(self.usernames)
        page = self.client.get("/login", name="auth.login_page")
        _action, fields = form_of(page.text, "/login") or ("/login", {})
        fields.update(username=self.username, password=PASSWORD)
        self.client.post("/login", data=fields, name="auth.login", allow_redirects=False)
        self.client.get("/", name="home")

    def csrf(self, html: str) -> str:
        found = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', html
        )
        return found.group(1) if found else ""

    @task(2)
    def badge(self):
        self.client.get("/approvals/badge", name="approvals.badge", headers={"HX-Request": "true"})

    @task(2)
    def home(self):
        self.client.get("/", name="home")


class AccountManager(Person):
    weight = 4
    usernames = MANAGERS

    def on_start(self):
        super().on_start()
        page = self.client.get("/accounts/", name="accounts.index")
        self.accounts = sorted(set(ACCOUNT_LINK.findall(page.text))) or ["1"]
        self.contracts: list[str] = []

    @task(4)
    def browse(self):
        page = random.randint(1, 5)
        self.client.get(f"/accounts/?page={page}", name="accounts.index")

    @task(3)
    def search(self):
        self.client.get(f"/accounts/?q={random.choice(SEARCHES)}", name="accounts.search")

    @task(6)
    def open_account(self):
        account = random.choice(self.accounts)
        self.client.get(f"/accounts/{account}", name="accounts.detail")
        for tab in random.sample(TABS, 2):
            response = self.client.get(
                f"/accounts/{account}/{tab}", name=f"accounts.tab.{tab}",
                headers={"HX-Request": "true"},
            )  # fmt: skip
            if tab == "contracts":
                self.contracts = sorted(set(CONTRACT_LINK.findall(response.text)))[:20]

    @task(2)
    def log_visit(self):
        account = random.choice(self.accounts)
        page = self.client.get(f"/accounts/{account}/activities", name="accounts.tab.activities")
        found = form_of(page.text, f"/accounts/{account}/visits")
        if found is None:
            return
        action, fields = found
        fields.update(summary="周一例行拜访：确认本月订单与回款计划。", next_step="")
        with self.client.post(
            action, data=fields, name="accounts.add_visit", catch_response=True,
            headers={"HX-Request": "true"},
        ) as response:  # fmt: skip
            if response.status_code >= 400:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(2)
    def contract_pdf(self):
        if not self.contracts:
            page = self.client.get("/contracts/", name="contracts.index")
            self.contracts = sorted(set(CONTRACT_LINK.findall(page.text)))[:20]
        if not self.contracts:
            return
        contract = random.choice(self.contracts)
        self.client.get(f"/documents/contract/{contract}.pdf", name="documents.contract_pdf")

    @task(1)
    def draft_and_submit_contract(self):
        account = random.choice(self.accounts)
        url = f"/accounts/{account}/contracts/new"
        page = self.client.get(url, name="contracts.new_page")
        found = form_of(page.text, url) if page.status_code == 200 else None
        if found is None:
            return  # this account takes no contract from this user (e.g. not signed yet)
        _action, fields = found
        fields = {k: v for k, v in fields.items() if not k.startswith("lines-")}
        fields.update(CONTRACT_FORM)
        fields["action"] = "submit"
        with self.client.post(
            url, data=fields, name="contracts.submit", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 422:  # a rule of this account (e.g. its credit) refused
                response.success()
                response.request_meta["name"] = "contracts.submit (refused by a rule)"
            elif response.status_code != 303:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class Approver(Person):
    weight = 1
    usernames = APPROVERS

    @task(3)
    def inbox(self):
        self.client.get("/approvals/", name="approvals.inbox")

    @task(4)
    def decide(self):
        page = self.client.get("/approvals/", name="approvals.inbox")
        actions = DECIDE.findall(page.text)
        if not actions:
            return
        action = random.choice(actions)
        fields = {"csrf_token": self.csrf(page.text), "decision": "approve", "comment": "同意"}
        with self.client.post(
            action, data=fields, name="approvals.decide", catch_response=True,
            headers={"HX-Request": "true"},
        ) as response:  # fmt: skip
            if response.status_code == 409:  # decided by someone else a moment before
                response.success()
                response.request_meta["name"] = "approvals.decide (already decided)"
            elif response.status_code >= 400:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class Importer(Person):
    """Finance imports a small purchase file now and then and confirms it."""

    fixed_count = 1
    usernames = ["chenjing"]

    @task
    def import_small_file(self):
        page = self.client.get("/sales/imports", name="sales.imports")
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(IMPORT["header"])
        for tax, name in random.sample(IMPORT["accounts"], 5):
            doc = f"LOAD-{random.randrange(10**9)}"
            writer.writerow([tax, name, "2026-11-20", doc, "钢材", "Q235", 10, 4500, 0])
        files = {"file": ("purchases.csv", out.getvalue().encode("utf-8"), "text/csv")}
        data = {"csrf_token": self.csrf(page.text), "kind": ""}
        with self.client.post(
            "/sales/imports", data=data, files=files, name="sales.upload",
            allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 303:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            batch_url = response.headers["Location"]
        batch = self.client.get(batch_url, name="sales.batch")
        found = CONFIRM.search(batch.text)
        if found:
            self.client.post(
                found.group(1), data={"csrf_token": self.csrf(batch.text)}, name="sales.confirm"
            )
