# Run `make help` for the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The address the development server listens on: this machine only, unless asked (make run HOST=0.0.0.0).
# Only the command line counts: some shells export HOST as the machine's name.
ifneq ($(origin HOST),command line)
HOST := 127.0.0.1
endif
export DJANGO_SETTINGS_MODULE ?= portal.settings.local

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed ## Create .venv and install the pinned dependencies

setup: venv ## Migrate, load the policy data (if changed), create the demo accounts and demo cases
	mkdir -p var/mail
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_policy_data --if-changed
	$(PY) manage.py setup_demo
	$(PY) manage.py setup_demo_cases

run: setup ## Set everything up and start the portal, a Celery worker and Celery beat (Ctrl-C stops all)
	@echo ""
	@echo "  Portal:  http://127.0.0.1:$(PORT)/      Admin: http://127.0.0.1:$(PORT)/admin/"
	@echo "  Mail is written to var/mail/. Broker: $${REDIS_URL:-embedded (var/celery-broker.sqlite3)}"
	@echo ""
	PORTAL_HOST=$(HOST) PORTAL_PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile.dev

test: venv ## Run the whole test suite
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) -m pytest

lint: venv ## ruff (with complexity <= 15), format check, import layers and cycles, migrations check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	PYTHONPATH=. $(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) -m pytest -q tests/test_architecture.py
	$(PY) manage.py makemigrations --check --dry-run

messages: venv ## Extract the interface strings into locale/en and compile every catalogue
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

check-data: venv ## Validate the policy data files without writing anything
	$(PY) manage.py load_policy_data --check

bench: venv ## Benchmarks at a million cases on a database of its own (portal_bench); writes bench/RESULTS.md
	@command -v wrk >/dev/null && command -v redis-server >/dev/null || { export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq wrk redis-server >/dev/null; }
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n 1)" main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	$(PY) -m bench.run

$(VENV)/.loadtest-installed: $(VENV)/.installed bench/load/requirements.txt
	$(PY) -m pip install --quiet -r bench/load/requirements.txt
	touch $@

loadtest: $(VENV)/.loadtest-installed ## Deadline-day load test (Locust), one node and two behind nginx; writes bench/LOAD.md
	@command -v redis-server >/dev/null && { command -v nginx >/dev/null || test -x /usr/sbin/nginx; } || { \
		export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq redis-server nginx >/dev/null; }
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n 1)" main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	$(PY) -m bench.load

clean: ## Remove the virtualenv and everything under var/
	rm -rf $(VENV) var

.PHONY: help venv setup run test lint messages check-data bench loadtest clean
