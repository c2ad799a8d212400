"""The monitoring app: health, metrics, request timing, slow logs, silk wiring, the dashboard."""

from django.apps import AppConfig
from django.db.backends.signals import connection_created


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        from api import cache
        from monitoring import db, metrics, task_signals  # noqa: F401 (task_signals connects on import)

        connection_created.connect(db.install, dispatch_uid="monitoring.db.install")
        cache.observe_lookups(metrics.cache_lookups)
