"""Health checks, and later metrics and profiling."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
