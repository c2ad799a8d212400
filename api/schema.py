"""The OpenAPI schema tells the truth: every error an operation can answer, strict bodies,
sparse responses, and query parameters typed the way the API reads them."""

from django_filters import CharFilter
from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework import permissions, serializers

from api.fieldsets import SelectableFieldsMixin
from api.filters import MAX_BIGINT, CommaListFilter, IntegerFilter
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


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema with the error responses each operation can give.

    A view adds statuses its actions can answer beyond the generic ones with
    `extra_error_statuses = {"action": (409, 412)}`.
    """

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
        return responses

    def error_statuses(self) -> set[int]:
        view = self.view
        statuses = {400}  # every endpoint checks its query string, and its body if any
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
        if direction == "request" and isinstance(serializer, StrictInputMixin):
            schema["additionalProperties"] = False
        if direction == "response" and isinstance(serializer, SelectableFieldsMixin):
            # `fields` and `omit` may drop any property; `expand` adds these.
            schema.pop("required", None)
            for name, factory in serializer.expansions.items():
                if name not in schema["properties"]:
                    field = factory()
                    field.field_name = name
                    mapped = self._map_serializer_field(field, direction)
                    schema["properties"][name] = {**mapped, "description": f"Only with expand={name}."}
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
                parameter["description"] = "Comma-separated list."
            elif isinstance(filter_field, IntegerFilter):
                schema.update(minimum=filter_field.extra["min_value"], maximum=filter_field.extra["max_value"])
            elif isinstance(filter_field, CharFilter):
                schema.update(minLength=1, pattern=NOT_BLANK)
                if "max_length" in filter_field.extra:
                    schema["maxLength"] = filter_field.extra["max_length"]
        return parameters
