"""Who may do what: the role-by-method matrix, and the admin rows a manager may not touch."""

import pytest

from users.models import Role, User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTIONS = ("list", "detail", "create", "put", "patch", "delete", "stats")

# Expected status per role, in ACTIONS order.
MATRIX = {
    "anonymous": (401, 401, 401, 401, 401, 401, 401),
    "user": (200, 200, 403, 403, 403, 403, 200),
    "manager": (200, 200, 201, 200, 200, 403, 200),
    "admin": (200, 200, 201, 200, 200, 204, 200),
    "superuser": (200, 200, 201, 200, 200, 204, 200),
}

ACTORS = {
    "anonymous": None,
    "user": {"role": Role.USER},
    "manager": {"role": Role.MANAGER},
    "admin": {"role": Role.ADMIN},
    "superuser": {"role": Role.ADMIN, "is_superuser": True},
}


@pytest.fixture
def actor_client(request, anon_client, client_for):
    attributes = ACTORS[request.param]
    return anon_client if attributes is None else client_for(UserFactory(username="actor", **attributes))


def _send(client, action: str, target: User):
    detail = f"/api/v1/users/{target.pk}/"
    if action == "list":
        return client.get("/api/v1/users/")
    if action == "detail":
        return client.get(detail)
    if action == "stats":
        return client.get("/api/v1/users/stats/")
    if action == "create":
        return client.post("/api/v1/users/", {"username": "newcomer", "email": "newcomer@example.com"}, format="json")
    if action == "put":
        body = {"username": target.username, "email": target.email, "full_name": "Changed Name"}
        return client.put(detail, body, format="json")
    if action == "patch":
        return client.patch(detail, {"full_name": "Changed Name"}, format="json")
    if action == "delete":
        return client.delete(detail)
    raise AssertionError(action)


def _assert_effect(action: str, target: User, allowed: bool) -> None:
    """A refused write leaves the database as it was; an allowed one is applied."""
    if action == "create":
        assert User.objects.filter(username="newcomer").exists() is allowed
    elif action in ("put", "patch"):
        target.refresh_from_db()
        assert (target.full_name == "Changed Name") is allowed
    elif action == "delete":
        assert User.objects.filter(pk=target.pk).exists() is not allowed


@pytest.mark.parametrize(
    ("actor_client", "action", "expected"),
    [
        pytest.param(role, action, status, id=f"{role}-{action}")
        for role, statuses in MATRIX.items()
        for action, status in zip(ACTIONS, statuses, strict=True)
    ],
    indirect=["actor_client"],
)
def test_role_matrix(actor_client, action, expected):
    target = UserFactory(username="target", full_name="Original Name", role=Role.USER)

    response = _send(actor_client, action, target)

    assert response.status_code == expected
    if expected in (401, 403):
        assert set(response.json()) == {"detail"}
    elif expected == 200 and action in ("detail", "put", "patch"):
        assert response.json()["id"] == target.pk
    _assert_effect(action, target, allowed=expected < 400)


# --- managers and admins ---------------------------------------------------------------


@pytest.fixture
def admin_target():
    return UserFactory(username="other-admin", full_name="Other Admin", role=Role.ADMIN)


@pytest.fixture
def user_target():
    return UserFactory(username="someone", full_name="Some One", role=Role.USER)


def _row(user: User) -> dict:
    return User.objects.filter(pk=user.pk).values("username", "email", "full_name", "role", "is_active").get()


def _assert_refused(response) -> None:
    """403 with a message that says the admin role is the reason."""
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert "admin" in response.json()["detail"].lower()


def test_manager_may_not_create_an_admin(manager_client):
    body = {"username": "wannabe", "email": "wannabe@example.com", "role": "admin"}

    response = manager_client.post("/api/v1/users/", body, format="json")

    _assert_refused(response)
    assert not User.objects.filter(username="wannabe").exists()


def test_manager_may_not_promote_a_user_to_admin(manager_client, user_target):
    before = _row(user_target)

    response = manager_client.patch(f"/api/v1/users/{user_target.pk}/", {"role": "admin"}, format="json")

    _assert_refused(response)
    assert _row(user_target) == before


def test_manager_may_not_promote_themselves_to_admin(manager_client, manager_user):
    response = manager_client.patch(f"/api/v1/users/{manager_user.pk}/", {"role": "admin"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Managers may not change their own role."}
    manager_user.refresh_from_db()
    assert manager_user.role == Role.MANAGER


@pytest.mark.parametrize(
    ("method", "body"),
    [
        pytest.param("patch", {"full_name": "Renamed"}, id="patch-name"),
        pytest.param("patch", {"role": "user"}, id="demote"),
        pytest.param("patch", {"profile": {"department": "Nowhere"}}, id="patch-profile"),
        pytest.param("put", {"username": "other-admin", "email": "x@example.com"}, id="put"),
    ],
)
def test_manager_may_not_modify_an_admin(manager_client, admin_target, method, body):
    before = _row(admin_target)

    response = getattr(manager_client, method)(f"/api/v1/users/{admin_target.pk}/", body, format="json")

    _assert_refused(response)
    assert _row(admin_target) == before
    admin_target.profile.refresh_from_db()
    assert admin_target.profile.department == "Engineering"


def test_manager_may_not_deactivate_an_admin(manager_client, admin_target):
    response = manager_client.patch(f"/api/v1/users/{admin_target.pk}/", {"is_active": False}, format="json")

    _assert_refused(response)
    admin_target.refresh_from_db()
    assert admin_target.is_active is True


def test_manager_may_not_modify_a_superuser(manager_client):
    superuser = UserFactory(username="super", role=Role.ADMIN, is_superuser=True)
    before = _row(superuser)

    response = manager_client.patch(f"/api/v1/users/{superuser.pk}/", {"is_active": False}, format="json")

    _assert_refused(response)
    assert _row(superuser) == before


def test_manager_may_create_and_promote_to_manager(manager_client, user_target):
    created = manager_client.post(
        "/api/v1/users/", {"username": "deputy", "email": "deputy@example.com", "role": "manager"}, format="json"
    )
    promoted = manager_client.patch(f"/api/v1/users/{user_target.pk}/", {"role": "manager"}, format="json")

    assert created.status_code == 201
    assert created.json()["role"] == "manager"
    assert promoted.status_code == 200
    assert _row(user_target)["role"] == Role.MANAGER


def test_admin_may_create_an_admin(admin_client):
    body = {"username": "second-admin", "email": "second@example.com", "role": "admin"}

    response = admin_client.post("/api/v1/users/", body, format="json")

    assert response.status_code == 201
    assert response.json()["role"] == "admin"
    created = User.objects.get(username="second-admin")
    assert created.is_admin
    assert created.is_staff


def test_admin_may_promote_a_user_to_admin(admin_client, user_target):
    response = admin_client.patch(f"/api/v1/users/{user_target.pk}/", {"role": "admin"}, format="json")

    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    assert _row(user_target)["role"] == Role.ADMIN


def test_admin_may_modify_and_deactivate_an_admin(admin_client, admin_target):
    response = admin_client.patch(
        f"/api/v1/users/{admin_target.pk}/", {"full_name": "Renamed", "is_active": False}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["full_name"] == "Renamed"
    assert response.json()["is_active"] is False
    row = _row(admin_target)
    assert (row["full_name"], row["is_active"], row["role"]) == ("Renamed", False, Role.ADMIN)


def test_admin_may_delete_an_admin(admin_client, admin_target):
    response = admin_client.delete(f"/api/v1/users/{admin_target.pk}/")

    assert response.status_code == 204
    assert not User.objects.filter(pk=admin_target.pk).exists()
