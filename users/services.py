"""Every write to users and profiles goes through these functions.

Each one owns its transaction, applies the role rules (for an `actor`; None is the
system itself: commands, createsuperuser, imports) and the account rules, and announces
the change once the transaction commits (`users.signals.users_changed`).
"""

import secrets
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth import authenticate, password_validation, user_logged_in
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.authtoken.models import Token

from api.exceptions import Conflict
from users.models import EMAIL_TAKEN, EMAIL_UNIQUE_CONSTRAINT, USERNAME_TAKEN, Profile, Role, User
from users.permissions import ensure_can_change, ensure_can_create, ensure_can_delete
from users.signals import users_changed, users_created

USER_FIELDS = ("username", "email", "full_name", "role", "is_active")
PROFILE_FIELDS = ("department", "phone", "location", "bio")
ACTIVE_ADMINS = Q(is_active=True) & (Q(role=Role.ADMIN) | Q(is_superuser=True))
# Any constant works: it names the one advisory lock that serializes admin removals.
ADMINS_LOCK_KEY = 0x75736572

# A check run on the locked row before a write (the API's If-Match); it raises to refuse.
Precondition = Callable[[User], None]


# --- announcing --------------------------------------------------------------------


def announce_users_changed(*, logins_only: bool = False) -> None:
    """Send `users_changed` once the current transaction commits (at once outside one).
    What receivers do after the commit cannot undo the write, so an error there is
    logged rather than raised (`robust`). `logins_only`: the write only recorded logins.

    Several writes inside one transaction announce once (of each kind). A callback
    already waiting is enough: it was registered in this savepoint, an outer one, or an
    inner one that has been released (a rolled-back savepoint drops its callbacks), so
    it runs whenever this write commits.
    """
    send = _send_logins_changed if logins_only else _send_users_changed
    if any(callback is send for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(send, robust=True)


def _send_users_changed() -> None:
    users_changed.send(sender=User)


def _send_logins_changed() -> None:
    users_changed.send(sender=User, logins_only=True)


def _announce_created(user_ids: list[int]) -> None:
    """Send `users_created` with the new users' ids once the transaction commits."""
    transaction.on_commit(lambda: users_created.send(sender=User, user_ids=user_ids), robust=True)


# --- creating and changing -----------------------------------------------------------


def user_create(
    *,
    actor: User | None,
    username: str,
    email: str,
    full_name: str = "",
    role: str = Role.USER,
    is_active: bool = True,
    is_superuser: bool = False,
    password: str | None = None,
    profile: Mapping[str, Any] | None = None,
) -> User:
    """Create a user and its profile; without a password the user gets an unusable one.

    Only the system (no actor) creates superusers, whose role is always admin.
    """
    if actor is not None:
        ensure_can_create(actor, role)
        if is_superuser:
            raise Conflict("Superusers are created with the createsuperuser command.")
    user = User(
        username=username,
        email=User.objects.normalize_email(email),
        full_name=full_name,
        role=Role.ADMIN if is_superuser else role,
        is_active=is_active,
        is_superuser=is_superuser,
    )
    if actor is not None and password is not None:
        validate_new_password(user, password)
    user.set_password(password)
    new_profile = Profile()
    _apply(new_profile, profile or {}, PROFILE_FIELDS)
    with transaction.atomic():
        _save_user(user, new_profile)
        announce_users_changed()
        _announce_created([user.pk])
    return user


def users_create_many(*, actor: User | None, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Create users (each with a profile) from validated rows, in a constant number of
    statements, and return their ids in the rows' order: for bulk writes and imports.
    No row carries a password: every new user gets an unusable one (and the welcome
    email a way to set it)."""
    if actor is not None:
        for row in rows:
            ensure_can_create(actor, row.get("role", Role.USER))
    now = timezone.now()
    users = [
        (
            _unusable_password(),
            False,
            row["username"],
            User.objects.normalize_email(row["email"]),
            row.get("full_name", ""),
            row.get("role", Role.USER),
            row.get("is_active", True),
            now,
            now,
        )
        for row in rows
    ]
    profiles = [tuple((row.get("profile") or {}).get(name, "") for name in PROFILE_FIELDS) for row in rows]
    try:
        with transaction.atomic():
            ids = _insert_users(users, profiles)
            announce_users_changed()
            _announce_created(ids)
    except IntegrityError as exc:
        raise _unique_violation(exc) from exc
    return ids


NEW_USER_COLUMNS = (
    "password",
    "is_superuser",
    "username",
    "email",
    "full_name",
    "role",
    "is_active",
    "created_at",
    "updated_at",
)


def _insert_users(users: list[tuple], profiles: list[tuple]) -> list[int]:
    """Insert user rows (NEW_USER_COLUMNS) and their profiles (PROFILE_FIELDS).

    PostgreSQL takes them through COPY, with ids drawn from the sequence beforehand:
    per row it costs a fraction of what an INSERT's parameters cost in Python. Other
    databases go through bulk_create."""
    if connection.vendor != "postgresql":
        created = User.objects.bulk_create(User(**dict(zip(NEW_USER_COLUMNS, user, strict=True))) for user in users)
        Profile.objects.bulk_create(
            Profile(user=user, **dict(zip(PROFILE_FIELDS, profile, strict=True)))
            for user, profile in zip(created, profiles, strict=True)
        )
        return [user.pk for user in created]
    user_table, profile_table = User._meta.db_table, Profile._meta.db_table
    # COPY runs on psycopg's own cursor: its errors are made Django's (IntegrityError) here.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [user_table, len(users)]
        )
        ids = [user_id for (user_id,) in cursor.fetchall()]
        columns = ", ".join(NEW_USER_COLUMNS)
        with cursor.cursor.copy(f"COPY {user_table} (id, {columns}) FROM STDIN") as copy:
            for user_id, user in zip(ids, users, strict=True):
                copy.write_row((user_id, *user))
        with cursor.cursor.copy(f"COPY {profile_table} (user_id, {', '.join(PROFILE_FIELDS)}) FROM STDIN") as copy:
            for user_id, profile in zip(ids, profiles, strict=True):
                copy.write_row((user_id, *profile))
    return ids


def users_update_many(*, actor: User | None, changes: Mapping[int, Mapping[str, Any]]) -> int:
    """Apply validated changes ({user id: fields, with nested `profile`}) to many users
    at once, rows locked, in a constant number of queries; no password among them."""
    with transaction.atomic():
        users = {user.pk: user for user in _locked(User.objects.select_related("profile").filter(pk__in=list(changes)))}
        if gone := sorted(set(changes) - set(users)):
            raise ValidationError({"id": [f"No user with id {user_id} any more." for user_id in gone]})
        profiles = {user_id: _profile_of(user) for user_id, user in users.items()}
        losing = [
            users[user_id]
            for user_id, data in changes.items()
            if _change(actor=actor, user=users[user_id], profile=profiles[user_id], data=data)
        ]
        _ensure_admins_remain(actor=actor, losing=losing)
        now = timezone.now()
        for user in users.values():
            user.updated_at = now
        missing = [profile for profile in profiles.values() if profile._state.adding]
        existing = [profile for profile in profiles.values() if not profile._state.adding]
        try:
            User.objects.bulk_update(users.values(), [*USER_FIELDS, "updated_at"])
            Profile.objects.bulk_create(missing)
            Profile.objects.bulk_update(existing, list(PROFILE_FIELDS))
        except IntegrityError as exc:
            raise _unique_violation(exc) from exc
        announce_users_changed()
    return len(users)


def user_update(
    *,
    actor: User | None,
    user_id: int,
    data: Mapping[str, Any],
    precondition: Precondition | None = None,
) -> User:
    """Apply the given fields, a `password` and nested `profile` fields to a user, row locked."""
    with transaction.atomic():
        user = _locked(User.objects.select_related("profile").filter(pk=user_id)).get()
        profile = _profile_of(user)
        if _change(actor=actor, user=user, profile=profile, data=data, precondition=precondition):
            _ensure_admins_remain(actor=actor, losing=[user])
        if data.get("password") is not None:
            if actor is not None:
                validate_new_password(user, data["password"])
            _set_password(user, data["password"])
        _save_user(user, profile)
        announce_users_changed()
    return user


def user_set_password(*, user_id: int, password: str | None) -> User:
    """Set a password (None: an unusable one) and revoke every API token of the user.

    For the admin site and the changepassword command, which check who may do it.
    """
    with transaction.atomic():
        user = _locked(User.objects.filter(pk=user_id)).get()
        _set_password(user, password)
        user.save(update_fields=["password", "updated_at"])
        announce_users_changed()
    return user


def users_set_active(*, actor: User | None, user_ids: Iterable[int], is_active: bool) -> int:
    """Activate or deactivate many users in one statement; returns how many changed."""
    with transaction.atomic():
        users = list(_locked(User.objects.filter(pk__in=list(user_ids)).exclude(is_active=is_active)))
        if actor is not None:
            for user in users:
                ensure_can_change(actor, user, {"is_active": is_active})
        if not is_active:
            _ensure_admins_remain(actor=actor, losing=[user for user in users if user.is_admin])
        changed = User.objects.filter(pk__in=[user.pk for user in users]).update(
            is_active=is_active, updated_at=timezone.now()
        )
        if changed:
            announce_users_changed()
    return changed


def user_record_login(*, user: User) -> None:
    """Record the time of a successful login (token or session)."""
    now = timezone.now()
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(last_login_at=now)
        announce_users_changed(logins_only=True)
    user.last_login_at = now


def users_claim_welcome(*, user_ids: Iterable[int]) -> list[User]:
    """Mark the users among `user_ids` who have not been welcomed yet as welcomed, and
    return them: the caller then sends their emails. Claiming first means a task run
    twice sends nothing twice; a send that fails gives the claim back
    (`users_unclaim_welcome`). Not a change any reader sees, so nothing is announced."""
    with transaction.atomic():
        users = list(_locked(User.objects.filter(pk__in=list(user_ids), welcome_sent_at=None)))
        User.objects.filter(pk__in=[user.pk for user in users]).update(welcome_sent_at=timezone.now())
    return users


def users_unclaim_welcome(*, user_ids: Iterable[int]) -> None:
    """The welcome emails of these users were not sent after all: let a retry send them."""
    User.objects.filter(pk__in=list(user_ids)).update(welcome_sent_at=None)


# --- deleting ------------------------------------------------------------------------


def user_delete(*, actor: User | None, user_id: int, precondition: Precondition | None = None) -> None:
    """Delete a user with its profile, orders and token."""
    if actor is not None:
        ensure_can_delete(actor)
    with transaction.atomic():
        user = _locked(User.objects.select_related("profile").filter(pk=user_id)).get()
        if precondition is not None:
            precondition(user)
        _delete([user], actor=actor)


def users_delete(*, actor: User | None, user_ids: Iterable[int], still: Q | None = None) -> int:
    """Delete many users at once; returns how many were deleted. `still` is a condition
    the users must meet once locked (whoever no longer meets it is kept)."""
    if actor is not None:
        ensure_can_delete(actor)
    with transaction.atomic():
        users = list(_locked(User.objects.filter(pk__in=list(user_ids)).filter(still or Q())))
        _delete(users, actor=actor)
    return len(users)


def _delete(users: Collection[User], *, actor: User | None) -> None:
    if not users:
        return
    _ensure_admins_remain(actor=actor, losing=[user for user in users if user.is_active and user.is_admin])
    User.objects.filter(pk__in=[user.pk for user in users]).delete()
    announce_users_changed()


# --- authentication ------------------------------------------------------------------


def auth_token_obtain(*, request, username: str, password: str) -> Token:
    """Check the credentials of an active user and return their API token."""
    user = authenticate(request=request, username=username, password=password)
    if user is None:
        raise ValidationError("Unable to log in with the provided credentials.")
    with transaction.atomic():
        token, _ = Token.objects.get_or_create(user=user)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
    return token


# --- rules and helpers ----------------------------------------------------------------


def users_delete_conflict(*, actor: User | None, users: Collection[User]) -> str | None:
    """Why the account rules forbid deleting `users`, or None: for a page that asks
    before it deletes."""
    return _admins_conflict(actor=actor, losing=[user for user in users if user.is_active and user.is_admin])


def _admins_conflict(*, actor: User | None, losing: Collection[User]) -> str | None:
    """What is wrong with a write that deletes, deactivates or demotes the active admins
    in `losing`: the actor losing its own admin rights, or no active admin left."""
    if not losing:
        return None
    losing_ids = {user.pk for user in losing}
    if actor is not None and actor.pk in losing_ids:
        return "Admins cannot delete, deactivate or demote themselves; ask another admin."
    if not User.objects.filter(ACTIVE_ADMINS).exclude(pk__in=losing_ids).exists():
        return "This would leave no active admin: make another user an admin first."
    return None


def _ensure_admins_remain(*, actor: User | None, losing: Collection[User]) -> None:
    """Raise Conflict (409) for what `_admins_conflict` finds. Removals of admins are
    serialized first, so two of them cannot each count the other as the admin that
    remains and then both commit."""
    if not losing:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADMINS_LOCK_KEY])
    conflict = _admins_conflict(actor=actor, losing=losing)
    if conflict:
        raise Conflict(conflict)


def _unusable_password() -> str:
    """What `make_password(None)` stores, made with one call to the OS's random source
    rather than forty (a bulk of a thousand users spent 150 ms on it)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(UNUSABLE_PASSWORD_SUFFIX_LENGTH // 2)


def _change(
    *,
    actor: User | None,
    user: User,
    profile: Profile,
    data: Mapping[str, Any],
    precondition: Precondition | None = None,
) -> bool:
    """Check one user's change against the role rules, the precondition and the
    superuser rule, in that order (403, 412, 409), and apply it in memory. Returns
    whether it takes an active admin's rights away (the caller checks what remains)."""
    if actor is not None:
        ensure_can_change(actor, user, data)
    if precondition is not None:
        precondition(user)
    if user.is_superuser and data.get("role", Role.ADMIN) != Role.ADMIN:
        raise Conflict("A superuser's role is always admin.")
    was_active_admin = user.is_active and user.is_admin
    if "email" in data:
        data = {**data, "email": User.objects.normalize_email(data["email"])}
    _apply(user, data, USER_FIELDS)
    _apply(profile, data.get("profile") or {}, PROFILE_FIELDS)
    return was_active_admin and not (user.is_active and user.is_admin)


def _locked(queryset):
    return queryset.select_for_update(of=("self",))


def validate_new_password(user: User, password: str) -> None:
    """Run the configured password validators, which compare it with the user's own
    username, name and email (as the write leaves them)."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def _set_password(user: User, password: str | None) -> None:
    user.set_password(password)
    Token.objects.filter(user=user).delete()


def _unique_violation(exc: IntegrityError) -> ValidationError:
    """Translate a unique-constraint race into the field error a client can act on.

    PostgreSQL names the violated constraint; SQLite only says it in the message, which
    (unlike PostgreSQL's) does not quote the offending value.
    """
    diagnostics = getattr(exc.__cause__, "diag", None)
    constraint = getattr(diagnostics, "constraint_name", None) or str(exc)
    if EMAIL_UNIQUE_CONSTRAINT in constraint:
        return ValidationError({"email": [EMAIL_TAKEN]})
    if "username" in constraint:
        return ValidationError({"username": [USERNAME_TAKEN]})
    raise exc


def _save_user(user: User, profile: Profile) -> None:
    """Save a user with its profile: the one place that keeps a profile beside every user."""
    try:
        with transaction.atomic():
            user.save()
            profile.user = user
            profile.save()
    except IntegrityError as exc:
        raise _unique_violation(exc) from exc


def _apply(instance: Any, data: Mapping[str, Any], names: Iterable[str]) -> None:
    for name in names:
        if name in data:
            setattr(instance, name, data[name])


def _profile_of(user: User) -> Profile:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)
