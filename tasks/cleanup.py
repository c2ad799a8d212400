"""Removing users who have been deactivated, and left so, for a long time."""

from collections.abc import Callable
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from users import services
from users.models import User

DEFAULT_BATCH_SIZE = 1000


def inactive_users(*, days: int) -> QuerySet[User]:
    """Deactivated users unchanged for `days` days."""
    return User.objects.filter(is_active=False, updated_at__lt=timezone.now() - timedelta(days=days))


def cleanup_inactive_users(
    *,
    days: int,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] = lambda removed: None,
) -> int:
    """Delete them, a batch at a time, through the services (so caches and stats follow
    and the account rules hold); returns how many were removed. `on_batch` gets the
    running total after each batch."""
    removed = 0
    candidates = inactive_users(days=days).order_by("pk").values_list("pk", flat=True)
    while ids := list(candidates[:batch_size]):
        removed += services.users_delete(actor=None, user_ids=ids)
        on_batch(removed)
    return removed
