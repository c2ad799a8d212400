"""Background jobs run by Celery: imports, welcome emails, the cleanup."""

from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tasks import receivers  # noqa: F401 (they connect themselves)
