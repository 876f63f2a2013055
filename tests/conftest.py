"""Shared fixtures. Tests run against PostgreSQL and Redis (see the Makefile's TEST_ENV)."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.utils import translation

# --- parallel runs (pytest-xdist, `-n 2`) --------------------------------------------------------
# pytest-django gives each worker a test database of its own (test_<name>_gw0, _gw1...). Redis
# needs the same: several tests empty their cache (cache.clear() is FLUSHDB) and every test bumps
# the data version, so workers sharing a Redis database would wipe each other's pages, counters
# and queues. Worker N uses the database N places after the one REDIS_URL names (redis://…/10:
# gw0 on 10, gw1 on 11). The variables must be set in the worker before it loads Django's
# settings, which pytest-django does before any conftest: so they go into the worker's spec
# here, in the controller, and execnet sets them in the worker's environment before it starts
# pytest. Processes a test starts inherit them too.
REDIS_DATABASES = 16  # redis.conf's default `databases`


def redis_url_for_worker(url: str, worker: int) -> str:
    """`url` moved `worker` Redis databases on (redis://host:6379/10, 1 -> redis://host:6379/11);
    an empty URL (local-memory caches, eager tasks) stays empty."""
    if not url:
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + worker
    if database >= REDIS_DATABASES:
        raise pytest.UsageError(
            f"{url}: worker {worker} would need Redis database {database}; "
            f"start from a lower database or run fewer workers"
        )
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs):
    """Each worker's REDIS_URL (and CACHE_REDIS_URL, if set) moved on by its index."""
    for worker, spec in enumerate(specs):
        for name in ("REDIS_URL", "CACHE_REDIS_URL"):
            if os.environ.get(name):
                spec.env[name] = redis_url_for_worker(os.environ[name], worker)


@pytest.fixture(autouse=True)
def _arabic_by_default():
    """Each test starts in the default language, whatever the previous one activated."""
    with translation.override("ar"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Sign-ins in tests need not cost a second each (production keeps Django's default)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_data_version(settings):
    """Each test starts with a new data version: a page another test cached (from data its
    rollback has since removed) is never served to this one, not even as a stale network page
    (NETWORK_STALE_SECONDS=0: every test sees its changes at once, unless it sets the bound
    itself, as tests/opengov/test_pagecache_flight.py does)."""
    from opengov import dataversion

    settings.NETWORK_STALE_SECONDS = 0
    dataversion.bump()


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="network-admin", email="admin@example.org", password="a-long-test-password"
    )


@pytest.fixture
def staff_user(db):
    """staff_user(role, *councils, **fields): a staff account in the group of `role`
    (opengov.roles.COORDINATOR...) working for `councils` (tests.factories.staff_user)."""
    from tests.factories import staff_user

    return staff_user


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _flushes_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    marked = marker is not None and bool(
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    )
    return marked or bool({"live_server", "transactional_db"} & set(item.fixturenames))


# The rows the migrations made (role groups and their permissions, the UN goals), as Django
# serializes them for `serialized_rollback`.
MIGRATED_ROWS: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keep a copy of the freshly migrated test database's rows (see _rows_migrations_made)."""
    from django.db import connection

    with django_db_blocker.unblock():
        MIGRATED_ROWS["default"] = (
            getattr(connection, "_test_serialized_contents", None)
            or connection.creation.serialize_db_to_string()
        )
    yield


@pytest.fixture(autouse=True)
def _rows_migrations_made(request):
    """A test that flushes the database (transactional, live server) starts with the rows the
    migrations made. serialized_rollback should restore them, but a test that starts processes
    of its own (tests/support) can leave Django with new connection objects that no longer carry
    the serialized copy, and then the restore silently does nothing: restore them here."""
    if _flushes_the_database(request.node):
        request.getfixturevalue("transactional_db")
        from django.contrib.auth.models import Group
        from django.core.management import call_command
        from django.db import connection

        from opengov.roles import ROLES

        if Group.objects.filter(name__in=ROLES).count() < len(ROLES):
            # What a flush without the copy left (content types, permissions made again by
            # post_migrate, with other ids) goes, then the copy comes back.
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(MIGRATED_ROWS["default"])
    yield


# Folders whose every test gets a marker, by path: a file moved or added there cannot lose it.
MARKED_FOLDERS = {
    "browser": "browser",  # Playwright drives a real browser
    "faults": "real_services",  # private Redis, PostgreSQL, workers, gunicorn: stopped, killed
}
TESTS = Path(__file__).resolve().parent


def _folder_markers(item: pytest.Item) -> list[str]:
    try:
        folder = Path(item.fspath).resolve().relative_to(TESTS).parts[0]
    except ValueError:
        return []
    marker = MARKED_FOLDERS.get(folder)
    return [marker] if marker else []


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Markers by folder (MARKED_FOLDERS), first: pytest's own `-m` filter (an implementation of
    this hook too) runs after and sees them."""
    for item in items:
        for name in _folder_markers(item):
            item.add_marker(name)


@pytest.hookimpl(trylast=True, specname="pytest_collection_modifyitems")
def pytest_transactional_tests_last(items):
    """Transactional tests last, as Django runs them: they end with a flush that also empties
    what the migrations created (the role groups), which the other tests rely on. pytest-django
    sorts them last, but pytest then regroups tests by session-scoped parameters (Playwright's
    browser) and pulled the browser tests back into the middle; this stable sort runs after."""
    items.sort(key=_flushes_the_database)
