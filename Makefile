# Userbase: `make run` serves the API with demo data; `make test` runs the whole suite.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_ADMIN_PASSWORD ?= admin
DEMO_USERS ?= 3000
PYTEST_ARGS ?=

.PHONY: install run migrate demo-data test lint format clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo-data: migrate
	DEMO_ADMIN_PASSWORD='$(DEMO_ADMIN_PASSWORD)' $(PY) manage.py seed_demo \
		--users $(DEMO_USERS) --orders-per-user 3 --if-empty --demo-admin

run: demo-data
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Userbase is starting on http://127.0.0.1:$(PORT)/"
	@echo "  API:    http://127.0.0.1:$(PORT)/api/v1/users/"
	@echo "  Docs:   http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  Admin:  http://127.0.0.1:$(PORT)/admin/  (admin / the DEMO_ADMIN_PASSWORD, default: admin)"
	@echo "  Token:  curl -X POST http://127.0.0.1:$(PORT)/api/v1/auth/token/ -H 'Content-Type: application/json' -d '{\"username\": \"admin\", \"password\": \"admin\"}'"
	@echo ""
	PORT=$(PORT) $(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
