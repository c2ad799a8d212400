"""Sparse fieldsets (`fields`, `omit`) and expansions (`expand`) chosen by the client."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.http import QueryDict
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from api.params import list_values

FIELDS_PARAM = "fields"
OMIT_PARAM = "omit"
EXPAND_PARAM = "expand"
QUERY_PARAMS = (FIELDS_PARAM, OMIT_PARAM, EXPAND_PARAM)


def _check_known(param: str, names: Sequence[str], allowed: Sequence[str], what: str) -> None:
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise ValidationError({param: [f"Unknown {what}: {', '.join(unknown)}. Allowed: {', '.join(allowed)}."]})


@dataclass(frozen=True)
class FieldSelection:
    """The output fields (in the serializer's order) and the expansions asked for.

    `fields` wins over `omit` when both are sent; expansions are always added.
    """

    fields: tuple[str, ...]
    expand: frozenset[str]

    @classmethod
    def from_query(cls, params: QueryDict, *, available: Sequence[str], expandable: Sequence[str]) -> "FieldSelection":
        expand = list_values(params, EXPAND_PARAM)
        _check_known(EXPAND_PARAM, expand, expandable, "expansion(s)")
        wanted, omitted = list_values(params, FIELDS_PARAM), list_values(params, OMIT_PARAM)
        _check_known(FIELDS_PARAM, wanted, available, "field(s)")
        _check_known(OMIT_PARAM, omitted, available, "field(s)")
        if wanted:
            chosen = tuple(name for name in available if name in wanted)
        else:
            chosen = tuple(name for name in available if name not in omitted)
        return cls(fields=chosen, expand=frozenset(expand))


class SelectableFieldsMixin:
    """A serializer that keeps only `fields` and adds the nested `expand` serializers.

    Subclasses map each expansion name to a factory in `expansions`.
    """

    expansions: Mapping[str, Callable[[], serializers.Field]] = {}

    def __init__(self, *args, fields: Sequence[str] | None = None, expand: Sequence[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if fields is not None:
            for name in [name for name in self.fields if name not in fields]:
                self.fields.pop(name)
        for name in expand:
            self.fields[name] = self.expansions[name]()


def selection_parameters(serializer_class) -> list[OpenApiParameter]:
    """The schema of `fields`, `omit` and `expand` for a SelectableFieldsMixin serializer:
    comma lists of the names it knows, each set named (`UserField`, `UserExpansion`)."""

    def names(allowed, title: str) -> dict:
        return {"type": "array", "items": {"type": "string", "enum": list(allowed), "title": title}, "minItems": 1}

    def base_name(cls) -> str:
        return cls.__name__.removesuffix("Serializer")

    available = serializer_class.Meta.fields
    fields_name = f"{base_name(serializer_class)}Field"
    # Named after the serializer that declares them, as its subclasses share them.
    expansions_owner = next(cls for cls in serializer_class.__mro__ if "expansions" in vars(cls))
    return [
        OpenApiParameter(
            FIELDS_PARAM,
            names(available, fields_name),
            description="Return only these fields (instead of all of them).",
            style="form",
            explode=False,
        ),
        OpenApiParameter(
            OMIT_PARAM,
            names(available, fields_name),
            description="Leave out these fields; ignored when `fields` is sent.",
            style="form",
            explode=False,
        ),
        OpenApiParameter(
            EXPAND_PARAM,
            names(serializer_class.expansions, f"{base_name(expansions_owner)}Expansion"),
            description="Nest these too, each at one extra query per page.",
            style="form",
            explode=False,
        ),
    ]
