"""Query-string filters for users and orders; every bad value is a 400 naming its parameter."""

import django_filters
from django.db.models import Q, QuerySet

from api.filters import MAX_BIGINT, CommaListFilter, DateTimeFilter, FilterSet, IntegerFilter, StrictBooleanFilter
from users.models import Order, OrderStatus, Role, User

MAX_IDS = 100
CREATED_AFTER = "Created at or after this instant (ISO 8601, e.g. 2024-03-01T09:00:00Z)."
CREATED_BEFORE = "Created before this instant (ISO 8601, e.g. 2024-03-01T09:00:00Z)."


class UserFilter(FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=100,
        help_text="Users whose username, email or full name contains this, in any case.",
    )
    is_active = StrictBooleanFilter(help_text="Only active (true) or only inactive (false) users.")
    role = CommaListFilter(choices=Role.choices, help_text="Users with any of these roles.")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte", help_text=CREATED_AFTER)
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt", help_text=CREATED_BEFORE)
    ids = CommaListFilter(field_name="id", integers=True, max_items=MAX_IDS, help_text="Users with these ids.")
    department = django_filters.CharFilter(
        field_name="profile__department", max_length=100, help_text="Users whose profile names exactly this department."
    )

    class Meta:
        model = User
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        # icontains compiles to UPPER(col) LIKE UPPER(%s): the trigram indexes are on UPPER(col).
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(Q(username__icontains=term) | Q(email__icontains=term) | Q(full_name__icontains=term))


class UserOrderFilter(FilterSet):
    """One user's orders: the URL names the user, so `user` is not a filter here."""

    status = CommaListFilter(choices=OrderStatus.choices, help_text="Orders in any of these states.")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte", help_text=CREATED_AFTER)
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt", help_text=CREATED_BEFORE)

    class Meta:
        model = Order
        fields: list[str] = []


class OrderFilter(UserOrderFilter):
    user = IntegerFilter(
        field_name="user_id", min_value=1, max_value=MAX_BIGINT, help_text="Orders of the user with this id."
    )

    class Meta(UserOrderFilter.Meta):
        pass
