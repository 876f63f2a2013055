"""Shared fixtures. Tests run against PostgreSQL and Redis (see the Makefile's TEST_ENV)."""

from pathlib import Path

import pytest
from django.utils import translation


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
def _fresh_data_version():
    """Each test starts with a new data version: a page another test cached (from data its
    rollback has since removed) is never served to this one."""
    from opengov import dataversion

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
