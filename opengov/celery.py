"""The Celery application: broker and backend come from REDIS_URL through Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")

app = Celery("opengov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
