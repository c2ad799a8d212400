"""Figures read when someone looks rather than counted as they happen: Celery queue
lengths and import jobs by status."""

import logging

from django.conf import settings
from django.db.models import Count
from kombu.exceptions import KombuError
from prometheus_client.core import GaugeMetricFamily

from config.celery import app as celery_app
from tasks.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)


def queue_lengths() -> dict[str, int] | None:
    """Messages waiting in each Celery queue; None when tasks run in-process (no broker)
    or the broker cannot be reached within the health-check timeout."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    lengths = {}
    conn = celery_app.connection_for_read()
    try:
        with conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_CHECK_TIMEOUT)
            channel = conn.default_channel
            for queue in settings.CELERY_TASK_QUEUES:
                try:
                    lengths[queue.name] = channel.queue_declare(queue=queue.name, passive=True).message_count
                except conn.channel_errors:  # never declared: no worker has listened yet, nothing queued
                    lengths[queue.name] = 0
    except (KombuError, OSError, *conn.connection_errors) as exc:
        logger.warning("Queue lengths unavailable: %s", exc)
        return None
    return lengths


def import_jobs_by_status() -> dict[str, int]:
    counts = dict.fromkeys(ImportStatus.values, 0)
    for row in ImportJob.objects.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


class ServiceCollector:
    """prometheus-client collector for the figures above."""

    def collect(self):
        lengths = queue_lengths()
        if lengths is not None:
            queues = GaugeMetricFamily(
                "userbase_celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"]
            )
            for name, length in lengths.items():
                queues.add_metric([name], length)
            yield queues
        jobs = GaugeMetricFamily("userbase_import_jobs", "Import jobs by status.", labels=["status"])
        for status, count in import_jobs_by_status().items():
            jobs.add_metric([status], count)
        yield jobs
