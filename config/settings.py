"""Userbase settings: one module, configured by environment variables.

With no variable set it runs on the embedded default: SQLite, a file-based cache
and Celery tasks executed eagerly in-process. DATABASE_URL and REDIS_URL switch on
PostgreSQL (psycopg 3, pooled) and Redis (cache, throttle state, Celery broker).
"""

import logging
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from api.values import parse_bool

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if not value:
        return default
    try:
        return parse_bool(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from None


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_float(name: str, default: float) -> float:
    value = env_str(name)
    try:
        return float(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


def env_crontab(name: str, line: str) -> crontab:
    """A five-field crontab line, in cron's own order."""
    fields = line.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(f"{name} must have five fields (minute hour day month weekday), not {line!r}.")
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    try:
        return crontab(minute, hour, day_of_week, day_of_month, month_of_year)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from None


# --- Embedded defaults: what runs when nothing is configured -------------------------
DATABASE_URL = env_str("DATABASE_URL")
REDIS_URL = env_str("REDIS_URL")
EMBEDDED_SQLITE_PATH = BASE_DIR / "db.sqlite3"
EMBEDDED_SECRET_KEY = "userbase-embedded-default-not-for-production"  # noqa: S105 (embedded demo only)

# --- Production mode ---------------------------------------------------------------
# DJANGO_ENV=production refuses to start without the variables a real deployment must
# choose (no defaults to fall back on) and turns on HTTPS-only cookies, HSTS and the
# redirect to HTTPS; each of those can still be set on its own below.
DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"
if PRODUCTION:
    _missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL") if not env_str(name)]
    if _missing:
        raise ImproperlyConfigured(f"DJANGO_ENV=production needs {', '.join(_missing)} (they have no default there).")

# --- Core ------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DATABASE_URL:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DATABASE_URL is (only the embedded default has a built-in key)."
        )
    SECRET_KEY = EMBEDDED_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- HTTPS -------------------------------------------------------------------------
# TLS ends at the proxy in front (nginx, or a load balancer before it), which says so in
# X-Forwarded-Proto; trust that header only when such a proxy strips what clients send.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER", PRODUCTION) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# Health probes (the container's HEALTHCHECK, nginx, an orchestrator) and Prometheus
# scraping a replica talk plain HTTP to gunicorn directly: a redirect would read as a failure.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/", r"^health/", r"^metrics$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
# Preload only allows the domain onto browsers' built-in HTTPS list; someone still has to
# submit it there. Turn it off for a domain whose subdomains cannot all serve HTTPS.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)

# users comes before django.contrib.auth so that its changepassword command (which goes
# through the services) replaces Django's.
INSTALLED_APPS = [
    "users.apps.UserbaseAdminConfig",
    "users",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_results",
    "tasks",
    "monitoring",
]

MIDDLEWARE = [
    # First, so that its timings and X-Request-ID cover everything else.
    "monitoring.middleware.RequestMonitoringMiddleware",
    # Then compression, which so compresses last: no other middleware (silk included) sees gzip.
    "api.middleware.CompressionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, as whitenoise asks: right after the security middleware.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Cached API answers are served from here: everything above applies to them, nothing below
    # runs for them (a hit needs no session and no user from the database).
    "api.response_cache.CachedAnswerMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "users.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# In production collectstatic (run when the image is built) puts a hash of each file's
# content in its name and gzips it beside, so nginx and browsers may cache it for good;
# elsewhere plain names need no collectstatic before a page renders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Database --------------------------------------------------------------------
# PostgreSQL goes through psycopg's pool, which needs CONN_MAX_AGE = 0. The pool checks a
# connection before lending it when it sat idle a few seconds, not on every request
# (config/postgresql/base.py). A request holds one connection from its first query to its
# end, so each process needs at most one per gunicorn thread (8): the default of 10 leaves
# room for a Celery worker's threads; processes x DB_POOL_MAX_SIZE, across every replica
# and worker, must stay under PostgreSQL's max_connections (100 by default).
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL)
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db["ENGINE"] = "config.postgresql"
        _db["CONN_MAX_AGE"] = 0
        _db["CONN_HEALTH_CHECKS"] = False  # the backend gives the pool a check of its own
        _db["OPTIONS"] = {
            "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5),
            "pool": {
                "min_size": env_int("DB_POOL_MIN_SIZE", 2),
                "max_size": env_int("DB_POOL_MAX_SIZE", 10),
                "timeout": env_float("DB_POOL_TIMEOUT", 10.0),
            },
        }
    DATABASES = {"default": _db}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(EMBEDDED_SQLITE_PATH)),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            # A file rather than memory, so a Celery worker started by the tests shares it.
            "TEST": {"NAME": str(BASE_DIR / "test-db.sqlite3")},
        }
    }

# --- Cache -----------------------------------------------------------------------
# Redis failures degrade to cache misses (IGNORE_EXCEPTIONS) and give up fast (socket
# timeouts); sessions live in the database so a Redis outage never logs anyone out.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "userbase"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 0.5),
                "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT", 0.5),
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
else:
    # Files rather than memory: the server and the commands run beside it (changepassword,
    # import_users…) must see the same data version, or a revoked token would live on.
    CACHES = {
        "default": {
            "BACKEND": "api.cache_backends.FileCache",
            "LOCATION": env_str("CACHE_DIR", str(BASE_DIR / ".cache")),
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Auth ------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CSRF_FAILURE_VIEW = "api.errors.csrf_failure"

# The browsable API's login (also where a new password leads) lands on the API root
# unless the page asks for another.
LOGIN_URL = "/api-auth/login/"
LOGIN_REDIRECT_URL = "/api/v1/"

# Only `make run` sets it (default "admin"): seed_demo --demo-admin refuses without it.
DEMO_ADMIN_PASSWORD = env_str("DEMO_ADMIN_PASSWORD")

# --- REST API --------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "users.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "token": env_str("TOKEN_THROTTLE_RATE", "5/min"),
        "login": env_str("LOGIN_THROTTLE_RATE", "5/min"),
    },
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Userbase API",
    "DESCRIPTION": "User management for tables with millions of rows.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags and operation ids start after the version: `users_list` under `users`.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # The schema documents the API; the root /health/ aliases are for probes.
    "PREPROCESSING_HOOKS": ["api.schema.only_api_paths"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.name_query_enums"],
    # Stable names, whatever other choice sets the schema holds.
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "users.models.Role",
        "OrderStatusEnum": "users.models.OrderStatus",
        "ImportJobStatusEnum": "tasks.models.ImportStatus",
    },
    # Swagger UI's assets are served from the installed package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# --- Celery ----------------------------------------------------------------------
# Without a broker, tasks run eagerly in the calling process (the embedded default).
# With one, a task is acknowledged only when it has finished (acks_late) and put back
# when its worker dies (reject_on_worker_lost); Redis hands an unacknowledged task to
# another worker after the visibility timeout, which must outlast the longest task.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not (REDIS_URL or env_str("CELERY_BROKER_URL")))
# A task that fails in-process is recorded as failed, as a worker would, rather than
# failing the request that queued it.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_STORE_EAGER_RESULT = True  # /api/v1/tasks/{id}/ answers on the embedded default too
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "django-db")
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in ("default", "imports", "email")]
CELERY_TASK_ROUTES = {
    "tasks.tasks.import_users": {"queue": "imports"},
    "tasks.tasks.send_welcome_emails": {"queue": "email"},
}
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # How often a worker looks for tasks whose worker died (kombu's default is a scan
    # every 100 s, whatever the timeout): a fifth of the timeout, at most a minute.
    "unacked_restore_interval": max(1, min(60, CELERY_VISIBILITY_TIMEOUT // 5)),
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for its broker as long as it takes
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "celerybeat-schedule"))
# Beat: the daily cleanup, as a crontab line ("minute hour day-of-month month day-of-week").
CLEANUP_SCHEDULE = env_str("CLEANUP_SCHEDULE", "30 3 * * *")
CLEANUP_INACTIVE_DAYS = env_int("CLEANUP_INACTIVE_DAYS", 365)
CELERY_BEAT_SCHEDULE = {
    "cleanup-inactive-users": {
        "task": "tasks.tasks.cleanup_inactive_users",
        "schedule": env_crontab("CLEANUP_SCHEDULE", CLEANUP_SCHEDULE),
    },
}

# --- Imports and email -------------------------------------------------------------
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "userbase@localhost")
# Where people reach Userbase: the links in emails point there.
PUBLIC_URL = env_str("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Monitoring ------------------------------------------------------------------
HEALTH_CHECK_TIMEOUT = env_float("HEALTH_CHECK_TIMEOUT", 2.0)
SLOW_REQUEST_MS = env_float("SLOW_REQUEST_MS", 1000)
SLOW_QUERY_MS = env_float("SLOW_QUERY_MS", 100)
# GET /metrics also answers `Authorization: Bearer <METRICS_TOKEN>`, for a Prometheus
# server that has no user account; unset, only admins may scrape.
METRICS_TOKEN = env_str("METRICS_TOKEN")
DASHBOARD_REFRESH_SECONDS = 5  # how often /dashboard/ fetches the figures again
# Silk records requests (SQL, profiles) in the database: off unless asked for, sampled,
# capped in number, and purged hourly of what is older than SILK_KEEP_HOURS.
SILK_ENABLED = env_bool("SILK_ENABLED", False)
SILK_KEEP_HOURS = env_int("SILK_KEEP_HOURS", 24)
if SILK_ENABLED:
    from monitoring.silk import silk_settings

    globals().update(
        silk_settings(
            INSTALLED_APPS,
            MIDDLEWARE,
            intercept_percent=env_float("SILKY_INTERCEPT_PERCENT", 100.0),
            keep=env_int("SILKY_MAX_RECORDED_REQUESTS", 10_000),
        )
    )
    CELERY_BEAT_SCHEDULE["purge-silk"] = {"task": "monitoring.tasks.purge_silk", "schedule": crontab(minute=15)}

# --- Logging ---------------------------------------------------------------------
# LOG_FORMAT=json: one JSON object per line, for a log shipper. Either way each line
# carries the id of the request (or task) it belongs to.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
if LOG_FORMAT == "json":
    logging.captureWarnings(True)  # Python's warnings too become log lines, so JSON ones
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "filters": {
        "one_line": {"()": "config.logging.OneLineFilter"},
        "request_id": {"()": "config.logging.RequestIdFilter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["one_line", "request_id"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
