"""The OpenAPI schema tells the truth about errors, bodies, sparse responses and parameters."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

# Every operation: its id and tag (what a generated client names its function and module
# after), and every status it can answer besides its success, as the API behaves.
OPERATIONS = {
    ("post", "/api/v1/auth/token/"): ("auth_token_create", "auth", {"400", "413", "415", "429"}),
    ("get", "/api/v1/users/"): ("users_list", "users", {"400", "401"}),
    ("post", "/api/v1/users/"): ("users_create", "users", {"400", "401", "403", "413", "415"}),
    ("get", "/api/v1/users/{id}/"): ("users_retrieve", "users", {"400", "401", "404"}),
    ("put", "/api/v1/users/{id}/"): (
        "users_update",
        "users",
        {"400", "401", "403", "404", "409", "412", "413", "415"},
    ),
    ("patch", "/api/v1/users/{id}/"): (
        "users_partial_update",
        "users",
        {"400", "401", "403", "404", "409", "412", "413", "415"},
    ),
    ("delete", "/api/v1/users/{id}/"): ("users_destroy", "users", {"400", "401", "403", "404", "409", "412"}),
    ("get", "/api/v1/users/stats/"): ("users_stats_retrieve", "users", {"400", "401"}),
    ("post", "/api/v1/users/bulk/"): ("users_bulk_create", "users", {"400", "401", "403", "413", "415"}),
    ("patch", "/api/v1/users/bulk/"): (
        "users_bulk_partial_update",
        "users",
        {"400", "401", "403", "409", "413", "415"},
    ),
    ("delete", "/api/v1/users/bulk/"): ("users_bulk_destroy", "users", {"400", "401", "403", "409", "413", "415"}),
    ("get", "/api/v1/orders/"): ("orders_list", "orders", {"400", "401"}),
    ("get", "/api/v1/users/{user_pk}/orders/"): ("users_orders_list", "orders", {"400", "401", "404"}),
    ("post", "/api/v1/users/import/"): ("users_import", "imports", {"400", "401", "403", "413", "415"}),
    ("get", "/api/v1/imports/"): ("imports_list", "imports", {"400", "401", "403"}),
    ("get", "/api/v1/imports/{id}/"): ("imports_retrieve", "imports", {"400", "401", "403", "404"}),
    ("get", "/api/v1/tasks/{task_id}/"): ("tasks_retrieve", "tasks", {"401", "403", "404"}),
    ("get", "/api/v1/health/"): ("health_retrieve", "health", set()),
    ("get", "/api/v1/health/ready/"): ("health_ready_retrieve", "health", set()),
    ("get", "/api/v1/health/live/"): ("health_live_retrieve", "health", set()),
    ("get", "/api/v1/metrics/"): ("metrics_retrieve", "metrics", {"400", "401", "403"}),
}
# GETs that answer with an ETag and 304 to a matching If-None-Match.
CONDITIONAL_GETS = [
    "/api/v1/users/",
    "/api/v1/users/{id}/",
    "/api/v1/users/stats/",
    "/api/v1/orders/",
    "/api/v1/users/{user_pk}/orders/",
]
# Answers that `fields` and `omit` may leave any property out of.
SPARSE_COMPONENTS = {"User", "UserDetail"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        from drf_spectacular.generators import SchemaGenerator

        return SchemaGenerator().get_schema(request=None, public=True)


def _parameters_of(operation: dict) -> dict[str, dict]:
    return {parameter["name"]: parameter for parameter in operation.get("parameters", [])}


def _parameters(schema: dict, method: str, path: str) -> dict[str, dict]:
    return _parameters_of(schema["paths"][path][method])


def test_the_schema_is_valid_and_generates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_the_schema_holds_exactly_the_api_operations(schema):
    assert {(method, path) for method, path, _ in _operations(schema)} == set(OPERATIONS)


def test_operations_are_named_and_tagged_by_resource_without_the_version(schema):
    for method, path, operation in _operations(schema):
        operation_id, tag, _ = OPERATIONS[(method, path)]
        assert (operation["operationId"], operation["tags"]) == (operation_id, [tag])
    assert len({operation["operationId"] for _, _, operation in _operations(schema)}) == len(OPERATIONS)


def test_every_operation_lists_exactly_the_errors_it_can_answer(schema):
    for method, path, operation in _operations(schema):
        responses = operation["responses"]
        errors = {status for status in responses if "400" <= status < "500"}
        assert errors == OPERATIONS[(method, path)][2], (method, path)
        for status in errors:
            assert responses[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_every_operation_is_described_for_its_users_not_by_the_code(schema):
    for method, path, operation in _operations(schema):
        assert operation.get("summary") and operation.get("description"), (method, path)
        assert "`get_" not in operation["description"]
        assert "Checks the query string" not in operation["description"]


def test_the_token_and_health_operations_need_no_credentials(schema):
    anonymous = [path for path in schema["paths"] if "/health/" in path or path.endswith("/auth/token/")]

    assert len(anonymous) == 4
    for path in anonymous:
        for operation in schema["paths"][path].values():
            assert "security" not in operation, path
    assert schema["paths"]["/api/v1/users/"]["get"]["security"] == [{"tokenAuth": []}, {"cookieAuth": []}]
    assert "security" not in schema


def test_the_readiness_answer_is_declared_for_503_too(schema):
    responses = schema["paths"]["/api/v1/health/"]["get"]["responses"]

    for status in ("200", "503"):
        assert responses[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Ready"}


@pytest.mark.parametrize(
    ("path", "name"), [("/api/v1/users/{id}/", "id"), ("/api/v1/users/{user_pk}/orders/", "user_pk")]
)
def test_path_ids_are_integers(schema, path, name):
    for operation in schema["paths"][path].values():
        parameter = _parameters_of(operation)[name]
        assert parameter["schema"]["type"] == "integer"
        assert parameter["schema"]["minimum"] == 1


@pytest.mark.parametrize("path", CONDITIONAL_GETS)
def test_conditional_reads_take_if_none_match_and_answer_etag_or_304(schema, path):
    operation = schema["paths"][path]["get"]

    assert _parameters_of(operation)["If-None-Match"]["in"] == "header"
    assert "content" not in operation["responses"]["304"]
    for status in ("200", "304"):
        assert {"ETag", "Cache-Control"} <= set(operation["responses"][status]["headers"])


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_writes_take_if_match_and_a_stale_one_answers_412_with_the_current_etag(schema, method):
    operation = schema["paths"]["/api/v1/users/{id}/"][method]

    assert _parameters_of(operation)["If-Match"]["in"] == "header"
    assert "ETag" in operation["responses"]["412"]["headers"]


@pytest.mark.parametrize(("method", "path"), [("post", "/api/v1/users/"), ("put", "/api/v1/users/{id}/")])
def test_a_saved_user_comes_with_its_etag(schema, method, path):
    responses = schema["paths"][path][method]["responses"]
    success = responses["201" if method == "post" else "200"]

    assert "ETag" in success["headers"]
    assert success["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SavedUser"}


def test_every_answer_declares_the_request_id_and_timing_headers_without_requiring_them(schema):
    for method, path, operation in _operations(schema):
        for status, response in operation["responses"].items():
            headers = response["headers"]
            assert {"X-Request-ID", "X-Process-Time", "Server-Timing"} <= set(headers), (method, path, status)
            assert not any(header.get("required") for header in headers.values())


def test_the_error_component_allows_detail_and_field_errors(schema):
    error = schema["components"]["schemas"]["Error"]

    assert error["properties"] == {"detail": {"type": "string"}}
    assert error["additionalProperties"] is True


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


@pytest.mark.parametrize(
    ("path", "name", "items"),
    [
        ("/api/v1/users/", "ids", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}),
        ("/api/v1/users/", "role", _ref("RoleEnum")),
        ("/api/v1/orders/", "status", _ref("OrderStatusEnum")),
        ("/api/v1/users/", "fields", _ref("UserField")),
        ("/api/v1/users/", "omit", _ref("UserField")),
        ("/api/v1/users/", "expand", _ref("UserExpansion")),
        ("/api/v1/users/{id}/", "fields", _ref("UserDetailField")),
        ("/api/v1/users/{id}/", "expand", _ref("UserExpansion")),
    ],
)
def test_comma_lists_are_arrays_in_one_parameter(schema, path, name, items):
    parameter = _parameters(schema, "get", path)[name]

    assert parameter["schema"]["type"] == "array"
    assert parameter["schema"]["items"] == items
    assert (parameter["style"], parameter["explode"]) == ("form", False)


def test_no_parameter_has_an_enum_of_its_own(schema):
    for method, path, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            assert "enum" not in parameter["schema"].get("items", parameter["schema"]), (method, path, parameter)


@pytest.mark.parametrize(
    ("component", "values"),
    [
        ("RoleEnum", ["admin", "manager", "user"]),
        ("OrderStatusEnum", ["pending", "paid", "shipped", "cancelled"]),
        ("ImportJobStatusEnum", ["pending", "running", "succeeded", "failed"]),
        ("UserExpansion", ["profile", "orders"]),
    ],
)
def test_enums_are_named_components(schema, component, values):
    assert schema["components"]["schemas"][component]["enum"] == values
    assert "StatusEnum" not in schema["components"]["schemas"]


def test_the_ids_list_is_bounded_like_the_filter(schema):
    assert _parameters(schema, "get", "/api/v1/users/")["ids"]["schema"]["maxItems"] == 100


def test_the_nested_orders_route_has_no_user_filter(schema):
    assert "user" in _parameters(schema, "get", "/api/v1/orders/")
    assert "user" not in _parameters(schema, "get", "/api/v1/users/{user_pk}/orders/")


@pytest.mark.parametrize(
    ("path", "component", "fields"),
    [
        ("/api/v1/users/", "UserOrdering", ("id", "username", "email", "created_at", "last_login_at")),
        ("/api/v1/orders/", "OrderOrdering", ("id", "created_at", "amount")),
        ("/api/v1/users/{user_pk}/orders/", "OrderOrdering", ("id", "created_at", "amount")),
    ],
)
def test_ordering_is_a_named_enum_of_its_values(schema, path, component, fields):
    assert _parameters(schema, "get", path)["ordering"]["schema"] == _ref(component)
    assert set(schema["components"]["schemas"][component]["enum"]) == {
        f"{sign}{name}" for name in fields for sign in ("", "-")
    }


@pytest.mark.parametrize("component", sorted(SPARSE_COMPONENTS))
def test_sparse_user_responses_promise_no_property_and_declare_expansions(schema, component):
    user = schema["components"]["schemas"][component]

    assert "required" not in user
    assert {"profile", "orders"} <= set(user["properties"])


def test_every_other_answer_requires_every_property_it_always_sends(schema):
    schemas = schema["components"]["schemas"]
    answers = {
        ref.rsplit("/", 1)[1]
        for _, _, operation in _operations(schema)
        for response in operation["responses"].values()
        for media in response.get("content", {}).values()
        if (ref := media["schema"].get("$ref"))
    }
    nested = {"Order", "Profile", "Checks"}

    for name in (answers | nested) - SPARSE_COMPONENTS - {"Error"}:
        component = schemas[name]
        optional = {"total"} if name.startswith("Paginated") else set()  # only with include_total
        assert set(component.get("required", [])) == set(component["properties"]) - optional, name


def test_pages_always_carry_their_links(schema):
    page = schema["components"]["schemas"]["PaginatedUserList"]

    assert page["required"] == ["next", "previous", "results"]
    assert page["properties"]["next"]["nullable"] is True


@pytest.mark.parametrize(
    "component", ["UserWriteRequest", "PatchedUserWriteRequest", "ProfileRequest", "TokenObtainRequest"]
)
def test_write_bodies_forbid_additional_properties(schema, component):
    assert schema["components"]["schemas"][component]["additionalProperties"] is False


def test_the_password_constraints_are_the_validators(schema):
    password = schema["components"]["schemas"]["UserWriteRequest"]["properties"]["password"]

    assert (password["minLength"], password["maxLength"], password["pattern"]) == (8, 128, r"\D")
    assert password["writeOnly"] is True
    assert "nullable" not in password
    assert "too similar to your other personal information" in password["description"]


def test_usernames_are_ascii_in_the_schema_as_in_the_api(schema):
    username = schema["components"]["schemas"]["UserWriteRequest"]["properties"]["username"]

    assert username["pattern"] == "^[A-Za-z0-9_.@+-]+$"
    assert username["maxLength"] == 50


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_bulk_bodies_are_bounded_arrays(schema, method):
    body = schema["paths"]["/api/v1/users/bulk/"][method]["requestBody"]["content"]["application/json"]["schema"]

    assert (body["type"], body["minItems"], body["maxItems"]) == ("array", 1, 1000)
