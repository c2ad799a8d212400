"""Reads: querysets shaped for what the caller will render, and the stats aggregate."""

import functools
from collections.abc import Iterable
from datetime import UTC, datetime, time

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from api.compiled import CompiledQuery
from users.models import Order, Profile, Role, User

USER_COLUMNS = frozenset(
    {"id", "username", "email", "full_name", "role", "is_active", "created_at", "updated_at", "last_login_at"}
)
PROFILE_COLUMNS = tuple(field.name for field in Profile._meta.concrete_fields if field.name != "user")


def _user_queryset(*, fields: Iterable[str], expand: Iterable[str], columns: Iterable[str]) -> QuerySet[User]:
    """Users loading only the columns behind `fields` (plus `columns`), with each
    expansion fetched for the whole page at once: a join for the profile, one extra
    query for the orders."""
    fields, expand = set(fields), set(expand)
    load = {"id", *columns, *(fields & USER_COLUMNS)}
    queryset = User.objects.all()
    if "profile" in fields or "profile" in expand:
        queryset = queryset.select_related("profile")
        load.update(f"profile__{name}" for name in PROFILE_COLUMNS)
    if "orders" in expand:
        queryset = queryset.prefetch_related(Prefetch("orders", queryset=order_list()))
    return queryset.only(*load)


def user_list(*, fields: Iterable[str], expand: Iterable[str] = (), columns: Iterable[str] = ()) -> QuerySet[User]:
    return _user_queryset(fields=fields, expand=expand, columns=columns)


def user_get(*, user_id: int, fields: Iterable[str], expand: Iterable[str] = ()) -> User | None:
    found = _user_by_id(frozenset(fields), frozenset(expand)).run([user_id])
    return found[0] if found else None


@functools.lru_cache(maxsize=256)
def _user_by_id(fields: frozenset[str], expand: frozenset[str]) -> CompiledQuery:
    """The detail's query for one selection, compiled once (a few per process in practice;
    every combination of fields and expansions at most)."""
    queryset = _user_queryset(fields=fields, expand=expand, columns=()).filter(pk=0).order_by()
    compiled = CompiledQuery(queryset)
    if list(compiled.example_params) != [0]:
        raise ValueError(f"The user detail query should take the id alone, not {compiled.example_params!r}.")
    return compiled


def users_by_id(*, ids: Iterable[int]) -> dict[int, User]:
    """The users among `ids` that exist, by id (one query)."""
    return User.objects.in_bulk(list(ids))


def user_exists(*, user_id: int) -> bool:
    return User.objects.filter(pk=user_id).exists()


def order_list(*, user_id: int | None = None) -> QuerySet[Order]:
    queryset = Order.objects.all()
    if user_id is not None:
        queryset = queryset.filter(user_id=user_id)
    return queryset


def user_stats() -> dict:
    """Counts by state and role, in one aggregate query."""
    today = datetime.combine(timezone.now().astimezone(UTC).date(), time.min, tzinfo=UTC)
    counts = User.objects.aggregate(
        total_users=Count("id"),
        active_users=Count("id", filter=Q(is_active=True)),
        new_today=Count("id", filter=Q(created_at__gte=today)),
        **{f"role_{role}": Count("id", filter=Q(role=role)) for role in Role.values},
    )
    return {
        "total_users": counts["total_users"],
        "active_users": counts["active_users"],
        "inactive_users": counts["total_users"] - counts["active_users"],
        "new_today": counts["new_today"],
        "by_role": {role: counts[f"role_{role}"] for role in Role.values},
    }
