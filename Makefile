# Userbase: `make run` serves the API with demo data; `make test` runs the whole suite.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_ADMIN_PASSWORD ?= admin
DEMO_USERS ?= 3000
PYTEST_ARGS ?=

.PHONY: install run serve worker beat migrate demo-data static chromium test lint format clean bench bench-quick

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	@$(PY) manage.py check_database
	$(PY) manage.py migrate --noinput

demo-data: migrate
	DEMO_ADMIN_PASSWORD='$(DEMO_ADMIN_PASSWORD)' $(PY) manage.py seed_demo \
		--users $(DEMO_USERS) --orders-per-user 3 --if-empty --demo-admin

static: install
	$(PY) manage.py collectstatic --noinput --verbosity 0

# The demo: data, the superuser admin (created once: a password changed later is kept), served.
run: demo-data static
	@echo ""
	@echo "Userbase is starting on http://127.0.0.1:$(PORT)/"
	@echo "  API:    http://127.0.0.1:$(PORT)/api/v1/users/"
	@echo "  Docs:   http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  Admin:  http://127.0.0.1:$(PORT)/admin/  (user admin, password: DEMO_ADMIN_PASSWORD when it was created, default admin)"
	@echo "  Dashboard: http://127.0.0.1:$(PORT)/dashboard/  (staff)   Metrics: /api/v1/metrics/ (JSON), /metrics (Prometheus)"
	@echo "  Token:  curl -X POST http://127.0.0.1:$(PORT)/api/v1/auth/token/ -H 'Content-Type: application/json' -d '{\"username\": \"admin\", \"password\": \"$(DEMO_ADMIN_PASSWORD)\"}'"
	@echo ""
	PORT=$(PORT) PUBLIC_URL="$${PUBLIC_URL:-http://127.0.0.1:$(PORT)}" $(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi

# The same server without demo data or demo admin (create users with createsuperuser).
serve: migrate static
	PORT=$(PORT) PUBLIC_URL="$${PUBLIC_URL:-http://127.0.0.1:$(PORT)}" $(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi

# Celery: a worker for every queue, and the one beat that schedules the daily cleanup.
# Both need a broker (REDIS_URL or CELERY_BROKER_URL); without one, tasks run in the web process.
WORKER_CONCURRENCY ?= 2

worker: install
	@test -n "$$REDIS_URL$$CELERY_BROKER_URL" || { echo "Set REDIS_URL (or CELERY_BROKER_URL): without a broker, tasks run inside the web process and need no worker."; exit 1; }
	$(VENV)/bin/celery -A config worker -Q default,imports,email --concurrency $(WORKER_CONCURRENCY) -l info

beat: install
	@test -n "$$REDIS_URL$$CELERY_BROKER_URL" || { echo "Set REDIS_URL (or CELERY_BROKER_URL): beat queues tasks for a worker through the broker."; exit 1; }
	$(VENV)/bin/celery -A config beat -l info

# The dashboard's browser test drives Chromium (Debian's: Playwright's own browser
# download is not used). CHROMIUM names another binary; as root with apt, Debian's is
# installed when missing; otherwise the target says what to do.
CHROMIUM ?= $(shell command -v chromium || echo /usr/bin/chromium)
chromium:
	@test -x "$(CHROMIUM)" || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium for the browser test"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
		else \
			echo "The browser test needs Chromium: install it (Debian: apt install chromium) or set CHROMIUM=/path/to/it."; exit 1; \
		fi; }

# Settings require SECRET_KEY beside DATABASE_URL; tests need no real one.
test: install chromium
	CHROMIUM="$(CHROMIUM)" SECRET_KEY="$${SECRET_KEY:-userbase-tests-only}" $(PY) -m pytest $(PYTEST_ARGS)

# The SPEC §6 benchmark (docs/performance.md): builds 1,000,000 users on PostgreSQL
# (database userbase_bench, reused once built), starts gunicorn, Celery and the textbook
# baseline on ports 8801-8802, drives both with wrk and prints the figures. Needs the
# local PostgreSQL and Redis; installs Debian's wrk when missing.
bench: install
	bench/install-tools
	$(PY) bench/run.py

# The same in a few minutes: 20,000 users in their own database, 10 s per workload.
bench-quick: install
	bench/install-tools
	BENCH_USERS=$${BENCH_USERS:-20000} $(PY) bench/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
