"""Writes to /api/v1/users/: create, update, delete, strict bodies and If-Match."""

import pytest

from users.models import Order, Profile, Role, User
from users.tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

USERS_URL = "/api/v1/users/"
PASSWORD = "Tr0ub4dor&3-horse"
DETAIL_KEYS = {
    "id",
    "username",
    "email",
    "full_name",
    "role",
    "is_active",
    "created_at",
    "updated_at",
    "last_login_at",
    "profile",
}
PROFILE = {"department": "Sales", "phone": "+351-555-0199", "location": "Porto", "bio": "Sells things."}


def detail_url(user_or_id) -> str:
    return f"{USERS_URL}{getattr(user_or_id, 'pk', user_or_id)}/"


def new_user_body(**overrides) -> dict:
    return {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "full_name": "New Comer",
        "role": "manager",
        "is_active": True,
        "password": PASSWORD,
        "profile": PROFILE,
    } | overrides


def row(user: User) -> dict:
    return User.objects.filter(pk=user.pk).values("username", "email", "full_name", "role", "is_active").get()


@pytest.fixture
def target():
    return UserFactory(username="target", email="target@example.com", full_name="Tar Get", role=Role.USER)


# --- create -----------------------------------------------------------------------------


def test_create_returns_the_detail_representation_with_an_etag(admin_client):
    response = admin_client.post(USERS_URL, new_user_body(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == DETAIL_KEYS
    assert body["username"] == "newcomer"
    assert body["email"] == "newcomer@example.com"
    assert body["full_name"] == "New Comer"
    assert body["role"] == "manager"
    assert body["is_active"] is True
    assert body["last_login_at"] is None
    assert body["profile"] == PROFILE
    user = User.objects.select_related("profile").get(pk=body["id"])
    assert (user.username, user.role, user.profile.department) == ("newcomer", Role.MANAGER, "Sales")
    # The ETag names the same version a GET would: it can go straight into If-Match.
    assert response["ETag"]
    assert response["ETag"] == admin_client.get(detail_url(user))["ETag"]


def test_create_without_a_profile_still_creates_one(admin_client):
    body = new_user_body()
    del body["profile"]

    response = admin_client.post(USERS_URL, body, format="json")

    assert response.status_code == 201
    assert response.json()["profile"] == {"department": "", "phone": "", "location": "", "bio": ""}
    assert Profile.objects.filter(user_id=response.json()["id"]).exists()


def test_the_password_is_write_only_and_usable(admin_client):
    response = admin_client.post(USERS_URL, new_user_body(), format="json")

    assert "password" not in response.json()
    assert PASSWORD not in response.content.decode()
    user = User.objects.get(username="newcomer")
    assert user.check_password(PASSWORD)
    detail = admin_client.get(detail_url(user))
    assert "password" not in detail.json()
    assert "password" not in admin_client.get(USERS_URL).json()["results"][0]


def test_the_created_password_logs_in(admin_client, anon_client):
    admin_client.post(USERS_URL, new_user_body(), format="json")

    response = anon_client.post("/api/v1/auth/token/", {"username": "newcomer", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert "token" in response.json()


def test_without_a_password_the_user_gets_an_unusable_one(admin_client):
    response = admin_client.post(USERS_URL, {"username": "newcomer", "email": "n@example.com"}, format="json")

    assert response.status_code == 201
    assert "password" not in response.json()
    assert not User.objects.get(username="newcomer").has_usable_password()


def test_a_null_password_is_a_400_rather_than_an_unusable_password(admin_client):
    response = admin_client.post(USERS_URL, new_user_body(password=None), format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"password"}
    assert not User.objects.filter(username="newcomer").exists()


def test_a_weak_password_is_refused(admin_client):
    response = admin_client.post(USERS_URL, new_user_body(password="123"), format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"password"}
    assert not User.objects.filter(username="newcomer").exists()


def test_a_duplicate_username_is_a_400_on_username(admin_client, target):
    response = admin_client.post(USERS_URL, new_user_body(username="target"), format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"username"}
    assert User.objects.filter(username="target").count() == 1


def test_a_duplicate_username_mentioning_email_is_still_a_username_error(admin_client):
    # The field is told from the database's message, which on PostgreSQL quotes the value.
    UserFactory(username="email-admin", email="first@example.com")

    response = admin_client.post(
        USERS_URL, new_user_body(username="email-admin", email="second@example.com"), format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"username"}


@pytest.mark.parametrize("email", ["TARGET@example.com", "target@EXAMPLE.COM", "Target@Example.Com"])
def test_a_duplicate_email_differing_only_in_case_is_a_400_on_email(admin_client, target, email):
    response = admin_client.post(USERS_URL, new_user_body(email=email), format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"email"}
    assert not User.objects.filter(username="newcomer").exists()


def test_an_invalid_role_is_a_400_on_role(admin_client):
    response = admin_client.post(USERS_URL, new_user_body(role="superhero"), format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"role"}
    assert "superhero" in response.json()["role"][0]
    assert not User.objects.filter(username="newcomer").exists()


def test_an_unknown_top_level_field_is_a_400_naming_it(admin_client):
    response = admin_client.post(USERS_URL, new_user_body(nickname="Newbie"), format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"nickname"}
    assert "username" in response.json()["nickname"][0]  # it lists the accepted fields
    assert not User.objects.filter(username="newcomer").exists()


def test_an_unknown_profile_field_is_a_400_naming_it(admin_client):
    response = admin_client.post(
        USERS_URL, new_user_body(profile={"department": "Sales", "twitter": "@n"}), format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"profile"}
    assert set(response.json()["profile"]) == {"twitter"}
    assert not User.objects.filter(username="newcomer").exists()


def test_read_only_fields_sent_back_are_ignored(admin_client, target):
    body = admin_client.get(detail_url(target)).json() | {"id": 999_999, "full_name": "Round Trip"}

    response = admin_client.put(detail_url(target), body, format="json")

    assert response.status_code == 200
    assert response.json()["id"] == target.pk
    assert row(target)["full_name"] == "Round Trip"


def test_a_json_list_body_is_a_400(admin_client):
    response = admin_client.post(USERS_URL, [new_user_body()], format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.parametrize(("field", "limit"), [("bio", 2000), ("department", 100), ("phone", 32), ("location", 100)])
def test_profile_text_over_its_limit_is_a_400(admin_client, field, limit):
    response = admin_client.post(USERS_URL, new_user_body(profile={field: "x" * (limit + 1)}), format="json")

    assert response.status_code == 400
    assert response.json() == {"profile": {field: [f"Ensure this field has no more than {limit} characters."]}}
    assert not User.objects.filter(username="newcomer").exists()


def test_a_bio_at_its_limit_is_stored(admin_client, target):
    response = admin_client.patch(detail_url(target), {"profile": {"bio": "b" * 2000}}, format="json")

    assert response.status_code == 200
    target.profile.refresh_from_db()
    assert len(target.profile.bio) == 2000


def test_malformed_json_is_a_400_with_detail(admin_client):
    response = admin_client.post(USERS_URL, '{"username": "newcomer",', content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    assert "JSON" in response.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "content_type"),
    [
        pytest.param("username=newcomer&email=n%40example.com", "application/x-www-form-urlencoded", id="form"),
        pytest.param("username newcomer", "text/plain", id="text"),
    ],
)
def test_a_non_json_content_type_is_a_415(admin_client, payload, content_type):
    response = admin_client.post(USERS_URL, payload, content_type=content_type)

    assert response.status_code == 415
    assert content_type in response.json()["detail"]
    assert not User.objects.filter(username="newcomer").exists()


def test_a_username_longer_than_50_is_a_400(admin_client):
    response = admin_client.post(USERS_URL, new_user_body(username="u" * 51), format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"username"}
    assert "50" in response.json()["username"][0]


def test_a_username_of_exactly_50_is_accepted(admin_client):
    response = admin_client.post(USERS_URL, new_user_body(username="u" * 50), format="json")

    assert response.status_code == 201
    assert response.json()["username"] == "u" * 50


def test_missing_required_fields_are_named(admin_client):
    response = admin_client.post(USERS_URL, {"full_name": "No Name"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"username", "email"}


# --- update -----------------------------------------------------------------------------


def test_put_replaces_the_fields_and_the_nested_profile(admin_client, target):
    body = {
        "username": "renamed",
        "email": "renamed@example.com",
        "full_name": "Re Named",
        "role": "manager",
        "is_active": False,
        "profile": PROFILE,
    }

    response = admin_client.put(detail_url(target), body, format="json")

    assert response.status_code == 200
    assert set(response.json()) == DETAIL_KEYS
    assert {key: response.json()[key] for key in body} == body
    assert row(target) == {key: body[key] for key in ("username", "email", "full_name", "role", "is_active")}
    target.profile.refresh_from_db()
    assert target.profile.location == "Porto"
    assert response["ETag"] == admin_client.get(detail_url(target))["ETag"]


def test_put_needs_the_required_fields(admin_client, target):
    before = row(target)

    response = admin_client.put(detail_url(target), {"full_name": "Only This"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"username", "email"}
    assert row(target) == before


def test_patch_changes_only_what_it_sends(admin_client, target):
    before = row(target)

    response = admin_client.patch(detail_url(target), {"full_name": "Patched"}, format="json")

    assert response.status_code == 200
    assert response.json()["full_name"] == "Patched"
    assert row(target) == before | {"full_name": "Patched"}


def test_patch_updates_one_nested_profile_field(admin_client, target):
    response = admin_client.patch(detail_url(target), {"profile": {"phone": "+1-555-0199"}}, format="json")

    assert response.status_code == 200
    assert response.json()["profile"] == {
        "department": "Engineering",
        "phone": "+1-555-0199",
        "location": "Lisbon",
        "bio": "",
    }
    target.profile.refresh_from_db()
    assert (target.profile.phone, target.profile.department) == ("+1-555-0199", "Engineering")


def test_patch_sets_a_new_password_without_returning_it(admin_client, target):
    response = admin_client.patch(detail_url(target), {"password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert "password" not in response.json()
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_patch_with_an_unknown_field_changes_nothing(admin_client, target):
    before = row(target)

    response = admin_client.patch(detail_url(target), {"full_name": "X", "is_staff": True}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"is_staff"}
    assert row(target) == before


@pytest.mark.parametrize("method", ["put", "patch"])
def test_updating_a_missing_user_is_a_404_json(admin_client, method):
    body = {"username": "ghost", "email": "ghost@example.com"}

    response = getattr(admin_client, method)(detail_url(987_654), body, format="json")

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
    assert not User.objects.filter(username="ghost").exists()


def test_patching_an_email_onto_another_users_email_in_other_case_is_a_400(admin_client, target):
    other = UserFactory(username="other", email="other@example.com")

    response = admin_client.patch(detail_url(other), {"email": "TARGET@Example.com"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"email"}
    assert row(other)["email"] == "other@example.com"


def test_patching_a_username_onto_another_users_is_a_400(admin_client, target):
    other = UserFactory(username="other")

    response = admin_client.patch(detail_url(other), {"username": "target"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"username"}
    assert row(other)["username"] == "other"


def test_a_user_may_keep_their_own_email_in_another_case(admin_client, target):
    response = admin_client.patch(detail_url(target), {"email": "Target@example.com"}, format="json")

    assert response.status_code == 200
    assert row(target)["email"] == "Target@example.com"


# --- If-Match -----------------------------------------------------------------------------


def test_if_match_with_the_current_etag_is_accepted(admin_client, target):
    etag = admin_client.get(detail_url(target))["ETag"]

    response = admin_client.patch(detail_url(target), {"full_name": "Fresh"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert row(target)["full_name"] == "Fresh"
    assert response["ETag"] != etag


def test_the_etag_of_a_write_is_good_for_the_next_write(admin_client, target):
    etag = admin_client.get(detail_url(target))["ETag"]
    first = admin_client.patch(detail_url(target), {"full_name": "First"}, format="json", HTTP_IF_MATCH=etag)

    second = admin_client.patch(detail_url(target), {"full_name": "Second"}, format="json", HTTP_IF_MATCH=first["ETag"])

    assert second.status_code == 200
    assert row(target)["full_name"] == "Second"


def test_a_stale_etag_is_a_412_with_the_current_etag(admin_client, manager_client, target):
    stale = admin_client.get(detail_url(target))["ETag"]
    # Someone else writes in between.
    assert manager_client.patch(detail_url(target), {"full_name": "Theirs"}, format="json").status_code == 200
    current = admin_client.get(detail_url(target))["ETag"]
    assert current != stale

    response = admin_client.patch(detail_url(target), {"full_name": "Mine"}, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert set(response.json()) == {"detail"}
    assert response["ETag"] == current
    assert row(target)["full_name"] == "Theirs"


def test_a_stale_etag_on_put_leaves_profile_unchanged(admin_client, target):
    body = {"username": "target", "email": "target@example.com", "profile": {"department": "Sales"}}

    response = admin_client.put(detail_url(target), body, format="json", HTTP_IF_MATCH='"stale"')

    assert response.status_code == 412
    target.profile.refresh_from_db()
    assert target.profile.department == "Engineering"


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(lambda etag: f"W/{etag}", id="weak"),
        pytest.param(lambda etag: "*", id="star"),
        pytest.param(lambda etag: f'"other", {etag}', id="list"),
    ],
)
def test_if_match_forms_naming_the_current_version_are_accepted(admin_client, target, header):
    etag = admin_client.get(detail_url(target))["ETag"]

    response = admin_client.patch(
        detail_url(target), {"full_name": "Accepted"}, format="json", HTTP_IF_MATCH=header(etag)
    )

    assert response.status_code == 200
    assert row(target)["full_name"] == "Accepted"


def test_delete_with_a_stale_etag_is_a_412_and_keeps_the_user(admin_client, target):
    stale = admin_client.get(detail_url(target))["ETag"]
    admin_client.patch(detail_url(target), {"full_name": "Changed"}, format="json")

    response = admin_client.delete(detail_url(target), HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert response["ETag"] == admin_client.get(detail_url(target))["ETag"]
    assert User.objects.filter(pk=target.pk).exists()


def test_delete_with_the_current_etag_is_accepted(admin_client, target):
    etag = admin_client.get(detail_url(target))["ETag"]

    response = admin_client.delete(detail_url(target), HTTP_IF_MATCH=etag)

    assert response.status_code == 204
    assert not User.objects.filter(pk=target.pk).exists()


# --- delete -----------------------------------------------------------------------------


def test_delete_removes_the_user_profile_and_orders(admin_client, target):
    OrderFactory.create_batch(3, user=target)
    bystander_order = OrderFactory()

    response = admin_client.delete(detail_url(target))

    assert response.status_code == 204
    assert response.content == b""
    assert not User.objects.filter(pk=target.pk).exists()
    assert not Profile.objects.filter(user_id=target.pk).exists()
    assert not Order.objects.filter(user_id=target.pk).exists()
    assert Order.objects.filter(pk=bystander_order.pk).exists()
    assert admin_client.get(detail_url(target)).status_code == 404


def test_deleting_a_missing_user_is_a_404_json(admin_client):
    response = admin_client.delete(detail_url(987_654))

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
