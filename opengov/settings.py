"""Infitah settings: one module; every difference between development, test and production
comes from environment variables (see README, "Configuration")."""

import ipaddress
import os
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment (or DEBUG=true for development)."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The reverse proxies (addresses or CIDR networks) whose X-Forwarded-For is believed when they
# are the peer; empty: nobody's, the client is REMOTE_ADDR (opengov.clientaddress).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _entry in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_entry!r} is not an IP address or network."
        ) from _error

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "opengov.apps.PortalAdminConfig",  # django.contrib.admin with a council-scoped site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "opengov.apps.PortalAxesConfig",  # django-axes, with a translated admin section
    "django_otp",
    "opengov.apps.PortalTOTPConfig",  # django-otp's TOTP devices, with translated admin names
    "opengov.apps.OpengovConfig",
    "consultations.apps.ConsultationsConfig",
    "commitments.apps.CommitmentsConfig",
    "opendata.apps.OpendataConfig",
    "sitesearch.apps.SitesearchConfig",
    "devdata.apps.DevdataConfig",
]

MIDDLEWARE = [
    # First: it refuses oversized bodies before anything reads them (opengov.bodies).
    "opengov.bodies.RequestBodyLimitMiddleware",
    "opengov.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "opengov.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opengov.urls"
WSGI_APPLICATION = "opengov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: PostgreSQL in production and tests; an embedded SQLite file when DATABASE_URL is unset
# (DEMO_DATABASE, var/demo.sqlite3 unless told). Its folder is made here: SQLite creates the file
# but not the folder, and a command run before the demo's first start (makemigrations --check)
# would otherwise warn that it cannot open the database.
DEMO_DATABASE = Path(os.environ.get("DEMO_DATABASE", BASE_DIR / "var" / "demo.sqlite3"))
if not os.environ.get("DATABASE_URL"):
    DEMO_DATABASE.parent.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEMO_DATABASE}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT compilation: PostgreSQL compiles a statement whose estimated cost passes
    # jit_above_cost, which the search's and the network pages' statements do at national
    # scale, and a page then pays 100-200 ms of compilation for a query that runs in tens
    # (docs/performance.md). A web application's short statements never repay it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis. REDIS_URL is the Celery broker and keeps the counters that must not be lost (comment
# rate limits: the "counters" cache); it must never evict (docker-compose.yml runs it with
# noeviction). CACHE_REDIS_URL is the page cache ("default": pages, API answers, data versions),
# which anyone can fill with valid URLs: in production a Redis instance of its own with a memory
# cap and allkeys-lru, so a flood evicts old pages and never a queue or a counter (maxmemory
# applies to a whole instance, not to one database). It defaults to REDIS_URL, so a single Redis
# still works for the demo and the tests. Without REDIS_URL, tasks run eagerly in-process and
# both caches are local memory, so the demo needs no service.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "") or REDIS_URL
_CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "infitah")


def _cache(url: str, name: str) -> dict:
    if url:
        return {
            "BACKEND": "opengov.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": _CACHE_KEY_PREFIX,
        }
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}


CACHES = {"default": _cache(CACHE_REDIS_URL, "pages"), "counters": _cache(REDIS_URL, "counters")}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only once done, so a worker lost mid-task leaves it for another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task's message comes back from Redis this long after a worker took it without acknowledging
# (a killed container). Every retry countdown stays below it, or it would be delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 1800}
# No task may run longer than this (a PDF of 200 commitments takes about a minute).
CELERY_TASK_TIME_LIMIT = 900
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "infitah")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Africa/Casablanca"
# Seconds before the first retry of a failed PDF rendering (then doubled at each retry).
PUBLICATION_RETRY_DELAY = int(os.environ.get("PUBLICATION_RETRY_DELAY", "30"))
# A publication still "rendering" after this long lost its worker: the beat sweep queues it
# again (longer than CELERY_TASK_TIME_LIMIT, so a live rendering is never taken twice), at most
# PUBLICATION_MAX_ATTEMPTS times in all.
PUBLICATION_STALE_MINUTES = 20
PUBLICATION_MAX_ATTEMPTS = 5
# Periodic work (the beat service): jobs whose message was lost are queued again.
CELERY_BEAT_SCHEDULE = {
    "requeue-plan-publications": {
        "task": "commitments.requeue_publications",
        "schedule": 300.0,
    },
    "requeue-comment-confirmations": {
        "task": "commitments.requeue_comment_confirmations",
        "schedule": 300.0,
    },
    "requeue-proposing-confirmations": {
        "task": "commitments.requeue_proposing_confirmations",
        "schedule": 300.0,
    },
    "purge-proposing": {"task": "commitments.purge_proposing", "schedule": 24 * 3600.0},
    # "Did you mean": the vocabulary of the searched texts (opengov.search.vocabulary).
    "rebuild-search-vocabulary": {
        "task": "opengov.rebuild_search_vocabulary",
        "schedule": 24 * 3600.0,
    },
    "requeue-follow-confirmations": {
        "task": "commitments.requeue_follow_confirmations",
        "schedule": 300.0,
    },
    # Unconfirmed follows after seven days, stopped ones after thirty (the law 09-08 notice).
    "purge-follows": {"task": "commitments.purge_follows", "schedule": 86400.0},
    "notify-moderators": {"task": "commitments.notify_moderators", "schedule": 900.0},
    "rebuild-opendata-zip": {"task": "opendata.rebuild_zip", "schedule": 600.0},
    "remind-coordinators": {"task": "commitments.remind_coordinators", "schedule": 86400.0},
    "remind-monitoring-body": {"task": "commitments.remind_monitoring_body", "schedule": 86400.0},
    "remind-stale-plans": {"task": "commitments.remind_stale_plans", "schedule": 86400.0},
    "requeue-notifications": {"task": "commitments.requeue_notifications", "schedule": 300.0},
    "send-weekly-digests": {"task": "commitments.send_weekly_digests", "schedule": 3600.0},
    # The plans' overdue milestones are counted for a day (commitments.counters): recounted
    # just after midnight (CELERY_TIMEZONE), and again every six hours in case beat was down then.
    "refresh-overdue-counts": {
        "task": "commitments.refresh_overdue_counts",
        "schedule": crontab(minute=5, hour="0,6,12,18"),
    },
}

# Followers' notifications (commitments/follows): the delivery waits NOTIFY_BATCH_DELAY seconds
# after an event so the events of one change reach a person as one e-mail; an address gets at
# most NOTIFY_MAX_MAILS_PER_HOUR immediate e-mails an hour (the rest wait, never dropped); a
# failed delivery is retried after NOTIFY_RETRY_DELAY seconds, then doubled at each retry.
NOTIFY_BATCH_DELAY = int(os.environ.get("NOTIFY_BATCH_DELAY", "60"))
NOTIFY_MAX_MAILS_PER_HOUR = int(os.environ.get("NOTIFY_MAX_MAILS_PER_HOUR", "6"))
NOTIFY_RETRY_DELAY = int(os.environ.get("NOTIFY_RETRY_DELAY", "30"))

# Public pages and API answers are kept in the cache until the data changes (opengov.pagecache);
# 0 turns the page cache off (benchmarks of the uncached pages do).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))
# After a change, one request at a time renders a page (PAGE_SINGLE_FLIGHT): it holds a lock
# that expires after PAGE_RENDER_LOCK_SECONDS (a few times the slowest render, so a renderer
# that died frees it); readers with nothing to serve wait for it at most PAGE_RENDER_WAIT_SECONDS,
# then render themselves. Network pages (not a council's own) may be served stale at most
# NETWORK_STALE_SECONDS after the first change they do not show, while one request rebuilds
# them; 0 turns that off (docs/performance.md, "Single-flight rebuilds").
PAGE_SINGLE_FLIGHT = env_bool("PAGE_SINGLE_FLIGHT", True)
PAGE_RENDER_LOCK_SECONDS = int(os.environ.get("PAGE_RENDER_LOCK_SECONDS", "20"))
PAGE_RENDER_WAIT_SECONDS = float(os.environ.get("PAGE_RENDER_WAIT_SECONDS", "5"))
NETWORK_STALE_SECONDS = int(os.environ.get("NETWORK_STALE_SECONDS", "30"))

# Comments and reports, counted only once the post was valid and saved (commitments/comments):
# per client address (IPv6 by /64), per mailbox from one address, and the confirmation e-mails
# one mailbox may receive from all addresses, in the window (seconds).
COMMENT_RATE_LIMITS = {
    "per_ip": int(os.environ.get("COMMENT_LIMIT_PER_IP", "10")),
    "per_email": int(os.environ.get("COMMENT_LIMIT_PER_EMAIL", "5")),
    "mails_per_email": int(os.environ.get("COMMENT_LIMIT_MAILS_PER_EMAIL", "20")),
    "window": 3600,
}
# Online proposals share the comments' budgets (scope "proposals"); a support is one click for
# a household sharing one address, so it has a larger per-address budget.
RATE_LIMIT_OVERRIDES = {
    "supports": {"per_ip": int(os.environ.get("SUPPORT_LIMIT_PER_IP", "30"))},
}
# The least time, in seconds, between showing a public form and its post (opengov.formtime): a
# quicker post is shown again with its text, asking to check and send it.
PROPOSAL_FORM_MIN_SECONDS = int(os.environ.get("PROPOSAL_FORM_MIN_SECONDS", "8"))
SUPPORT_FORM_MIN_SECONDS = int(os.environ.get("SUPPORT_FORM_MIN_SECONDS", "2"))

# Staff sign-in: django-axes counts failed sign-ins (wrong passwords and wrong two-factor codes)
# per (username, client address) pair; the policy is in opengov.security: a pair is locked after
# AXES_FAILURE_LIMIT failures, an address after LOGIN_ADDRESS_FAILURE_LIMIT failures across
# usernames, and a username that collected LOGIN_USERNAME_FAILURE_LIMIT failures from all
# addresses is locked only for the addresses that failed on it, never for everyone.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
LOGIN_USERNAME_FAILURE_LIMIT = int(os.environ.get("LOGIN_USERNAME_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "opengov.clientaddress.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "opengov.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Failed attempts are kept in PostgreSQL (not the cache), so a Redis outage neither unlocks
# accounts nor stops staff from signing in.
AXES_HANDLER = "opengov.security.PortalAxesHandler"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Arabic (default, right-to-left) and French.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Africa/Casablanca"

MODELTRANSLATION_DEFAULT_LANGUAGE = "ar"
MODELTRANSLATION_LANGUAGES = ("ar", "fr")
# Content missing in the reader's language falls back to the other one.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ar", "fr"), "ar": ("fr",), "fr": ("ar",)}
# The admin's translation tabs use jQuery UI; it is shipped with the project (static/vendor), never
# fetched from a CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files gathered by collectstatic; development and tests
# serve them straight from the source folders.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded documents and photos (workshops, evidence): the largest accepted file.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# Whole request bodies (opengov.bodies), refused with 413 before they are read: any public route
# (comment, reply, report, language switch) takes a few times the longest comment; the admin takes
# one upload and the form around it, and only from signed-in staff.
PUBLIC_MAX_BODY_BYTES = int(os.environ.get("PUBLIC_MAX_BODY_BYTES", str(64 * 1024)))
STAFF_MAX_BODY_BYTES = int(
    os.environ.get("STAFF_MAX_BODY_BYTES", str(MAX_UPLOAD_BYTES + 1024 * 1024))
)
# Form fields other than files, parsed in memory: the largest admin form (a commitment with its
# milestones and indicators in both languages) is far below both.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Files in one form: a workshop with its documents is the most the admin sends at once.
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# E-mail
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
# For the file-based backend (e.g. a worker in tests): where each e-mail is written.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Infitah <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Where to report a vulnerability (RFC 9116 /.well-known/security.txt), e.g.
# "mailto:security@infitah.example.ma"; unset: no security.txt.
SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "")
# Where the accessibility statement tells readers to report a barrier (an e-mail address or a
# URL): DEFAULT_FROM_EMAIL's address unless set.
ACCESSIBILITY_CONTACT = (
    os.environ.get("ACCESSIBILITY_CONTACT", "").strip() or parseaddr(DEFAULT_FROM_EMAIL)[1]
)

# Public address of the portal, used in e-mails and PDFs.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security: production behind HTTPS unless told otherwise.
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# A staff session lasts one working day at most and ends when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): everything from the portal itself, no inline script or
# style, no plugin, no framing. Views that need more say so with csp_update (the API's Redoc
# page) or set their own stricter header (evidence downloads).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO: keep the worker's log readable.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; failures and lockouts stay visible.
        "axes": {"level": "WARNING"},
    },
}

# The licence of the open data (datasets, ZIP, API, Decidim export): its name and the address
# of its text. Creative Commons Attribution 4.0 by default: reuse for any purpose, the source
# credited, as Morocco's open-data portal and OGP's own data use.
OPEN_DATA_LICENCE = {
    "name": os.environ.get("OPEN_DATA_LICENCE_NAME", "").strip()
    or "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": os.environ.get("OPEN_DATA_LICENCE_URL", "").strip()
    or "https://creativecommons.org/licenses/by/4.0/",
}

# The open-data API: read-only, anonymous, JSON; its OpenAPI description is generated.
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Infitah open data API",
    "DESCRIPTION": (
        "The public data of the Moroccan network of open territorial collectivities: councils, "
        "action plans, commitments with milestones and indicators, workshops, proposals and "
        "published comments. Every text is given in Arabic (_ar) and French (_fr).\n\n"
        "Each list reads only the query parameters it documents: its filters, its pagination "
        "(page or cursor, page_size) and format (json). A request with any other "
        "parameter, a misspelt filter for instance, is answered 400 with a message naming the "
        "unknown parameters and those the list reads, in the language of Accept-Language "
        "(Arabic or French)."
    ),
    "VERSION": "1",
    "LICENSE": OPEN_DATA_LICENCE,
    "SERVE_INCLUDE_SCHEMA": False,
    # Documentation assets are served from the project (drf-spectacular-sidecar), not a CDN.
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
