"""Keyset (cursor) pagination over a (value, id) position, with an ordering allowlist.

DRF's CursorPagination keeps only the first ordering field in its position, so a
non-unique ordering (two users created in the same microsecond) skips rows. Here the
position is the pair (ordering value, id) and rows are ordered by both, so every row
is visited exactly once. The cursor is signed: a client can pass it back, not forge it.
Nullable columns sort NULLS LAST ascending and NULLS FIRST descending, as PostgreSQL's
indexes do, on every database.
"""

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from api.values import BOOLEAN_HELP, parse_bool


@dataclass(frozen=True)
class Ordering:
    field: str
    descending: bool

    @property
    def param(self) -> str:
        return f"-{self.field}" if self.descending else self.field


@dataclass(frozen=True)
class Position:
    value: Any
    id: int
    reverse: bool  # True: the page lies before this position (a "previous" link)


class KeysetPagination(BasePagination):
    """Reads `ordering`, `page_size`, `cursor` and `include_total`.

    The view declares `ordering_fields` and `default_ordering`, and may have a
    `filterset_class`: a cursor carries a fingerprint of those filters (and of the
    view's URL arguments) and is refused under any others.
    """

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"
    total_query_param = "include_total"
    default_page_size = 20
    max_page_size = 100

    query_params = (cursor_query_param, page_size_query_param, ordering_query_param, total_query_param)

    ordering: Ordering | None = None

    def get_ordering(self, request, view) -> Ordering:
        """The requested ordering, parsed once per request: the view needs it first, to
        choose the columns to load, and the paginator again to order by it."""
        if self.ordering is None:
            self.ordering = self._parse_ordering(request, view)
        return self.ordering

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        self.request = request
        self._model = queryset.model
        self.get_ordering(request, view)
        self.page_size = self._page_size(request)
        self.fingerprint = self._fingerprint(request, view)
        position = self._decode(request, queryset.model)
        self.total = queryset.count() if self._include_total(request) else None

        field = self.ordering.field
        nullable = queryset.model._meta.get_field(field).null
        reverse_page = position is not None and position.reverse
        scan_descending = self.ordering.descending != reverse_page
        order_by = [self._order_expression(field, scan_descending, nullable)]
        if field != "id":
            order_by.append(self._order_expression("id", scan_descending, False))
        if position is not None:
            queryset = queryset.filter(self._after(field, position, scan_descending, nullable))
        rows = list(queryset.order_by(*order_by)[: self.page_size + 1])
        has_more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if reverse_page:
            rows.reverse()

        self.next_position = self.previous_position = None
        if rows:
            first, last = self._position(rows[0], True), self._position(rows[-1], False)
            self.next_position = last if (has_more or reverse_page) else None
            self.previous_position = first if (position is not None and (has_more or not reverse_page)) else None
        return rows

    def get_paginated_response(self, data) -> Response:
        body = OrderedDict(next=self._link(self.next_position), previous=self._link(self.previous_position))
        if self.total is not None:
            body["total"] = self.total
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "total": {"type": "integer", "description": f"Only with {self.total_query_param}=true."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        def param(name: str, schema: dict, description: str) -> dict:
            return {"name": name, "required": False, "in": "query", "schema": schema, "description": description}

        orderings = [f"{prefix}{name}" for name in view.ordering_fields for prefix in ("", "-")]
        return [
            param(
                self.cursor_query_param,
                {"type": "string", "minLength": 1, "pattern": r"\S"},
                "Opaque position from a next/previous link; valid only with the query it came from.",
            ),
            param(
                self.page_size_query_param,
                {"type": "integer", "minimum": 1, "default": self.default_page_size},
                f"Results per page; above {self.max_page_size} is capped.",
            ),
            param(
                self.ordering_query_param,
                {"type": "string", "enum": orderings, "title": f"{view.queryset.model.__name__}Ordering"},
                f"Sort by this field, descending with a leading `-` (default `{view.default_ordering}`); "
                "ties are broken by id.",
            ),
            param(self.total_query_param, {"type": "boolean"}, "Add the exact count of the filtered set."),
        ]

    # --- internals -------------------------------------------------------------

    def _parse_ordering(self, request, view) -> Ordering:
        raw = request.query_params.get(self.ordering_query_param, view.default_ordering).strip()
        field = raw.removeprefix("-")
        if field not in view.ordering_fields:
            raise ValidationError(
                {self.ordering_query_param: [f"Unknown ordering {raw!r}. Allowed: {self._allowed(view)}."]}
            )
        return Ordering(field=field, descending=raw.startswith("-"))

    @staticmethod
    def _fingerprint(request, view) -> str:
        """A short digest of the filters and URL arguments a page was listed under."""
        filterset_class = getattr(view, "filterset_class", None)
        names = filterset_class.base_filters if filterset_class is not None else ()
        params = request.query_params
        # A repeated list parameter is the same filter as its comma form.
        filters = sorted((name, ",".join(params.getlist(name))) for name in names if name in params)
        kwargs = sorted((name, str(value)) for name, value in view.kwargs.items())
        digest = hashlib.sha256(json.dumps([filters, kwargs]).encode()).hexdigest()
        return digest[:16]

    def _allowed(self, view) -> str:
        return ", ".join(f"{name}, -{name}" for name in view.ordering_fields)

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.default_page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({self.page_size_query_param: ["Give a whole number of at least 1."]})
        return min(size, self.max_page_size)

    def _include_total(self, request) -> bool:
        try:
            return parse_bool(request.query_params.get(self.total_query_param, "false"))
        except ValueError:
            raise ValidationError({self.total_query_param: [BOOLEAN_HELP]}) from None

    def _salt(self, model: type[models.Model]) -> str:
        return f"userbase.cursor.{model._meta.label_lower}"

    def _decode(self, request, model: type[models.Model]) -> Position | None:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        invalid = ValidationError({self.cursor_query_param: ["Invalid cursor."]})
        try:
            payload = signing.loads(raw, salt=self._salt(model))
        except signing.BadSignature:
            raise invalid from None
        if not isinstance(payload, dict):
            raise invalid
        if payload.get("o") != self.ordering.param:
            raise ValidationError(
                {self.cursor_query_param: ["This cursor belongs to another ordering; start again from the first page."]}
            )
        if payload.get("f") != self.fingerprint:
            raise ValidationError(
                {self.cursor_query_param: ["This cursor belongs to other filters; start again from the first page."]}
            )
        value, row_id, reverse = payload.get("v"), payload.get("i"), payload.get("r")
        if not isinstance(row_id, int) or not isinstance(reverse, bool):
            raise invalid
        field = model._meta.get_field(self.ordering.field)
        if value is None:
            if not field.null:
                raise invalid
        elif not isinstance(value, str | int) or isinstance(value, bool):
            raise invalid
        else:
            try:
                value = field.to_python(value)
            except DjangoValidationError:
                raise invalid from None
        return Position(value=value, id=row_id, reverse=reverse)

    def _position(self, row: models.Model, reverse: bool) -> Position:
        return Position(value=getattr(row, self.ordering.field), id=row.pk, reverse=reverse)

    def _link(self, position: Position | None) -> str | None:
        if position is None:
            return None
        value = position.value
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        payload = {"o": self.ordering.param, "f": self.fingerprint, "v": value, "i": position.id, "r": position.reverse}
        token = signing.dumps(payload, salt=self._salt(self._model), compress=True)
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, token)

    @staticmethod
    def _order_expression(field: str, descending: bool, nullable: bool):
        if not nullable:
            return F(field).desc() if descending else F(field).asc()
        return F(field).desc(nulls_first=True) if descending else F(field).asc(nulls_last=True)

    @staticmethod
    def _after(field: str, position: Position, descending: bool, nullable: bool) -> Q:
        """Rows strictly after `position` when scanning in the given direction."""
        if field == "id":
            return Q(id__lt=position.id) if descending else Q(id__gt=position.id)
        if position.value is None:
            # Inside the NULL block, which comes first descending and last ascending.
            if descending:
                return Q(**{f"{field}__isnull": True, "id__lt": position.id}) | Q(**{f"{field}__isnull": False})
            return Q(**{f"{field}__isnull": True, "id__gt": position.id})
        lookup = TupleLessThan if descending else TupleGreaterThan
        after = Q(lookup(Tuple(F(field), F("id")), (position.value, position.id)))
        if nullable and not descending:
            after |= Q(**{f"{field}__isnull": True})
        return after
