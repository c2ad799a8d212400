"""Removing users who have been deactivated, and left so, for a long time."""

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from users import services
from users.models import User

DEFAULT_BATCH_SIZE = 1000


def inactive(*, days: int) -> Q:
    """Deactivated and unchanged for `days` days."""
    return Q(is_active=False, updated_at__lt=timezone.now() - timedelta(days=days))


def inactive_users(*, days: int) -> QuerySet[User]:
    return User.objects.filter(inactive(days=days))


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
    condition = inactive(days=days)
    candidates = User.objects.filter(condition).order_by("pk").values_list("pk", flat=True)
    while ids := list(candidates[:batch_size]):
        # Whoever was reactivated or changed since the ids were read is kept.
        removed += services.users_delete(actor=None, user_ids=ids, still=condition)
        on_batch(removed)
    return removed
