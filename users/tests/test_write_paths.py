"""One write path: every way of changing users goes through the services and announces
the change exactly once, after it commits."""

from contextlib import suppress
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token

from users import services
from users.models import Profile, Role, User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"  # what UserFactory sets
NEW_PASSWORD = "Qz7-vortex-harbour-91"


@pytest.fixture
def target():
    return UserFactory(username="target", email="target@example.com", role=Role.USER)


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def _profile_management(total: int = 1, initial: int = 1) -> dict:
    return {
        "profile-TOTAL_FORMS": str(total),
        "profile-INITIAL_FORMS": str(initial),
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
    }


# --- the API ----------------------------------------------------------------------------


def test_api_create_update_and_delete_announce_once_each(announced, admin_client, target):
    created = []

    body = {"username": "n", "email": "n@example.com"}
    url = f"/api/v1/users/{target.pk}/"

    assert announced(lambda: created.append(admin_client.post("/api/v1/users/", body, format="json"))) == 1
    assert created[0].status_code == 201
    assert announced(lambda: admin_client.patch(url, {"full_name": "Changed"}, format="json")) == 1
    assert announced(lambda: admin_client.patch(url, {"profile": {"bio": "Hi"}}, format="json")) == 1
    assert announced(lambda: admin_client.delete(f"/api/v1/users/{target.pk}/")) == 1
    assert not User.objects.filter(pk=target.pk).exists()


def test_a_refused_write_announces_nothing(announced, manager_client, admin_user):
    def refused():
        response = manager_client.patch(f"/api/v1/users/{admin_user.pk}/", {"full_name": "No"}, format="json")
        assert response.status_code == 403

    assert announced(refused) == 0


def test_token_login_records_the_time_and_announces(announced, anon_client, target):
    def login():
        response = anon_client.post("/api/v1/auth/token/", {"username": "target", "password": PASSWORD}, format="json")
        assert response.status_code == 200

    assert announced(login) == 1
    target.refresh_from_db()
    assert target.last_login_at is not None


def test_session_login_records_the_time_and_announces(announced, client, admin_user):
    def login():
        response = client.post(reverse("admin:login"), {"username": "root-admin", "password": PASSWORD})
        assert response.status_code == 302

    assert announced(login) == 1
    admin_user.refresh_from_db()
    assert admin_user.last_login_at is not None


# --- the admin site -----------------------------------------------------------------------


def test_admin_add_creates_the_user_and_profile_through_the_services(announced, admin_browser):
    def add():
        response = admin_browser.post(
            reverse("admin:users_user_add"),
            {
                "username": "made-in-admin",
                "email": "made@example.com",
                "usable_password": "true",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "profile-0-department": "Legal",
                **_profile_management(initial=0),
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]

    assert announced(add) == 1
    user = User.objects.select_related("profile").get(username="made-in-admin")
    assert user.check_password(NEW_PASSWORD)
    assert user.profile.department == "Legal"
    assert Profile.objects.filter(user=user).count() == 1


def test_admin_change_of_fields_and_profile_announces_once(announced, admin_browser, target):
    def change():
        response = admin_browser.post(
            reverse("admin:users_user_change", args=[target.pk]),
            {
                "username": "target",
                "email": "target@example.com",
                "full_name": "Changed In Admin",
                "role": "manager",
                "is_active": "on",
                "profile-0-user": str(target.pk),
                "profile-0-department": "Research",
                "profile-0-phone": "",
                "profile-0-location": "",
                "profile-0-bio": "",
                **_profile_management(),
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]

    assert announced(change) == 1
    target.refresh_from_db()
    target.profile.refresh_from_db()
    assert (target.full_name, target.role, target.profile.department) == ("Changed In Admin", "manager", "Research")


def test_admin_delete_and_bulk_delete_announce(announced, admin_browser):
    one, two, three = UserFactory.create_batch(3)

    assert (
        announced(lambda: admin_browser.post(reverse("admin:users_user_delete", args=[one.pk]), {"post": "yes"})) == 1
    )
    bulk = {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"}
    assert announced(lambda: admin_browser.post(reverse("admin:users_user_changelist"), bulk)) == 1
    assert not User.objects.filter(pk__in=[one.pk, two.pk, three.pk]).exists()


def test_admin_actions_announce_once_per_action(announced, admin_browser):
    ids = [user.pk for user in UserFactory.create_batch(3)]
    url = reverse("admin:users_user_changelist")

    assert announced(lambda: admin_browser.post(url, {"action": "deactivate", "_selected_action": ids})) == 1
    assert not User.objects.filter(pk__in=ids, is_active=True).exists()
    assert announced(lambda: admin_browser.post(url, {"action": "activate", "_selected_action": ids})) == 1
    assert User.objects.filter(pk__in=ids, is_active=True).count() == 3


def test_admin_sets_a_password_and_revokes_the_users_tokens(announced, admin_browser, target):
    old = Token.objects.create(user=target)

    def set_password():
        response = admin_browser.post(
            reverse("admin:auth_user_password_change", args=[target.pk]),
            {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302, response.content.decode()[:3000]

    assert announced(set_password) == 1
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(key=old.key).exists()


def test_admins_own_password_change_revokes_their_tokens_and_keeps_the_session(announced, client):
    me = UserFactory(role=Role.ADMIN, username="me-admin")
    old = Token.objects.create(user=me)
    client.force_login(me)

    def change_own():
        response = client.post(
            reverse("admin:password_change"),
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response.status_code == 302, response.content.decode()[:3000]

    assert announced(change_own) == 1
    me.refresh_from_db()
    assert me.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(key=old.key).exists()
    assert client.get(reverse("admin:index")).status_code == 200  # still signed in


# --- the manager and the commands ---------------------------------------------------------


def test_create_user_and_create_superuser_go_through_the_services(announced):
    made = []

    assert announced(lambda: made.append(User.objects.create_user("plain", "plain@example.com"))) == 1
    assert announced(lambda: made.append(User.objects.create_superuser("boss", "boss@example.com", "x"))) == 1
    plain, boss = made
    assert Profile.objects.filter(user__in=made).count() == 2
    assert not plain.has_usable_password() and plain.role == Role.USER
    assert boss.is_superuser and boss.role == Role.ADMIN and boss.is_staff


def test_createsuperuser_command_makes_an_admin_with_a_profile(announced, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", NEW_PASSWORD)

    assert (
        announced(
            lambda: call_command(
                "createsuperuser", username="root2", email="root2@example.com", interactive=False, stdout=StringIO()
            )
        )
        == 1
    )
    root = User.objects.select_related("profile").get(username="root2")
    assert (root.is_superuser, root.role, root.profile.department) == (True, Role.ADMIN, "")


def test_changepassword_command_sets_it_through_the_services(announced, monkeypatch, target):
    old = Token.objects.create(user=target)
    answers = iter([NEW_PASSWORD, NEW_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    assert announced(lambda: call_command("changepassword", "target", stdout=StringIO())) == 1
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(key=old.key).exists()


def test_changepassword_command_refuses_a_password_like_the_username(monkeypatch, target):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "target1234")
    errors = StringIO()

    with pytest.raises(Exception, match="unchanged after 3 attempts"):
        call_command("changepassword", "target", stdout=StringIO(), stderr=errors)

    assert "too similar" in errors.getvalue()
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_seed_demo_announces_its_load_once(announced):
    assert announced(lambda: call_command("seed_demo", users=5, orders_per_user=1, verbosity=0)) == 1


# --- transactions ---------------------------------------------------------------------------


def test_several_writes_in_one_transaction_announce_once(announced, admin_user, target):
    def two_writes():
        with transaction.atomic():
            services.user_update(actor=admin_user, user_id=target.pk, data={"full_name": "One"})
            services.user_update(actor=admin_user, user_id=target.pk, data={"full_name": "Two"})

    assert announced(two_writes) == 1


@pytest.mark.parametrize("kept_first", [True, False], ids=["kept-then-lost", "lost-then-kept"])
def test_a_write_rolled_back_with_its_savepoint_leaves_the_kept_one_announced(
    announced, admin_user, target, kept_first
):
    def kept():
        services.user_update(actor=admin_user, user_id=target.pk, data={"full_name": "Kept"})

    def lost():
        with suppress(RuntimeError), transaction.atomic():
            services.user_update(actor=admin_user, user_id=target.pk, data={"full_name": "Lost"})
            raise RuntimeError

    def writes():
        with transaction.atomic():
            for write in (kept, lost) if kept_first else (lost, kept):
                write()

    assert announced(writes) == 1
    target.refresh_from_db()
    assert target.full_name == "Kept"


def test_a_write_inside_a_savepoint_still_announces_when_the_outer_write_came_later(announced, admin_user, target):
    def inner_first():
        with transaction.atomic():
            with transaction.atomic():
                services.user_update(actor=admin_user, user_id=target.pk, data={"full_name": "Inner"})
            services.user_update(actor=admin_user, user_id=target.pk, data={"profile": {"bio": "x"}})

    assert announced(inner_first) == 1


def test_a_rolled_back_transaction_announces_nothing(announced, admin_user, target):
    def rolled_back():
        with suppress(RuntimeError), transaction.atomic():
            services.user_update(actor=admin_user, user_id=target.pk, data={"full_name": "Gone"})
            raise RuntimeError

    assert announced(rolled_back) == 0
