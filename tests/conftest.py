"""Shared fixtures. Tests run against PostgreSQL and Redis (see the Makefile's TEST_ENV)."""

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
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
