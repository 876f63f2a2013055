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
