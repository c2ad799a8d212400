"""The users app: the user model, its REST API, admin and commands."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class UsersConfig(AppConfig):
    name = "users"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from api.response_cache import identify_callers_with
        from users import cache, receivers, schema  # noqa: F401 (they connect and register themselves)

        identify_callers_with(cache.TokenCallers())


class UserbaseAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the project's admin site as the default one."""

    default = False  # UsersConfig stays the default of this module
    default_site = "users.admin_site.UserbaseAdminSite"
