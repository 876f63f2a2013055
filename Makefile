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
#
# `make test` and `make quick` first run scripts/services.sh (`make services`): it installs the
# Debian packages the tests need when they are missing (as root; otherwise it prints the
# apt-get line) and starts PostgreSQL and Redis when they do not answer. `make quick` asks only
# for what its tests use (`make services-core`: no Chromium, nginx or Caddy). `make demo` needs
# no system package and no service: SQLite, local-memory caches, tasks run in-process.

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

# Every absolute link the demo writes (e-mails, the PDFs' QR codes, the open data) is under
# DEMO_SITE_URL: the address it runs at unless told (HOST=0.0.0.0 serves every address, but a
# link needs the name others reach it by: DEMO_SITE_URL=http://name:8000).
# Django answers the names in ALLOWED_HOSTS only: the demo's own, and DEMO_SITE_URL's.
DEMO_SITE_URL ?= http://$(HOST):$(PORT)
DEMO_SITE_HOST = $(firstword $(subst :, ,$(subst /, ,$(word 2,$(subst ://, ,$(DEMO_SITE_URL))))))
DEMO_ENV = DEBUG=true DATABASE_URL= REDIS_URL= SITE_URL=$(DEMO_SITE_URL) \
	ALLOWED_HOSTS=localhost,127.0.0.1,[::1],$(HOST),$(DEMO_SITE_HOST)
DEMO_ADMIN ?= admin
DEMO_PASSWORD ?= infitah-demo-2024

.PHONY: install demo test quick contracts lint format messages translations check clean \
	services services-core

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
# The PDFs' links and QR codes point at the address they were made under: when the demo ran at
# another one before (var/site-url), each plan is published again.
	if [ "$$(cat var/site-url 2>/dev/null)" = "$(DEMO_SITE_URL)" ]; then \
		$(DEMO_ENV) $(PY) manage.py publish_plans; \
	else \
		$(DEMO_ENV) $(PY) manage.py publish_plans --again && echo "$(DEMO_SITE_URL)" > var/site-url; \
	fi
	$(DEMO_ENV) $(PY) manage.py rebuild_search_vocabulary
	$(DEMO_ENV) $(PY) manage.py ensure_admin --username $(DEMO_ADMIN) --password $(DEMO_PASSWORD)
	@echo ""
	@echo "  Infitah is running at $(DEMO_SITE_URL)/ar/ (French: $(DEMO_SITE_URL)/fr/)"
	@echo "  Admin: $(DEMO_SITE_URL)/ar/admin/  user: $(DEMO_ADMIN)  password: $(DEMO_PASSWORD)"
	@echo ""
	$(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --config .importlinter

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# makemigrations --check looks at TEST_DATABASE_URL's database: services-core creates it.
check: install services-core
	$(TEST_ENV) $(PY) manage.py compiletranslations --check
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

# `make test` runs on two processes (pytest-xdist; each its own test database and Redis database,
# see TEST_WORKERS below): every test, those that start processes or a browser included, passes
# that way, and the suite no longer fits 20 minutes in one process on a 2-core machine.
# TEST_ALL_WORKERS=0 runs it in one.
TEST_ALL_WORKERS ?= 2

services:
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) bash scripts/services.sh

services-core:
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) bash scripts/services.sh --core

test: services lint check
	$(TEST_ENV) $(VENV)/bin/pytest -n $(TEST_ALL_WORKERS) $(PYTEST_ARGS)

QUICK_MARKERS := not real_services and not browser and not fuzz and not sweep
# `make quick` runs its tests on TEST_WORKERS processes (pytest-xdist): each has a test database
# of its own (test_<name>_gw0, _gw1...) and a Redis database of its own (TEST_REDIS_URL's, then the
# next ones: redis://…/1 gives 1 and 2; see tests/conftest.py). TEST_WORKERS=0 runs them in one.
TEST_WORKERS ?= 2

quick: services-core lint check
	$(TEST_ENV) $(VENV)/bin/pytest -n $(TEST_WORKERS) -m "$(QUICK_MARKERS)" $(PYTEST_ARGS)

contracts: install
	$(VENV)/bin/lint-imports .importlinter

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
