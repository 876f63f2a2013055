# Infitah: `make demo` runs the portal on SQLite with demo data; `make test` runs the whole suite
# against PostgreSQL and Redis. Both create the virtualenv they need.
#
# `make quick` is the loop while coding: ruff, the Django checks, then every test but those that
# start processes of their own (marker real_services: gunicorn, Celery workers, a private Redis or
# PostgreSQL, nginx, Caddy), drive a browser (browser), fuzz (fuzz) or sweep every URL against every
# role and every field against every hostile payload (sweep); under five minutes. `make test`
# still runs everything, and is what must be green before a merge.
# `make contracts` checks the import contracts (.importlinter): which package may import which;
# `make lint` (and so `make test` and `make quick`) runs them too.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Tests run against the real local services unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/infitah
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	SECRET_KEY=test-only-secret DEBUG=false SECURE_HTTPS=false STATIC_MANIFEST=false CELERY_TASK_ALWAYS_EAGER=true \
	DJANGO_ALLOW_ASYNC_UNSAFE=true

DEMO_ENV = DEBUG=true DATABASE_URL= REDIS_URL= SITE_URL=http://$(HOST):$(PORT)
DEMO_ADMIN ?= admin
DEMO_PASSWORD ?= infitah-demo-2024

.PHONY: install demo test quick contracts lint format messages translations check clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

translations: install
	$(DEMO_ENV) $(PY) manage.py compiletranslations

# For developers (needs GNU gettext): refresh the catalogues from the code and templates.
messages: install
	DEBUG=true $(PY) manage.py makemessages -a --no-location --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench
	$(DEMO_ENV) $(PY) manage.py compiletranslations

demo: install translations
	mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_demo
	$(DEMO_ENV) $(PY) manage.py publish_plans
	$(DEMO_ENV) $(PY) manage.py rebuild_search_vocabulary
	$(DEMO_ENV) $(PY) manage.py ensure_admin --username $(DEMO_ADMIN) --password $(DEMO_PASSWORD)
	@echo ""
	@echo "  Infitah is running at http://$(HOST):$(PORT)/ar/ (French: http://$(HOST):$(PORT)/fr/)"
	@echo "  Admin: http://$(HOST):$(PORT)/ar/admin/  user: $(DEMO_ADMIN)  password: $(DEMO_PASSWORD)"
	@echo ""
	$(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --config .importlinter

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(TEST_ENV) $(PY) manage.py compiletranslations --check
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

# `make test` runs on two processes (pytest-xdist; each its own test database and Redis database,
# see TEST_WORKERS below): every test, those that start processes or a browser included, passes
# that way, and the suite no longer fits 20 minutes in one process on a 2-core machine.
# TEST_ALL_WORKERS=0 runs it in one.
TEST_ALL_WORKERS ?= 2

test: lint check
	$(TEST_ENV) $(VENV)/bin/pytest -n $(TEST_ALL_WORKERS) $(PYTEST_ARGS)

QUICK_MARKERS := not real_services and not browser and not fuzz and not sweep
# `make quick` runs its tests on TEST_WORKERS processes (pytest-xdist): each has a test database
# of its own (test_<name>_gw0, _gw1...) and a Redis database of its own (TEST_REDIS_URL's, then the
# next ones: redis://…/1 gives 1 and 2; see tests/conftest.py). TEST_WORKERS=0 runs them in one.
TEST_WORKERS ?= 2

quick: lint check
	$(TEST_ENV) $(VENV)/bin/pytest -n $(TEST_WORKERS) -m "$(QUICK_MARKERS)" $(PYTEST_ARGS)

contracts: install
	$(VENV)/bin/lint-imports .importlinter

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
