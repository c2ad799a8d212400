"""Serializer pieces: strict request bodies, fields built once, representations by kept serializers."""

import copy
import functools
from collections.abc import Hashable, Mapping

from rest_framework import serializers
from rest_framework.settings import api_settings

from api.once import per_class
from api.values import BOOLEAN_HELP, parse_bool

MAX_NAMED_UNKNOWN = 20
MAX_NAME_SHOWN = 100


# The JSON types each kind of field takes; DRF on its own also takes look-alikes
# (a number for a string, "yes" for a boolean), which a typed schema does not allow.
JSON_TYPES = (
    (serializers.BooleanField, (bool,), "Expected a boolean: true or false."),
    (serializers.CharField, (str,), "Expected a string."),
    (serializers.ChoiceField, (str,), "Expected a string."),
    (serializers.DateTimeField, (str,), "Expected a date-time string."),
    (serializers.IntegerField, (int,), "Expected an integer."),
    (serializers.DecimalField, (int, float, str), "Expected a number."),
)


class StrictInputMixin:
    """A body is taken as the schema describes it, not coerced or silently trimmed.

    A key the serializer does not know is an error. Read-only fields of the
    representation are known, so a client may send back what it read; they are
    ignored. The error names at most MAX_NAMED_UNKNOWN unknown keys (each cut to
    MAX_NAME_SHOWN characters) and says how many there were, so its size and cost do
    not grow with a hostile body. A value of the wrong JSON type is an error too.
    """

    # Form data (multipart) is all text: there, only JSON bodies have types to check.
    check_json_types = True

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            fields = self.fields
            names = set(fields.keys())  # a plain set: `in` on DRF's BindingDict raises and catches per miss
            unknown = [name for name in data if name not in names]
            if unknown:
                raise serializers.ValidationError(self._unknown_error(unknown))
            if self.check_json_types:
                wrong = {
                    name: [problem]
                    for name, value in data.items()
                    if (problem := _json_type_problem(fields[name], value))
                }
                if wrong:
                    raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)

    def _unknown_error(self, unknown: list[str]) -> dict[str, list[str]]:
        writable = ", ".join(name for name, field in self.fields.items() if not field.read_only)
        message = f"Unknown field. Accepted: {writable}."
        errors = {_shown(name): [message] for name in unknown[:MAX_NAMED_UNKNOWN]}
        if len(unknown) > MAX_NAMED_UNKNOWN:
            errors[api_settings.NON_FIELD_ERRORS_KEY] = [
                f"{len(unknown)} unknown fields; the first {MAX_NAMED_UNKNOWN} are named."
            ]
        return errors


def _shown(name: str) -> str:
    return name if len(name) <= MAX_NAME_SHOWN else f"{name[:MAX_NAME_SHOWN]}…"


def _json_type_problem(field: serializers.Field, value) -> str | None:
    """What is wrong with the JSON type of `value` for `field`, if anything (null is the
    field's own business)."""
    if field.read_only or value is None:
        return None
    for field_class, types, problem in JSON_TYPES:
        if isinstance(field, field_class):
            fits = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
            return None if fits else problem
    return None


class TextBooleanField(serializers.BooleanField):
    """A boolean sent as text (form data): the words of `api.values.parse_bool`."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        try:
            return parse_bool(str(data))
        except ValueError:
            raise serializers.ValidationError(BOOLEAN_HELP) from None


class FieldsOnceMixin:
    """A serializer whose fields are worked out once per class, then copied per instance.

    A ModelSerializer reads its model and builds every field on each instance, that is on
    every request; the fields depend on the class alone. Each instance gets copies
    (binding a field to its serializer changes it), as DRF copies declared fields.
    """

    def get_fields(self):
        return copy.deepcopy(per_class(self, "_fields_once", super().get_fields))


def represent(serializer_class: type[serializers.BaseSerializer], instance, *, many: bool = False, **options: Hashable):
    """What `serializer_class(instance, many=many, **options).data` holds, from a
    serializer built once per class and options and kept: building one (its fields and
    their copies) costs more than using it. Only for reading: the kept serializer has no
    instance, data or context, and representing changes nothing in it."""
    serializer = _kept(serializer_class, tuple(sorted(options.items())))
    if many:
        return [serializer.to_representation(item) for item in instance]
    return serializer.to_representation(instance)


@functools.lru_cache(maxsize=512)
def _kept(serializer_class: type[serializers.BaseSerializer], options: tuple) -> serializers.BaseSerializer:
    serializer = serializer_class(**dict(options))
    serializer.fields  # noqa: B018 (built here, once, rather than by whichever request comes first)
    return serializer
