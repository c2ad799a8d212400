"""The OpenAPI schema tells the truth about errors, bodies, sparse responses and parameters."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

# Every status each operation can answer besides its success, as the API behaves.
ERRORS = {
    ("post", "/api/v1/auth/token/"): {"400", "413", "415", "429"},
    ("get", "/api/v1/users/"): {"400", "401"},
    ("post", "/api/v1/users/"): {"400", "401", "403", "413", "415"},
    ("get", "/api/v1/users/{id}/"): {"400", "401", "404"},
    ("put", "/api/v1/users/{id}/"): {"400", "401", "403", "404", "409", "412", "413", "415"},
    ("patch", "/api/v1/users/{id}/"): {"400", "401", "403", "404", "409", "412", "413", "415"},
    ("delete", "/api/v1/users/{id}/"): {"400", "401", "403", "404", "409", "412"},
    ("get", "/api/v1/users/stats/"): {"400", "401"},
    ("post", "/api/v1/users/bulk/"): {"400", "401", "403", "413", "415"},
    ("patch", "/api/v1/users/bulk/"): {"400", "401", "403", "409", "413", "415"},
    ("delete", "/api/v1/users/bulk/"): {"400", "401", "403", "409", "413", "415"},
    ("get", "/api/v1/orders/"): {"400", "401"},
    ("post", "/api/v1/users/import/"): {"400", "401", "403", "413", "415"},
    ("get", "/api/v1/imports/"): {"400", "401", "403"},
    ("get", "/api/v1/imports/{id}/"): {"400", "401", "403", "404"},
    ("get", "/api/v1/tasks/{task_id}/"): {"400", "401", "403", "404"},
    ("get", "/api/v1/users/{user_pk}/orders/"): {"400", "401", "404"},
    ("get", "/api/v1/metrics/"): {"400", "401", "403"},
}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        from drf_spectacular.generators import SchemaGenerator

        return SchemaGenerator().get_schema(request=None, public=True)


def _parameters(schema: dict, method: str, path: str) -> dict[str, dict]:
    return {parameter["name"]: parameter for parameter in schema["paths"][path][method].get("parameters", [])}


def test_the_schema_is_valid_and_generates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())


def test_every_operation_lists_exactly_the_errors_it_can_answer(schema):
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert operations == set(ERRORS)
    for (method, path), expected in ERRORS.items():
        responses = schema["paths"][path][method]["responses"]
        errors = {status for status in responses if status >= "400"}
        assert errors == expected, (method, path)
        for status in errors:
            assert responses[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_error_component_allows_detail_and_field_errors(schema):
    error = schema["components"]["schemas"]["Error"]

    assert error["properties"] == {"detail": {"type": "string"}}
    assert error["additionalProperties"] is True


@pytest.mark.parametrize(
    ("path", "name", "items"),
    [
        ("/api/v1/users/", "ids", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}),
        ("/api/v1/users/", "role", {"type": "string", "enum": ["admin", "manager", "user"]}),
        ("/api/v1/orders/", "status", {"type": "string", "enum": ["cancelled", "paid", "pending", "shipped"]}),
        ("/api/v1/users/", "expand", {"type": "string", "enum": ["profile", "orders"]}),
    ],
)
def test_comma_lists_are_arrays_in_one_parameter(schema, path, name, items):
    parameter = _parameters(schema, "get", path)[name]

    assert parameter["schema"]["type"] == "array"
    assert parameter["schema"]["items"] == items
    assert (parameter["style"], parameter["explode"]) == ("form", False)


def test_the_ids_list_is_bounded_like_the_filter(schema):
    assert _parameters(schema, "get", "/api/v1/users/")["ids"]["schema"]["maxItems"] == 100


def test_the_nested_orders_route_has_no_user_filter(schema):
    assert "user" in _parameters(schema, "get", "/api/v1/orders/")
    assert "user" not in _parameters(schema, "get", "/api/v1/users/{user_pk}/orders/")


def test_ordering_lists_its_values(schema):
    ordering = _parameters(schema, "get", "/api/v1/users/")["ordering"]["schema"]

    assert set(ordering["enum"]) == {
        f"{sign}{name}" for name in ("id", "username", "email", "created_at", "last_login_at") for sign in ("", "-")
    }


@pytest.mark.parametrize("component", ["User", "UserDetail"])
def test_sparse_user_responses_promise_no_property_and_declare_expansions(schema, component):
    user = schema["components"]["schemas"][component]

    assert "required" not in user
    assert {"profile", "orders"} <= set(user["properties"])


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
