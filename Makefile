# ta1: `make run` serves the site, `make test` runs the whole suite.
SHELL := /bin/bash
PORT ?= 8000
# Links the site mails point at the port it is served on, unless SITE_URL
# (set, and not empty) says otherwise.
run dev: export SITE_URL := $(or $(SITE_URL),http://127.0.0.1:$(PORT))
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

# The first Python 3.11 or newer on PATH.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3.11 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: help run dev setup port-free test test-postgres test-proxy test-cluster lint bench lock clean

help:
	@echo "make run    set up and serve the site on http://127.0.0.1:$(PORT)/ (granian and the mail worker, DEBUG off)"
	@echo "make dev    the same with Django's development server and DEBUG on"
	@echo "make test   set up, lint and run the whole test suite"
	@echo "make test-postgres   the whole suite against throwaway PostgreSQL and Redis servers"
	@echo "make test-proxy   nginx with deploy/nginx.conf in front of the live site (manage.py serve)"
	@echo "make test-cluster   two app hosts, PostgreSQL, Redis and nginx as one site, under faults"
	@echo "make lint   ruff check, ruff format --check and makemigrations --check"
	@echo "make bench  measure the production server under load with wrk (not part of the tests)"
	@echo "make lock   re-pin requirements*.lock from the ranges in pyproject.toml"

$(VENV)/.runtime: requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed and none was found on PATH." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@touch $@

# Safe to repeat: migrations are idempotent and load_article never touches an
# article that already exists.
setup: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_article
	$(PY) manage.py collectstatic --noinput --verbosity 0

# One clear line when another program holds the port, instead of the
# server's own error among its start-up lines.
port-free:
	@$(PY) -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", $(PORT)))' 2>/dev/null \
	|| { echo "Port $(PORT) is in use by another program: stop it, or pick another port, e.g. PORT=8080 make $(MAKECMDGOALS)" >&2; exit 1; }

# granian and the mail worker, side by side (ta1/management/commands/serve.py);
# Ctrl-C stops both. Once the site answers, serve prints where it is (and how
# to create the first account): ANNOUNCE_URL.
run: setup port-free
	WEB_BIND=127.0.0.1:$(PORT) ANNOUNCE_URL=http://127.0.0.1:$(PORT)/ $(PY) manage.py serve

# Django's development server with DEBUG on, and the mail worker beside it
# (printing the emails it sends), on a database of its own (db.dev.sqlite3)
# with sample comments in every state; the real database is never touched.
DEV_ENV = DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/db.dev.sqlite3
dev: $(VENV)/.runtime port-free
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_article
	$(DEV_ENV) $(PY) manage.py seed_sample_comments
	@echo "ta1 (development) is at http://127.0.0.1:$(PORT)/ and its admin at http://127.0.0.1:$(PORT)/admin/"
	@echo "No account yet? Create the first one: $(DEV_ENV) $(PY) manage.py createsuperuser"
	$(DEV_ENV) WEB_BIND=127.0.0.1:$(PORT) $(PY) manage.py serve --dev

# The browser tests drive Chromium: CHROMIUM_PATH, or chromium (Debian's
# package) or Chrome on PATH. tests/browser/chromium.py is the one lookup,
# here and in the tests; without a browser it says what to do, and the
# suite does not start.
FIND_CHROMIUM = $(PY) tests/browser/chromium.py

# SQLite and the local-memory cache, whatever the shell has exported.
# The W3C's HTML checker, which the tests run with Java: tests/test_markup_validity.py
# finds it where VNU_JAR says.
export VNU_JAR := $(CURDIR)/$(VENV)/vnu.jar
$(VNU_JAR): scripts/fetch_vnu.py | $(VENV)/.runtime
	$(PY) scripts/fetch_vnu.py $@

test: lint $(VNU_JAR)
	@chromium=$$($(FIND_CHROMIUM)) || exit 1; \
	env -u DATABASE_URL -u REDIS_URL CHROMIUM_PATH="$$chromium" $(BIN)/pytest --ignore=tests/proxy --ignore=tests/cluster

# The same suite against a throwaway PostgreSQL 15 cluster and redis-server
# (Debian's postgresql-15 and redis-server packages).
test-postgres: $(VENV)/.dev $(VNU_JAR)
	@chromium=$$($(FIND_CHROMIUM)) || exit 1; \
	CHROMIUM_PATH="$$chromium" scripts/with-services.sh $(BIN)/pytest --ignore=tests/proxy --ignore=tests/cluster

# Debian's nginx and openssl packages, with deploy/nginx.conf, in front of the
# production server (manage.py serve) on SQLite.
test-proxy: $(VENV)/.dev
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest tests/proxy

# The topology of a site on several machines, on this one: PostgreSQL and
# Redis (as for test-postgres), two app hosts each with its mail worker, and
# nginx with deploy/nginx.conf balancing both (tests/cluster/).
test-cluster: $(VENV)/.dev
	scripts/with-services.sh $(BIN)/pytest tests/cluster

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# A throwaway site in a temporary directory; needs wrk (Debian's wrk package),
# and gunicorn from the test extra, measured beside granian.
bench: $(VENV)/.dev
	env -u DATABASE_URL -u REDIS_URL $(PY) bench/run.py

lock:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed." >&2; exit 1; }
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check .
	.lock-venv/bin/pip freeze --exclude ta1 > requirements.lock
	.lock-venv/bin/pip install --quiet --disable-pip-version-check ".[test]"
	{ echo "-r requirements.lock"; .lock-venv/bin/pip freeze --exclude ta1 | grep -vxF -f requirements.lock; } > requirements-dev.lock
	rm -rf .lock-venv build *.egg-info

clean:
	rm -rf $(VENV) staticfiles artifacts
