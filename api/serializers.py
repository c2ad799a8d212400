"""Serializer pieces for strict request bodies."""

from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.settings import api_settings

MAX_NAMED_UNKNOWN = 20
MAX_NAME_SHOWN = 100


class StrictInputMixin:
    """A body key the serializer does not know is an error, not silently dropped.

    Read-only fields of the representation are known, so a client may send back what
    it read; they are ignored. The error names at most MAX_NAMED_UNKNOWN unknown keys
    (each cut to MAX_NAME_SHOWN characters) and says how many there were, so its size
    and cost do not grow with a hostile body.
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            fields = self.fields
            unknown = [name for name in data if name not in fields]
            if unknown:
                raise serializers.ValidationError(self._unknown_error(unknown))
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
