"""Monitoring's own upkeep: silk's recorded requests kept to SILK_KEEP_HOURS."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone


@shared_task(name="monitoring.tasks.purge_silk")
def purge_silk() -> int:
    """Deletes silk's requests (with their queries and profiles) older than
    SILK_KEEP_HOURS; returns how many requests went. Scheduled hourly when silk is on."""
    from silk.models import Request  # silk is installed only when SILK_ENABLED

    cutoff = timezone.now() - timedelta(hours=settings.SILK_KEEP_HOURS)
    _, by_model = Request.objects.filter(start_time__lt=cutoff).delete()
    return by_model.get("silk.Request", 0)
