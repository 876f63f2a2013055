"""Settings come from the environment only: each case runs a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
from opengov import celery_app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": celery_app.conf.broker_url,
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "language": settings.LANGUAGE_CODE,
    "cache_locations": {name: c.get("LOCATION") for name, c in settings.CACHES.items()},
}))
"""


def probe(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "CACHE_REDIS_URL",
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "SECURE_HTTPS",
            "CELERY_TASK_ALWAYS_EAGER",
            "STATIC_MANIFEST",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="opengov.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


def test_settings_without_services_use_sqlite_eager_tasks_and_local_memory_cache():
    result = probe(DEBUG="true")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("var/demo.sqlite3")
    assert values["cache"].endswith("LocMemCache")
    assert values["eager"] is True
    assert values["language"] == "ar"


def test_settings_with_services_use_postgres_redis_cache_and_broker():
    result = probe(
        SECRET_KEY="s",
        ALLOWED_HOSTS="infitah.example.ma",
        DATABASE_URL="postgres://u:p@db.example:5432/infitah",
        REDIS_URL="redis://cache.example:6379/0",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "infitah"
    assert values["cache"].endswith("RedisCache")
    assert values["eager"] is False
    assert values["broker"] == "redis://cache.example:6379/0"
    assert values["debug"] is False
    assert values["hosts"] == ["infitah.example.ma"]
    assert values["ssl_redirect"] is True


def test_production_settings_refuse_to_start_without_secret_key():
    result = probe(DATABASE_URL="postgres://u:p@db.example:5432/infitah")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.parametrize("flag", ["false", "0", "no", ""])
def test_debug_is_off_unless_said(flag):
    result = probe(DEBUG=flag, SECRET_KEY="s")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_page_cache_and_counters_are_separate_instances_when_configured():
    """The page cache (evicted under pressure) and the broker's counters (never evicted) live
    where CACHE_REDIS_URL and REDIS_URL say; one Redis serves both when only REDIS_URL is set."""
    separate = probe(
        SECRET_KEY="s", REDIS_URL="redis://broker:6379/0", CACHE_REDIS_URL="redis://pages:6379/0"
    )
    assert separate.returncode == 0, separate.stderr
    assert json.loads(separate.stdout)["cache_locations"] == {
        "default": "redis://pages:6379/0",
        "counters": "redis://broker:6379/0",
    }
    single = probe(SECRET_KEY="s", REDIS_URL="redis://one:6379/3")
    assert single.returncode == 0, single.stderr
    assert json.loads(single.stdout)["cache_locations"] == {
        "default": "redis://one:6379/3",
        "counters": "redis://one:6379/3",
    }


def makemigrations_check(**env) -> subprocess.CompletedProcess:
    """`manage.py makemigrations --check --dry-run` as `make check` runs it, a warning an error."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEMO_DATABASE"}}
    clean.update(env, SECRET_KEY="x", PYTHONWARNINGS="error::RuntimeWarning")
    return subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_makemigrations_check_on_a_fresh_demo_database_gives_no_warning(tmp_path):
    """Before the demo's first start the SQLite file's folder does not exist: the settings make
    it, so Django's look at the migration history does not warn it cannot open the file."""
    database = tmp_path / "not-yet" / "demo.sqlite3"
    result = makemigrations_check(DEMO_DATABASE=str(database))
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
    assert "Warning" not in result.stderr
    assert database.parent.is_dir()


@pytest.mark.django_db
def test_makemigrations_check_on_the_test_database_gives_no_warning(settings):
    """Against PostgreSQL (the test run's own database: `make services` creates
    TEST_DATABASE_URL's before `make check` runs), nothing to add and nothing to warn of."""
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("needs DATABASE_URL on PostgreSQL")
    name = connection.settings_dict["NAME"]
    result = makemigrations_check(DATABASE_URL=url.rsplit("/", 1)[0] + "/" + name)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
    assert "Warning" not in result.stderr
