"""Fixtures shared by every test: a fresh database per test (SQLite always; PostgreSQL too when
TEST_DATABASE_URL is set), a client, an `auth` helper that signs in as a user, an `hx` helper
for htmx headers, and factories for users and accounts."""

from __future__ import annotations

import itertools
import os
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from tests.helpers import PASSWORD, sign_in
from webapp import create_app
from webapp.accounts.models import (
    Account,
    AccountKind,
    BuyingRole,
    Channel,
    Contact,
    CreditGrade,
    Loyalty,
    Ownership,
    Relation,
    Stage,
)
from webapp.accounts.uscc import make_uscc
from webapp.auth.models import Department, Role, User
from webapp.extensions import db

# Hashing once with a cheap method keeps hundreds of test users fast; real users get scrypt.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _reuse_url_builders() -> None:
    """Every test makes its own app, and Werkzeug compiles two URL-building functions (an AST,
    then `compile`) for each of the app's ~160 routes: 0.11 of create_app's 0.13 s, paid by
    each of ~3,500 tests. A builder depends only on its rule's parsed parts, defaults and
    converters, and takes the rule as its `self`, so one compiled for an earlier app's
    identical rule is reused. Production makes one app per process and is not touched."""
    from werkzeug.routing import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:  # another Werkzeug: nothing to reuse
        return
    builders: dict = {}

    def reused(self, append_unknown=True):
        key = (
            self.rule,
            self.subdomain,
            self.host,
            tuple(self._trace),
            repr(sorted((self.defaults or {}).items())),
            tuple(sorted((name, type(c)) for name, c in self._converters.items())),
            append_unknown,
        )
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = compile_builder(self, append_unknown)
        return builder

    Rule._compile_builder = reused


_reuse_url_builders()


def _pg_url() -> str:
    url = os.environ["TEST_DATABASE_URL"]
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def pytest_configure(config):
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (`test_gw0`, … beside
    TEST_DATABASE_URL's), made on first use, so workers never truncate each other's tables. The
    environment variable is rewritten, so subprocesses a test starts use the same database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not os.environ.get("TEST_DATABASE_URL"):
        return
    base, _, name = os.environ["TEST_DATABASE_URL"].partition("?")[0].rpartition("/")
    own = f"{name}_{worker}"
    engine = sa.create_engine(_pg_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own}
        ).scalar()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{own}"'))
    engine.dispose()
    os.environ["TEST_DATABASE_URL"] = f"{base}/{own}"


@pytest.fixture(scope="session")
def _pg_schema():
    """Create the schema once per run on PostgreSQL; tests then only empty the tables."""
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": _pg_url()})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return True


def _truncate_all():
    """Empty every table and restart every used sequence, as a fresh database would be.

    A test fills a handful of the ~80 tables, so only those are emptied, children first, with
    DELETE: TRUNCATE gives each table (and its indexes) new files, ~0.3 s for all of them, paid
    by every PostgreSQL test; this takes ~0.05 s. Should a DELETE meet a reference it cannot
    order (a cycle of foreign keys), the whole TRUNCATE ... CASCADE runs instead."""
    tables = db.metadata.sorted_tables  # parents before children
    probe = " UNION ALL ".join(
        f"(SELECT {i} FROM {table.name} LIMIT 1)" for i, table in enumerate(tables)
    )
    try:
        with db.engine.begin() as conn:
            for i in sorted(conn.execute(sa.text(probe)).scalars(), reverse=True):
                conn.execute(sa.text(f"DELETE FROM {tables[i].name}"))
            conn.execute(
                sa.text(
                    "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) "
                    "FROM pg_sequences "
                    "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                )
            )
    except sa.exc.IntegrityError:
        names = ", ".join(table.name for table in tables)
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def app_config(backend, tmp_path, request):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }
    if backend == "sqlite":
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        request.getfixturevalue("_pg_schema")
        config["SQLALCHEMY_DATABASE_URI"] = _pg_url()
    return config


@pytest.fixture
def app(app_config, backend):
    app = create_app(app_config)
    with app.app_context():
        if backend == "sqlite":
            db.create_all()
        else:
            _truncate_all()
        yield app
        db.session.remove()
        db.engine.dispose()


class FreshGlobalsClient(FlaskClient):
    """A test client whose every request starts with an empty `flask.g`, as in production.

    The `app` fixture keeps one app context open for the whole test and a request reuses it, so
    without this Flask-Babel's cached locale and Flask-Login's user would outlive a request.
    """

    def open(self, *args, **kwargs):
        vars(g._get_current_object()).clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshGlobalsClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


HX = {"HX-Request": "true"}


@pytest.fixture
def hx():
    """Headers of an htmx (non-boosted) request."""
    return dict(HX)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user: User | str, password: str = PASSWORD):
        return sign_in(self._client, user, password)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


_counter = itertools.count(1)


@pytest.fixture
def make_department(app):
    def make(name: str | None = None) -> Department:
        department = Department(name=name or f"大客户部{next(_counter)}")
        db.session.add(department)
        db.session.commit()
        return department

    return make


@pytest.fixture
def make_user(app, make_department):
    default_department: list[Department] = []

    def make(
        role: Role = Role.ACCOUNT_MANAGER,
        department: Department | None = None,
        username: str | None = None,
        full_name: str | None = None,
    ) -> User:
        if department is None and role in (
            Role.ACCOUNT_MANAGER,
            Role.SUPERVISOR,
            Role.DEPARTMENT_HEAD,
        ):
            if not default_department:
                default_department.append(make_department("华东大客户部"))
            department = default_department[0]
        n = next(_counter)
        user = User(
            username=username or f"{role.value}{n}",
            full_name=full_name or f"{role.value}-{n}",
            role=role,
            department_id=department.id if department else None,
            password_hash=PASSWORD_HASH,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


def uscc_for(n: int) -> str:
    """A valid code for the n-th test account. Its check character is kept a digit: a letter
    there would make searches for Latin letters in names match some accounts by tax number,
    depending on how many accounts earlier tests made."""
    code = make_uscc(f"91310000{n:09d}")
    while not code[-1].isdigit():
        n += 1_000_000_000 // 10  # another body, still unique to this n
        code = make_uscc(f"91310000{n % 1_000_000_000:09d}")
    return code


@pytest.fixture
def make_account(app):
    def make(owner: User, **values) -> Account:
        n = next(_counter)
        defaults = dict(
            name=f"上海测试客户{n}有限公司",
            short_name=f"测试{n}",
            tax_number=uscc_for(n),
            kind=AccountKind.ECONOMIC,
            relation=Relation.DOWNSTREAM,
            channel=Channel.TERMINAL,
            ownership=Ownership.PRIVATE,
            loyalty=Loyalty.SEMI_LOYAL,
            stage=Stage.INFORMATION,
            credit_grade=CreditGrade.GREEN,
            credit_limit=Decimal("500000.00"),
            owner_id=owner.id,
            department_id=owner.department_id,
        )
        defaults.update(values)
        account = Account(**defaults)
        db.session.add(account)
        db.session.commit()
        return account

    return make


@pytest.fixture
def make_contact(app):
    def make(account: Account, **values) -> Contact:
        defaults = dict(name="王总", buying_role=BuyingRole.DECISION_MAKER)
        defaults.update(values)
        contact = Contact(account_id=account.id, **defaults)
        db.session.add(contact)
        db.session.commit()
        return contact

    return make
