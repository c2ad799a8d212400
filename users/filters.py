"""Query-string filters for users and orders; every bad value is a 400 naming its parameter."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from users.models import Order, OrderStatus, Role, User

MAX_IDS = 100
MAX_BIGINT = 2**63 - 1
TRUE_VALUES = {"true", "1", "yes"}
FALSE_VALUES = {"false", "0", "no"}


class StrictBooleanField(forms.Field):
    """true/false, 1/0 or yes/no; anything else is an error rather than 'no filter'."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        lowered = str(value).strip().lower()
        if lowered in TRUE_VALUES:
            return True
        if lowered in FALSE_VALUES:
            return False
        raise forms.ValidationError("Use true or false (also 1/0, yes/no).")


class CommaListField(forms.CharField):
    """A comma-separated list; empty items are dropped."""

    def __init__(self, *, choices=None, integers: bool = False, max_items: int | None = None, **kwargs):
        self.choices = [value for value, _ in choices] if choices else None
        self.integers = integers
        self.max_items = max_items
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        items = [item.strip() for item in text.split(",") if item.strip()]
        if not items:
            return None
        if self.max_items is not None and len(items) > self.max_items:
            raise forms.ValidationError(f"At most {self.max_items} values are allowed.")
        if self.choices is not None:
            unknown = [item for item in items if item not in self.choices]
            if unknown:
                raise forms.ValidationError(
                    f"Unknown value(s): {', '.join(unknown)}. Allowed: {', '.join(self.choices)}."
                )
        if self.integers:
            try:
                numbers = [int(item) for item in items]
            except ValueError:
                raise forms.ValidationError("Give whole numbers separated by commas.") from None
            if any(not 1 <= number <= MAX_BIGINT for number in numbers):
                raise forms.ValidationError("Ids are positive whole numbers.")
            return numbers
        return items


class BoundedDateTimeField(forms.DateTimeField):
    """An ISO 8601 date or date-time, kept away from the calendar's edges where time
    zone arithmetic overflows."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None and not 1900 <= result.year <= 9000:
            raise forms.ValidationError("Give a date between the years 1900 and 9000.")
        return result


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class DateTimeFilter(django_filters.Filter):
    field_class = BoundedDateTimeField


class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class CommaListFilter(django_filters.Filter):
    field_class = CommaListField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)


class UserFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", max_length=100)
    is_active = StrictBooleanFilter()
    role = CommaListFilter(choices=Role.choices)
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    ids = CommaListFilter(field_name="id", integers=True, max_items=MAX_IDS)
    department = django_filters.CharFilter(field_name="profile__department", max_length=100)

    class Meta:
        model = User
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        # icontains compiles to UPPER(col) LIKE UPPER(%s): the trigram indexes are on UPPER(col).
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(Q(username__icontains=term) | Q(email__icontains=term) | Q(full_name__icontains=term))


class OrderFilter(django_filters.FilterSet):
    user = IntegerFilter(field_name="user_id", min_value=1, max_value=MAX_BIGINT)
    status = CommaListFilter(choices=OrderStatus.choices)
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Order
        fields: list[str] = []
