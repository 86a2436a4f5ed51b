# KeyDesk (大客户工作台): the two commands of the README, plus lint and benchmarks.
#
#   make run    system packages, .venv, translations, database, demo data, then the intranet
#               at http://127.0.0.1:5000 and its background worker (scripts/dev_run.py)
#   make test   the same plus Chromium and the test tools, then the whole test suite
#               (make test PYTEST_ARGS="tests/browser -x" passes arguments to pytest)
#   make lint   ruff check + ruff format --check
#   make bench  every benchmarks/*.py, JSON lines out
#
# Debian packages are installed with apt-get when running as root; otherwise the exact
# `sudo apt-get install ...` line is printed and make stops.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# pytest-xdist workers for make test: one per core (at most 4); TEST_WORKERS=1 runs in one process
TEST_WORKERS ?= auto
HOST ?= 127.0.0.1
PORT ?= 5000

# What the app needs at run time: WeasyPrint's Pango/HarfBuzz and CJK fonts for PDFs (Noto CJK,
# BabelStone Han for the CJK Extension B–G characters of rare names, and Noto Color Emoji so an
# emoji in a note prints instead of vanishing).
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
	fonts-babelstone-han fonts-noto-color-emoji
# What the tests need besides: the browser for end-to-end journeys, pdftotext for PDF checks,
# LibreOffice Writer (a real word processor opens every DOCX) with the Liberation faces that
# stand in for Times New Roman and Arial.
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils libreoffice-writer-nogui \
	fonts-liberation2

# Install the Debian packages in $(1) that are missing: one apt-get update, one apt-get install.
# python3-venv joins the list when the interpreter cannot create a virtualenv (Debian splits it
# out of python3).
define ensure_packages
if ! command -v dpkg >/dev/null 2>&1; then \
		echo "make: no dpkg here (not Debian?); make sure these are installed: $(1)"; \
		exit 0; \
	fi; \
	missing=""; \
	for p in $(1); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ ! -x $(BIN)/python ] && ! $(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1; then \
		missing="$$missing python3-venv"; \
	fi; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "==> Installing Debian packages:$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -q; \
		apt-get install -y -q --no-install-recommends $$missing; \
	else \
		echo "KeyDesk needs these Debian packages:$$missing"; \
		echo "Install them with:"; \
		echo ""; \
		echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends$$missing"; \
		echo ""; \
		echo "then run make $(MAKECMDGOALS) again."; \
		exit 1; \
	fi
endef

.PHONY: help run prod test lint bench load system-run system-test translations venv bytecode

help:
	@echo "make run    start KeyDesk with demo data at http://$(HOST):$(PORT)"
	@echo "make test   run the whole test suite (PYTEST_ARGS=... passes arguments to pytest)"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make bench  run benchmarks/*.py"
	@echo "make prod   production: migrations, then gunicorn (gunicorn.conf.py) on DATABASE_URL"
	@echo "make load   the load test (benchmarks/load/run.py: PostgreSQL, gunicorn, locust, minutes)"

system-run:
	@$(call ensure_packages,$(RUN_PACKAGES))

system-test:
	@$(call ensure_packages,$(TEST_PACKAGES))

# The virtualenv itself, made once with a Python new enough for the project.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "KeyDesk needs Python 3.11 or newer as '$(PYTHON)'"; \
		echo "(found: $$($(PYTHON) --version 2>&1 || echo none)); run make PYTHON=python3.X ..."; \
		exit 1; }
	@echo "==> Creating $(VENV) with $$($(PYTHON) --version)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Stamps: reinstall only when pyproject.toml changed since the last install.
$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	@echo "==> Installing KeyDesk into $(VENV)"
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "==> Installing KeyDesk and its test tools into $(VENV)"
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@ $(VENV)/.installed-app

# Bytecode, as an installed package has it: `pip install -e` compiles nothing of the app, and
# where PYTHONDONTWRITEBYTECODE=1 is set every `flask` process would compile what it imports
# again (0.15 s of a one-off `flask render`, more for commands that load every area). Only
# changed files are compiled.
bytecode:
	@$(BIN)/python -m compileall -q webapp

# Compiled catalogs (*.mo) are build output, not in git.
translations:
	@if compgen -G 'translations/*/LC_MESSAGES/*.po' >/dev/null; then \
		echo "==> Compiling translations"; \
		$(BIN)/pybabel -q compile -d translations -f; \
	else \
		echo "==> No translations/*/LC_MESSAGES/*.po yet; the UI falls back to English"; \
	fi

run: export KEYDESK_SECURE_COOKIES = 0
run: system-run $(VENV)/.installed-app
	@$(MAKE) --no-print-directory translations bytecode
	@echo "==> Database"
	$(BIN)/flask --app webapp db upgrade
	$(BIN)/flask --app webapp demo-data --if-empty
	@echo "==> KeyDesk at http://$(HOST):$(PORT) with a background worker  (Ctrl-C stops both)"
	exec $(BIN)/python scripts/dev_run.py $(HOST) $(PORT)

# Production on this machine: DATABASE_URL (PostgreSQL) and SECRET_KEY from the environment
# (README "Production"); migrations are applied first, then gunicorn serves on KEYDESK_BIND.
prod: export KEYDESK_ENV = production
prod: system-run $(VENV)/.installed-app
	@test -n "$${DATABASE_URL:-}" || { echo "make prod: set DATABASE_URL=postgresql://..."; exit 1; }
	@$(MAKE) --no-print-directory translations
	$(BIN)/flask --app webapp db upgrade
	exec $(BIN)/gunicorn -c gunicorn.conf.py webapp.wsgi:app

load: system-run $(VENV)/.installed-dev
	@$(MAKE) --no-print-directory translations
	$(BIN)/python benchmarks/load/run.py

test: system-test $(VENV)/.installed-dev
	@$(MAKE) --no-print-directory translations
	@echo "==> Tests$(if $(TEST_DATABASE_URL), (SQLite and PostgreSQL), (SQLite; set TEST_DATABASE_URL for PostgreSQL too))"
	$(BIN)/python -m pytest $(if $(filter-out 0 1,$(TEST_WORKERS)),-n $(TEST_WORKERS) --maxprocesses 4 --dist worksteal) --durations=20 $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	@status=0; \
	echo "==> ruff check"; $(BIN)/ruff check . || status=1; \
	echo "==> ruff format --check"; $(BIN)/ruff format --check . || status=1; \
	exit $$status

bench: system-run $(VENV)/.installed-app
	@$(MAKE) --no-print-directory translations bytecode
	@shopt -s nullglob; scripts=(benchmarks/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "no benchmarks/*.py yet"; exit 0; fi; \
	for script in "$${scripts[@]}"; do \
		echo "==> $$script" >&2; \
		$(BIN)/python "$$script"; \
	done
