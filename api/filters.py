"""Strict query-string filter fields: every bad value is an error that names its parameter."""

from datetime import UTC, timedelta

import django_filters
from django import forms

from api.once import per_class
from api.values import BOOLEAN_HELP, parse_bool

MAX_BIGINT = 2**63 - 1
# Ids in URL paths: at most 18 digits keeps them inside a 64-bit integer on every database.
ID_PATTERN = r"[0-9]{1,18}"
MAX_PATH_ID = 10**18 - 1
# PostgreSQL stores UTC offsets up to 15:59; real time zones stay within -12:00 and +14:00.
MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)


class StrictBooleanField(forms.Field):
    """true/false, 1/0 or yes/no; anything else is an error rather than 'no filter'."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return parse_bool(str(value))
        except ValueError:
            raise forms.ValidationError(BOOLEAN_HELP) from None


class CommaListWidget(forms.TextInput):
    """Every value of the parameter as one comma list (see api.params.list_values)."""

    def value_from_datadict(self, data, files, name):
        if name in data and hasattr(data, "getlist"):
            return ",".join(data.getlist(name))
        return super().value_from_datadict(data, files, name)


class CommaListField(forms.CharField):
    """A comma-separated list; empty items are dropped."""

    widget = CommaListWidget

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
                # The values go in as params: django-filter %-formats the message.
                raise forms.ValidationError(
                    "Unknown value(s): %(unknown)s. Allowed: %(allowed)s.",
                    params={"unknown": ", ".join(unknown), "allowed": ", ".join(self.choices)},
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
    """An ISO 8601 date or date-time that every database can compare with: kept away
    from the calendar's edges, where time zone arithmetic overflows, and from UTC
    offsets PostgreSQL cannot store. The value is passed on in UTC."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is None:
            return None
        if not 1900 <= result.year <= 9000:
            raise forms.ValidationError("Give a date between the years 1900 and 9000.")
        offset = result.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError("Give a UTC offset between -15:59 and +15:59.")
        return result.astimezone(UTC) if offset is not None else result


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class DateTimeFilter(django_filters.Filter):
    field_class = BoundedDateTimeField


class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class CommaListFilter(django_filters.Filter):
    field_class = CommaListField
    takes_list = True  # may be repeated in the query string, its values joined

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, with its form class built once per filter set class.

    django-filter builds a new form class for every request (a class, its fields and
    their labels: about half its cost per request), although the form depends on the
    class's filters alone. Forms made from the one class still get fields of their own.
    """

    def get_form_class(self):
        return per_class(self, "_form_class", super().get_form_class)
