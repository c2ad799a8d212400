"""Account rules: admins keep their own rights and at least one active admin remains;
superusers are admins; managers touch only plain users and themselves; a new password
revokes the user's tokens and is judged against the user's own details."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token

from api.exceptions import Conflict
from users import services
from users.models import Role, User
from users.tests.factories import UserFactory

PASSWORD = "pass-word-123"  # what UserFactory sets
NEW_PASSWORD = "Qz7-vortex-harbour-91"


def detail(user) -> str:
    return f"/api/v1/users/{user.pk}/"


def _conflict(response, words: str) -> None:
    assert response.status_code == 409, response.content
    assert set(response.json()) == {"detail"}
    assert words in response.json()["detail"]


# --- admins keep themselves and the last admin ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "body"),
    [
        pytest.param("delete", None, id="delete"),
        pytest.param("patch", {"is_active": False}, id="deactivate"),
        pytest.param("patch", {"role": "manager"}, id="demote"),
        pytest.param(
            "put", {"username": "root-admin", "email": "root-admin@example.com", "role": "user"}, id="put-demote"
        ),
    ],
)
def test_an_admin_cannot_remove_or_demote_itself(admin_client, admin_user, method, body):
    UserFactory(role=Role.ADMIN)  # another admin exists: only the self rule applies

    response = getattr(admin_client, method)(detail(admin_user), body, format="json")

    _conflict(response, "themselves")
    admin_user.refresh_from_db()
    assert (admin_user.is_active, admin_user.role) == (True, Role.ADMIN)


@pytest.mark.django_db
def test_an_admin_may_still_edit_its_own_other_fields(admin_client, admin_user):
    response = admin_client.patch(detail(admin_user), {"full_name": "Still Admin", "role": "admin"}, format="json")

    assert response.status_code == 200
    assert response.json()["full_name"] == "Still Admin"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda ids: services.users_set_active(actor=None, user_ids=ids, is_active=False), id="deactivate"),
        pytest.param(lambda ids: services.users_delete(actor=None, user_ids=ids), id="delete"),
        pytest.param(
            lambda ids: services.user_update(actor=None, user_id=ids[0], data={"role": Role.USER}), id="demote"
        ),
    ],
)
def test_no_write_removes_the_last_active_admin(write):
    last = UserFactory(role=Role.ADMIN)
    UserFactory(role=Role.ADMIN, is_active=False)  # an inactive admin does not count
    UserFactory.create_batch(2)

    with pytest.raises(Conflict, match="no active admin"):
        write([last.pk])

    last.refresh_from_db()
    assert (last.is_active, last.role) == (True, Role.ADMIN)


@pytest.mark.django_db
def test_removing_one_of_two_admins_is_allowed():
    keep, leave = UserFactory.create_batch(2, role=Role.ADMIN)

    assert services.users_set_active(actor=None, user_ids=[leave.pk], is_active=False) == 1

    assert User.objects.filter(pk=keep.pk, is_active=True).exists()


@pytest.mark.django_db(transaction=True)
def test_two_admins_deactivating_each_other_at_once_leave_one_active():
    """On PostgreSQL each request locks its target row and waits for the other before it
    checks the rule, so both checks would see two active admins without the lock the
    services take. SQLite runs one write transaction at a time (its in-memory test
    database refuses a second one rather than waiting), so there they run in turn."""
    first, second = UserFactory.create_batch(2, role=Role.ADMIN)
    concurrent = connection.vendor == "postgresql"
    overlap = threading.Barrier(2, timeout=10) if concurrent else None
    outcomes = {}

    def deactivate(actor: User, target: User) -> None:
        def both_locked(user: User) -> None:
            if overlap is not None:
                overlap.wait()

        try:
            services.user_update(actor=actor, user_id=target.pk, data={"is_active": False}, precondition=both_locked)
            outcomes[actor.pk] = "done"
        except Conflict:
            outcomes[actor.pk] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=deactivate, args=(first, second)),
        threading.Thread(target=deactivate, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
        if not concurrent:
            thread.join(timeout=30)
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "done"]
    assert User.objects.filter(role=Role.ADMIN, is_active=True).count() == 1


@pytest.mark.django_db
def test_the_admin_site_refuses_to_delete_yourself_before_deleting_anything(client, admin_user):
    UserFactory(role=Role.ADMIN)
    client.force_login(admin_user)
    url = reverse("admin:users_user_delete", args=[admin_user.pk])

    page = client.get(url)
    client.post(url, {"post": "yes"})

    assert "themselves" in page.content.decode()
    assert User.objects.filter(pk=admin_user.pk).exists()


@pytest.mark.django_db
def test_the_admin_sites_bulk_delete_refuses_a_selection_holding_yourself(client, admin_user):
    others = UserFactory.create_batch(2)
    client.force_login(admin_user)
    ids = [admin_user.pk, *(user.pk for user in others)]

    page = client.post(
        reverse("admin:users_user_changelist"), {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )

    assert "themselves" in page.content.decode()
    assert User.objects.filter(pk__in=ids).count() == 3


@pytest.mark.django_db
def test_the_admin_site_shows_a_refused_self_demotion_as_a_message(client, admin_user):
    UserFactory(role=Role.ADMIN)
    client.force_login(admin_user)
    url = reverse("admin:users_user_change", args=[admin_user.pk])
    form = {
        "username": admin_user.username,
        "email": admin_user.email,
        "full_name": "",
        "role": "user",
        "is_active": "on",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-user": str(admin_user.pk),
    }

    response = client.post(url, form, follow=True)

    assert "themselves" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN


@pytest.mark.django_db
def test_the_admin_sites_deactivate_action_refuses_yourself(client, admin_user):
    UserFactory(role=Role.ADMIN)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:users_user_changelist"),
        {"action": "deactivate", "_selected_action": [admin_user.pk]},
        follow=True,
    )

    assert "themselves" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


# --- superusers -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_superusers_role_cannot_be_changed(admin_client):
    superuser = User.objects.create_superuser("super", "super@example.com", PASSWORD)

    response = admin_client.patch(detail(superuser), {"role": "user"}, format="json")

    _conflict(response, "always admin")
    superuser.refresh_from_db()
    assert superuser.role == Role.ADMIN


@pytest.mark.django_db
def test_the_database_refuses_a_superuser_without_the_admin_role():
    superuser = User.objects.create_superuser("super", "super@example.com", PASSWORD)

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=superuser.pk).update(role=Role.USER)


@pytest.mark.django_db
def test_the_api_cannot_create_a_superuser(admin_client):
    response = admin_client.post("/api/v1/users/", {"username": "s", "email": "s@example.com", "is_superuser": True})

    assert response.status_code in (400, 415)
    assert not User.objects.filter(username="s").exists()


# --- managers -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"full_name": "Renamed"}, id="name"),
        pytest.param({"password": NEW_PASSWORD}, id="password"),
        pytest.param({"is_active": False}, id="deactivate"),
        pytest.param({"role": "user"}, id="demote"),
    ],
)
def test_a_manager_may_not_modify_another_manager(manager_client, body):
    peer = UserFactory(role=Role.MANAGER, full_name="Peer")

    response = manager_client.patch(detail(peer), body, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Managers may modify only users of role user (and themselves)."}
    peer.refresh_from_db()
    assert (peer.full_name, peer.is_active, peer.role) == ("Peer", True, Role.MANAGER)
    assert peer.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_manager_modifies_its_own_details_and_password(manager_client, manager_user, anon_client):
    response = manager_client.patch(
        detail(manager_user), {"full_name": "Me Myself", "role": "manager", "password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    manager_user.refresh_from_db()
    assert manager_user.full_name == "Me Myself"
    assert manager_user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_manager_may_not_change_its_own_role_even_downwards(manager_client, manager_user):
    response = manager_client.patch(detail(manager_user), {"role": "user"}, format="json")

    assert response.status_code == 403
    manager_user.refresh_from_db()
    assert manager_user.role == Role.MANAGER


# --- passwords --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_password_revokes_the_users_tokens(admin_client, anon_client):
    alice = UserFactory(username="alice")
    old_key = anon_client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    ).json()["token"]

    changed = admin_client.patch(detail(alice), {"password": NEW_PASSWORD}, format="json")
    assert changed.status_code == 200, changed.content

    anon_client.credentials(HTTP_AUTHORIZATION=f"Token {old_key}")
    assert anon_client.get("/api/v1/users/").status_code == 401
    anon_client.credentials()
    new_key = anon_client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": NEW_PASSWORD}, format="json"
    ).json()["token"]
    assert new_key != old_key
    assert list(Token.objects.filter(user=alice).values_list("key", flat=True)) == [new_key]


@pytest.mark.django_db
def test_a_write_without_a_password_keeps_the_tokens(admin_client):
    alice = UserFactory(username="alice")
    token = Token.objects.create(user=alice)

    assert admin_client.patch(detail(alice), {"full_name": "Alice"}, format="json").status_code == 200

    assert Token.objects.filter(key=token.key).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "password"),
    [
        pytest.param({"username": "similarpassword1"}, "similarpassword1", id="like-username"),
        pytest.param({"username": "x1", "full_name": "Margaret Hamilton"}, "margarethamilton", id="like-name"),
        pytest.param({"username": "x2", "email": "quasimodo.bells@example.com"}, "quasimodobells", id="like-email"),
    ],
)
def test_a_password_like_the_users_own_details_is_refused(admin_client, body, password):
    payload = {"email": "someone@example.com", **body, "password": password}

    response = admin_client.post("/api/v1/users/", payload, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"password"}
    assert "too similar" in response.json()["password"][0]
    assert not User.objects.filter(username=body["username"]).exists()


@pytest.mark.django_db
def test_a_password_update_is_judged_against_the_stored_username(admin_client):
    target = UserFactory(username="rosalind.franklin")

    response = admin_client.patch(detail(target), {"password": "rosalind.franklin1"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"password"}
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
