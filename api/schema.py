"""The OpenAPI schema tells the truth: every error an operation can answer, strict bodies,
sparse responses, and query parameters typed the way the API reads them."""

import copy

from django_filters import CharFilter
from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions, serializers

from api.conditional import ConditionalGetMixin
from api.fieldsets import FIELDS_PARAM, SelectableFieldsMixin
from api.filters import ID_PATTERN, MAX_BIGINT, MAX_PATH_ID, CommaListFilter, IntegerFilter
from api.params import StrictQueryParamsMixin
from api.serializers import StrictInputMixin

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "An error. `detail` explains a refusal of the whole request; a 400 about the input "
        "has instead one key per offending parameter or field, each with a list of messages "
        "(an object of them for the nested `profile`)."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    400: "The query or the body is invalid; the answer names each offending parameter or field.",
    401: "No valid credentials: send `Authorization: Token <key>`.",
    403: "The caller's role does not allow this.",
    404: "No such resource.",
    409: "The request conflicts with the account rules (the last admin, one's own admin rights).",
    412: "`If-Match` names an older version; the answer carries the current `ETag`.",
    413: "The body is larger than the upload limit.",
    415: "The body is not JSON.",
    429: "Too many requests; `Retry-After` says how many seconds to wait.",
}
# Query values: no blank ones (a 400 says so), so a string holds a non-space character.
NOT_BLANK = r"\S"


def _header(description: str) -> dict:
    return {"schema": {"type": "string"}, "description": description}


# Sent on every answer (none is required: a client must not fail on a proxy that drops one).
COMMON_HEADERS = {
    "X-Request-ID": _header("The request's own `X-Request-ID`, or one generated for it; quote it in reports."),
    "X-Process-Time": _header("Seconds the server spent on the request."),
    "Server-Timing": _header("Application and database milliseconds, and the number of queries."),
}
ETAG = _header("A digest of the body; send it back in `If-None-Match` to read, or `If-Match` to write.")
CACHE_CONTROL = _header("Only the caller's own client may keep the answer, and must revalidate it before use.")
RETRY_AFTER = _header("Seconds to wait before trying again.")
# A write's answer carries the saved version's tag, ready for the next `If-Match`.
ETAG_ON_WRITE = OpenApiParameter(
    "ETag", str, OpenApiParameter.HEADER, response=[200, 201], description=ETAG["description"]
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="Write only if the resource still has this `ETag` (from a read or a write); otherwise 412.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    description="An `ETag` from an earlier answer: 304 with no body while it is still current.",
)
NOT_MODIFIED = "Not modified: the `ETag` in `If-None-Match` is still current."


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema for clients generated from the schema: the errors,
    headers and conditional requests of each operation, integer ids, sparse responses.

    A view adds statuses its actions can answer beyond the generic ones with
    `extra_error_statuses = {"action": (409, 412)}`; one that can answer 412 reads
    `If-Match`.

    Tags and operation ids follow the URL (SCHEMA_PATH_PREFIX strips `/api/v1/`): the tag
    is the first segment (`/api/v1/metrics/` → `metrics`), the id its segments and the
    action (`users_list`, `users_stats_retrieve`). A view whose path names another
    resource says so with `extend_schema(tags=[...])`.
    """

    def get_description(self):
        # Docstrings are written for the code's readers; API users read the
        # `extend_schema(description=...)` of each operation.
        return ""

    def get_auth(self):
        # Without authenticators credentials are not even read: a client needs none, and
        # drf-spectacular's `[{}]` would make generated clients demand them anyway.
        return super().get_auth() if self.view.get_authenticators() else []

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("pattern") == f"^{ID_PATTERN}$":
                parameter["schema"] = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_PATH_ID}
                parameter.setdefault("description", "The id, as the resource's `id` field gives it.")
        return parameters

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._is_conditional_get():
            parameters = [*parameters, IF_NONE_MATCH]
        if 412 in self.error_statuses():
            parameters = [*parameters, IF_MATCH]
        return parameters

    def _is_conditional_get(self) -> bool:
        return self.method == "GET" and isinstance(self.view, ConditionalGetMixin)

    def _is_sparse(self) -> bool:
        """Whether the operation takes `fields`, so its answer may leave out any property."""
        return any(getattr(parameter, "name", None) == FIELDS_PARAM for parameter in self.get_override_parameters())

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        self.registry.register_on_missing(
            ResolvedComponent(
                name=ERROR_COMPONENT, type=ResolvedComponent.SCHEMA, object=ERROR_COMPONENT, schema=ERROR_SCHEMA
            )
        )
        error = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
        for status in sorted(self.error_statuses()):
            responses.setdefault(str(status), {"description": ERROR_DESCRIPTIONS[status], "content": error})
        if self._is_conditional_get():
            responses["304"] = {"description": NOT_MODIFIED}
        for status, response in responses.items():
            response["headers"] = {**response.get("headers", {}), **self._headers(status), **COMMON_HEADERS}
        return dict(sorted(responses.items()))

    def _headers(self, status: str) -> dict:
        """The headers an answer with this status carries besides the common ones."""
        if status == "412":
            return {"ETag": ETAG}
        if status == "429":
            return {"Retry-After": RETRY_AFTER}
        if status in ("200", "304") and self._is_conditional_get():
            return {"ETag": ETAG, "Cache-Control": CACHE_CONTROL}
        return {}

    def error_statuses(self) -> set[int]:
        view = self.view
        statuses = set()
        if isinstance(view, StrictQueryParamsMixin) or self._get_request_body():
            statuses.add(400)  # a query string or a body that does not pass
        permission_classes = view.get_permissions()
        if view.get_authenticators() and not all(isinstance(p, permissions.AllowAny) for p in permission_classes):
            statuses.add(401)
            stricter = any(not isinstance(p, permissions.IsAuthenticated) for p in permission_classes)
            if self.method not in permissions.SAFE_METHODS or stricter:
                statuses.add(403)
        if "{" in self.path:
            statuses.add(404)
        if self._get_request_body():
            statuses.update((413, 415))
        if view.get_throttles():
            statuses.add(429)
        action = getattr(view, "action", None)
        statuses.update(getattr(view, "extra_error_statuses", {}).get(action, ()))
        return statuses

    def _get_request_body(self, direction="request"):
        """drf-spectacular documents bodies on POST, PUT and PATCH only; a bulk DELETE
        (whose request is declared as a list of items) takes one too. A list's length
        bounds (`min_length`, `max_length`) become `minItems` and `maxItems`."""
        if self.method in permissions.SAFE_METHODS:
            return None
        serializer = self.get_request_serializer()
        is_list = isinstance(serializer, serializers.ListSerializer)
        method = self.method
        if method == "DELETE" and is_list:
            self.method = "POST"
        try:
            body = super()._get_request_body(direction)
        finally:
            self.method = method
        if body and is_list:
            for media in body["content"].values():
                if serializer.min_length is not None:
                    media["schema"]["minItems"] = serializer.min_length
                if serializer.max_length is not None:
                    media["schema"]["maxItems"] = serializer.max_length
        return body

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        serializer = force_instance(serializer)
        if direction == "request":
            if isinstance(serializer, StrictInputMixin):
                schema["additionalProperties"] = False
        elif isinstance(serializer, SelectableFieldsMixin) and self._is_sparse():
            # `fields` and `omit` may drop any property; `expand` adds these.
            schema.pop("required", None)
            schema["description"] = (
                f"{schema.get('description', '')} Every property is sent unless `fields` or `omit` "
                "leave it out, so none is required; `expand` adds the ones marked so."
            ).strip()
            for name, factory in serializer.expansions.items():
                if name not in schema["properties"]:
                    field = factory()
                    field.field_name = name
                    mapped = self._map_serializer_field(field, direction)
                    schema["properties"][name] = {**mapped, "description": f"Only with expand={name}."}
        else:
            # A serializer renders every readable field, null or not.
            schema["required"] = sorted(schema["properties"])
        return schema


class StrictFilterExtension(DjangoFilterExtension):
    """django-filter parameters as the filters read them: comma lists as arrays (one
    parameter, `explode: false`), numbers within their bounds, no blank strings."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        for parameter in parameters:
            schema = parameter["schema"]
            if isinstance(filter_field, CommaListFilter):
                field_kwargs = filter_field.extra
                if field_kwargs.get("integers"):
                    schema.update(minimum=1, maximum=MAX_BIGINT)
                parameter["schema"] = {"type": "array", "items": schema, "minItems": 1}
                if field_kwargs.get("max_items"):
                    parameter["schema"]["maxItems"] = field_kwargs["max_items"]
                parameter.update(style="form", explode=False)
                parameter["description"] = f"{parameter.get('description', '')} Comma-separated list.".strip()
            elif isinstance(filter_field, IntegerFilter):
                schema.update(minimum=filter_field.extra["min_value"], maximum=filter_field.extra["max_value"])
            elif isinstance(filter_field, CharFilter):
                schema.update(minLength=1, pattern=NOT_BLANK)
                if "max_length" in filter_field.extra:
                    schema["maxLength"] = filter_field.extra["max_length"]
        return parameters


def only_api_paths(endpoints):
    """Preprocessing hook: the operations under /api/ alone."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


def name_query_enums(result, generator, request, public):
    """Postprocessing hook, after drf-spectacular's enum hook: each enum of a query
    parameter becomes a named component, so that a generated client has one type per
    set of values. An enum with a `title` becomes the component of that name (`UserOrdering`);
    one without refers to the component holding the same values (`role` → `RoleEnum`)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for operation in (operation for item in result["paths"].values() for operation in item.values()):
        for parameter in operation.get("parameters", []):
            # A copy: the schema may be the very dict a view's declaration holds.
            parameter["schema"] = copy.deepcopy(parameter["schema"])
            holder, key = parameter, "schema"
            if parameter["schema"].get("type") == "array":
                holder, key = parameter["schema"], "items"
            enum = holder[key]
            if "enum" not in enum:
                continue
            name = enum.pop("title", None) or _enum_component(schemas, enum["enum"])
            if name is None:
                continue
            if set(schemas.setdefault(name, enum)["enum"]) != set(enum["enum"]):
                raise ValueError(f"Two query enums are named {name} but hold different values.")
            holder[key] = {"$ref": f"#/components/schemas/{name}"}
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result


def _enum_component(schemas: dict, values: list) -> str | None:
    names = [name for name, schema in schemas.items() if set(schema.get("enum", ())) == set(values)]
    return names[0] if len(names) == 1 else None
