"""CI: the API driven through a client generated from its schema, as a consumer team would use it.

Run by .ci/client/run against a live server, after `mypy --strict` has checked it against
the generated package (`userbase_client`). Every call goes through the typed functions and
models; an answer of another type or status than the schema promises fails the run.
Arguments: the server's base URL, then the username and password of an admin.
"""

import sys
import uuid
from typing import Any, TypeVar

from userbase_client import AuthenticatedClient, Client
from userbase_client.api.auth import auth_token_create
from userbase_client.api.orders import orders_list
from userbase_client.api.users import (
    users_create,
    users_destroy,
    users_list,
    users_partial_update,
    users_retrieve,
)
from userbase_client.models import (
    Error,
    OrderStatusEnum,
    PaginatedOrderList,
    PaginatedUserList,
    PatchedUserWriteRequest,
    Profile,
    ProfileRequest,
    RoleEnum,
    SavedUser,
    Token,
    TokenObtainRequest,
    UserDetail,
    UserExpansion,
    UserField,
    UserWriteRequest,
)
from userbase_client.types import Response, Unset

T = TypeVar("T")
MISSING_ID = 10**17  # a valid id that no seeded user has


def step(message: str) -> None:
    print(f"  {message}")


def answer(response: Response[Any], status: int, kind: type[T]) -> T:
    """The parsed body of an answer that must have this status and type."""
    assert response.status_code == status, (response.status_code, response.content)
    assert isinstance(response.parsed, kind), response.parsed
    return response.parsed


def page_of_users(client: AuthenticatedClient, **query: Any) -> PaginatedUserList:
    return answer(users_list.sync_detailed(client=client, **query), 200, PaginatedUserList)


def main(base_url: str, username: str, password: str) -> None:
    print(f"typed client against {base_url}")
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
    credentials = TokenObtainRequest(username=username, password=password)
    token = answer(auth_token_create.sync_detailed(client=anonymous, body=credentials), 200, Token)
    step(f"token: obtained for {username} without credentials ({len(token.token)} characters)")
    client = AuthenticatedClient(base_url=base_url, token=token.token, prefix="Token")

    first = page_of_users(client, page_size=5)
    assert len(first.results) == 5 and isinstance(first.next_, str) and first.previous is None
    step(f"list: {len(first.results)} users, `next` given, `previous` null")
    followed = client.get_httpx_client().get(first.next_)
    second = PaginatedUserList.from_dict(followed.json())
    assert {user.id for user in second.results}.isdisjoint(user.id for user in first.results)
    step(f"next: followed as given, {len(second.results)} other users")

    name = first.results[0].username
    assert isinstance(name, str)
    found = page_of_users(client, search=name)
    assert name in [user.username for user in found.results]
    step(f"search={name}: {len(found.results)} user(s), {name} among them")

    sparse = page_of_users(client, page_size=3, fields=[UserField.ID, UserField.USERNAME])
    assert all(isinstance(user.email, Unset) and isinstance(user.id, int) for user in sparse.results)
    step("fields=id,username: parsed, email absent (Unset)")
    omitted = page_of_users(client, page_size=3, omit=[UserField.EMAIL])
    assert all(isinstance(user.email, Unset) and isinstance(user.role, RoleEnum) for user in omitted.results)
    step("omit=email: parsed, email absent, role typed RoleEnum")

    expanded = page_of_users(client, page_size=3, expand=[UserExpansion.PROFILE, UserExpansion.ORDERS])
    orders = sum(len(user.orders) for user in expanded.results if not isinstance(user.orders, Unset))
    assert all(isinstance(user.profile, Profile) for user in expanded.results)
    step(f"expand=profile,orders: typed Profile and {orders} typed Order(s) on 3 users")

    staff = page_of_users(client, role=[RoleEnum.ADMIN, RoleEnum.MANAGER], page_size=100)
    roles = {user.role for user in staff.results if not isinstance(user.role, Unset)}
    assert roles and roles <= {RoleEnum.ADMIN, RoleEnum.MANAGER}
    step(f"role=admin,manager: {len(staff.results)} users, roles {sorted(role.value for role in roles)}")
    wanted = [user.id for user in first.results[:2] if isinstance(user.id, int)]
    chosen = page_of_users(client, ids=wanted)
    assert sorted(user.id for user in chosen.results if isinstance(user.id, int)) == sorted(wanted)
    step(f"ids={','.join(map(str, wanted))}: exactly those users")
    statuses = [OrderStatusEnum.PAID, OrderStatusEnum.SHIPPED]
    paid = answer(orders_list.sync_detailed(client=client, status=statuses, page_size=20), 200, PaginatedOrderList)
    assert all(order.status in statuses for order in paid.results)
    step(f"orders status=paid,shipped: {len(paid.results)} orders, each typed OrderStatusEnum")

    suffix = uuid.uuid4().hex[:8]
    body = UserWriteRequest(
        username=f"client-{suffix}",
        email=f"client-{suffix}@example.com",
        full_name="Typed Client",
        role=RoleEnum.USER,
        profile=ProfileRequest(department="QA", location="Lyon"),
    )
    created_response = users_create.sync_detailed(client=client, body=body)
    created = answer(created_response, 201, SavedUser)
    etag = created_response.headers["ETag"]
    assert created.profile.department == "QA" and created.last_login_at is None
    step(f"create: user {created.id} with profile department={created.profile.department}, ETag {etag}")

    read_response = users_retrieve.sync_detailed(created.id, client=client)
    assert answer(read_response, 200, UserDetail).username == body.username
    assert read_response.headers["ETag"] == etag
    step("read: the same ETag as the write gave")

    change = PatchedUserWriteRequest(full_name="Typed Client Renamed")
    patched_response = users_partial_update.sync_detailed(created.id, client=client, body=change, if_match=etag)
    patched = answer(patched_response, 200, SavedUser)
    new_etag = patched_response.headers["ETag"]
    assert patched.full_name == "Typed Client Renamed" and new_etag != etag
    step(f"PATCH with If-Match {etag}: 200, full_name={patched.full_name!r}, new ETag {new_etag}")

    stale_response = users_partial_update.sync_detailed(
        created.id, client=client, body=PatchedUserWriteRequest(full_name="Lost update"), if_match=etag
    )
    stale = answer(stale_response, 412, Error)
    assert stale_response.headers["ETag"] == new_etag
    step(f"PATCH with the stale ETag: typed 412 Error, detail={stale.detail!r}, current ETag given")

    duplicate = answer(users_create.sync_detailed(client=client, body=body), 400, Error)
    assert "username" in duplicate.additional_properties
    step(f"create the same username again: typed 400 Error naming {sorted(duplicate.additional_properties)}")
    missing = answer(users_retrieve.sync_detailed(MISSING_ID, client=client), 404, Error)
    step(f"read user {MISSING_ID}: typed 404 Error, detail={missing.detail!r}")

    deleted = users_destroy.sync_detailed(created.id, client=client, if_match=new_etag)
    assert deleted.status_code == 204, deleted.content
    answer(users_retrieve.sync_detailed(created.id, client=client), 404, Error)
    step(f"delete with If-Match: 204, then user {created.id} is a 404")
    print("typed client: every step as the schema promised")


if __name__ == "__main__":
    main(*sys.argv[1:4])
