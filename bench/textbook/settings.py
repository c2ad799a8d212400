"""Settings of the textbook baseline: the project's database and apps, Django's default middleware, plain DRF."""

from config.settings import *  # noqa: F403 (the same database, apps and pool as the project)

ROOT_URLCONF = "bench.textbook.urls"
# Django's startproject middleware and nothing of the project's (no monitoring, no compression).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# DRF as its tutorial configures it: no authentication, no throttles, JSON out, no cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "UNAUTHENTICATED_USER": None,
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
