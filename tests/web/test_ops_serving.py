"""Production serving (issue 18): /healthz and /readyz, request ids in JSON logs, the client
address behind trusted proxies, and the refusal to start in production when unsafe."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import request

from webapp import create_app
from webapp.ops import logs, production
from webapp.ops.health import register_readiness_check

ROOT = Path(__file__).resolve().parents[2]
LONG_KEY = "k" * 40 + "0123456789abcdef"


def test_healthz_answers_without_a_session_or_the_database(app_config):
    app_config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    app = create_app(app_config)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_lists_database_fonts_and_catalogues(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert {"database", "fonts", "catalogues"} <= set(response.json["checks"])
    assert response.json["status"] == "ok"


def test_readyz_answers_503_with_the_failing_check(app, client):
    register_readiness_check(app, "queue", lambda: (False, "redis unreachable"))
    register_readiness_check(app, "broken", lambda: 1 / 0)
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json["checks"]
    assert (checks["queue"]["ok"], checks["queue"]["detail"]) == (False, "redis unreachable")
    assert checks["broken"]["ok"] is False and "ZeroDivisionError" in checks["broken"]["detail"]
    assert checks["database"]["ok"] is True


def test_readyz_says_when_the_database_is_down(app_config):
    app_config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    app = create_app(app_config)
    with app.app_context():
        response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"]["ok"] is False


def test_a_sane_request_id_is_kept_and_returned(client):
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-3f2a.7:1"})
    assert response.headers["X-Request-ID"] == "nginx-3f2a.7:1"


@pytest.mark.parametrize("given", ["", "a b", "x" * 65, "<script>", "é"])
def test_an_insane_request_id_is_replaced(client, given):
    response = client.get("/healthz", headers={"X-Request-ID": given})
    rid = response.headers["X-Request-ID"]
    assert rid != given and len(rid) == 32 and rid.isalnum()


def test_each_request_gets_its_own_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    assert client.get("/healthz").headers["X-Request-ID"] != first


@contextlib.contextmanager
def json_lines(name: str):
    """The JSON lines logger `name` writes (at INFO and above) while the block runs."""
    handler = logging.Handler()
    lines: list[str] = []
    handler.emit = lambda record: lines.append(logs.JsonFormatter().format(record))
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_json_log_lines_carry_the_request_id(app, client):
    seen = []

    @app.get("/test-log")
    def test_log():
        logging.getLogger("keydesk.test").warning("hello %s", "there", extra={"kind": "t"})
        seen.append(logs.current_request_id())
        return "ok"

    with json_lines("keydesk.test") as lines:
        client.get("/test-log", headers={"X-Request-ID": "abc123"})
    entry = json.loads(lines[0])
    assert entry["message"] == "hello there"
    assert entry["request_id"] == "abc123" == seen[0]
    assert entry["kind"] == "t" and entry["level"] == "WARNING"


def test_a_background_job_carries_the_request_id():
    assert logs.current_request_id() is None
    with logs.carry_request_id("from-request-7"):
        assert logs.current_request_id() == "from-request-7"
        line = json.loads(logs.JsonFormatter().format(logging.makeLogRecord({"msg": "job"})))
        assert line["request_id"] == "from-request-7"
    assert logs.current_request_id() is None


def _remote_addr_app(app_config, monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app(app_config)

    @app.get("/test-addr")
    def test_addr():
        return f"{request.remote_addr} {request.scheme} {request.host}"

    return app.test_client()


def test_behind_one_trusted_proxy_the_client_address_is_the_clients(app_config, monkeypatch):
    client = _remote_addr_app(app_config, monkeypatch, KEYDESK_PROXY_HOPS="1")
    headers = {
        "X-Forwarded-For": "10.1.2.3",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "keydesk.example",
    }
    body = client.get("/test-addr", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert body.get_data(as_text=True) == "10.1.2.3 https keydesk.example"


def test_a_spoofed_hop_in_front_of_the_proxy_is_not_believed(app_config, monkeypatch):
    client = _remote_addr_app(app_config, monkeypatch, KEYDESK_PROXY_HOPS="1")
    headers = {"X-Forwarded-For": "6.6.6.6, 10.1.2.3"}  # the client wrote the first itself
    body = client.get("/test-addr", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert body.get_data(as_text=True).split()[0] == "10.1.2.3"


def test_without_proxy_settings_forwarded_headers_are_ignored(app_config, monkeypatch):
    monkeypatch.delenv("KEYDESK_PROXY_HOPS", raising=False)
    client = _remote_addr_app(app_config, monkeypatch)
    headers = {"X-Forwarded-For": "10.1.2.3"}
    body = client.get("/test-addr", headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert body.get_data(as_text=True).split()[0] == "192.0.2.9"


def test_a_bad_hop_count_is_refused(app_config, monkeypatch):
    monkeypatch.setenv("KEYDESK_PROXY_HOPS", "one")
    with pytest.raises(RuntimeError, match="KEYDESK_PROXY_HOPS"):
        create_app(app_config)


def _production_config(tmp_path) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"}


@pytest.mark.parametrize(
    ("key", "words"),
    [
        (None, "not set in the environment"),
        ("short-key-123", "shorter than 32"),
        ("change-me-to-64-random-hex-characters", "placeholder"),
    ],
)
def test_production_refuses_a_default_or_short_secret_key(tmp_path, monkeypatch, key, words):
    monkeypatch.setenv("KEYDESK_ENV", "production")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(production.UnsafeConfiguration, match=words):
        create_app(_production_config(tmp_path))


def test_production_refuses_debug(tmp_path, monkeypatch):
    monkeypatch.setenv("KEYDESK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", LONG_KEY)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(production.UnsafeConfiguration, match="debug is on"):
        create_app(_production_config(tmp_path))


def test_production_starts_with_a_long_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("KEYDESK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", LONG_KEY)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("KEYDESK_LOG_FORMAT", "text")
    assert create_app(_production_config(tmp_path)).config["SECRET_KEY"] == LONG_KEY


def test_outside_production_the_instance_key_still_works(tmp_path, monkeypatch):
    monkeypatch.delenv("KEYDESK_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert create_app(_production_config(tmp_path)).config["SECRET_KEY"]


def test_the_production_command_exits_non_zero_with_a_clear_message(tmp_path):
    env = {
        **os.environ,
        "KEYDESK_ENV": "production",
        "SECRET_KEY": "short",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("FLASK_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-c", "import webapp.wsgi"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert result.returncode != 0
    assert "refuses to start in production" in result.stderr
    assert "SECRET_KEY is shorter than 32 characters" in result.stderr


def test_each_request_logs_its_wall_and_cpu_milliseconds(app, client):
    """An operator finding slow pages tells waiting (database, a busy machine) from work."""

    @app.get("/test-busy")
    def test_busy():
        deadline = time.thread_time() + 0.03
        while time.thread_time() < deadline:
            pass
        return "ok"

    with json_lines("keydesk.request") as lines:
        client.get("/test-busy")
    entry = next(json.loads(line) for line in lines if '"/test-busy"' in line)
    assert entry["status"] == 200
    assert entry["cpu_ms"] >= 30
    assert entry["ms"] >= entry["cpu_ms"] - 1
