"""Every write to users goes through these functions: each one owns its transaction."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib.auth import authenticate, user_logged_in
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from users.models import EMAIL_UNIQUE_CONSTRAINT, Profile, Role, User
from users.permissions import ensure_can_change, ensure_can_delete

USER_FIELDS = ("username", "email", "full_name", "role", "is_active")
PROFILE_FIELDS = ("department", "phone", "location", "bio")

# A check run on the locked row before a write (the API's If-Match); it raises to refuse.
Precondition = Callable[[User], None]


def _unique_violation(exc: IntegrityError) -> ValidationError:
    """Translate a unique-constraint race into the field error a client can act on.

    PostgreSQL names the violated constraint; SQLite only says it in the message, which
    (unlike PostgreSQL's) does not quote the offending value.
    """
    diagnostics = getattr(exc.__cause__, "diag", None)
    constraint = getattr(diagnostics, "constraint_name", None) or str(exc)
    if EMAIL_UNIQUE_CONSTRAINT in constraint:
        return ValidationError({"email": ["A user with that email already exists."]})
    if "username" in constraint:
        return ValidationError({"username": ["A user with that username already exists."]})
    raise exc


def _save_user(user: User, profile: Profile) -> None:
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


def user_create(
    *,
    actor: User,
    username: str,
    email: str,
    full_name: str = "",
    role: str = Role.USER,
    is_active: bool = True,
    password: str | None = None,
    profile: Mapping[str, Any] | None = None,
) -> User:
    """Create a user and its profile; without a password the user gets an unusable one."""
    ensure_can_change(actor, None, role)
    user = User(
        username=username,
        email=User.objects.normalize_email(email),
        full_name=full_name,
        role=role,
        is_active=is_active,
    )
    user.set_password(password)
    new_profile = Profile()
    _apply(new_profile, profile or {}, PROFILE_FIELDS)
    _save_user(user, new_profile)
    return user


def user_update(
    *,
    actor: User,
    user_id: int,
    data: Mapping[str, Any],
    precondition: Precondition | None = None,
) -> User:
    """Apply the given fields (and nested `profile` fields) to a user, row locked."""
    with transaction.atomic():
        user = User.objects.select_for_update(of=("self",)).select_related("profile").get(pk=user_id)
        ensure_can_change(actor, user, data.get("role"))
        if precondition is not None:
            precondition(user)
        if "email" in data:
            data = {**data, "email": User.objects.normalize_email(data["email"])}
        _apply(user, data, USER_FIELDS)
        if data.get("password") is not None:
            user.set_password(data["password"])
        profile = _profile_of(user)
        _apply(profile, data.get("profile") or {}, PROFILE_FIELDS)
        _save_user(user, profile)
    return user


def user_delete(*, actor: User, user_id: int, precondition: Precondition | None = None) -> None:
    """Delete a user with its profile, orders and token."""
    ensure_can_delete(actor)
    with transaction.atomic():
        user = User.objects.select_for_update(of=("self",)).select_related("profile").get(pk=user_id)
        if precondition is not None:
            precondition(user)
        user.delete()


def users_set_active(*, user_ids: Iterable[int], is_active: bool) -> int:
    """Activate or deactivate many users in one statement; returns how many changed."""
    with transaction.atomic():
        return (
            User.objects.filter(pk__in=user_ids)
            .exclude(is_active=is_active)
            .update(is_active=is_active, updated_at=timezone.now())
        )


def auth_token_obtain(*, request, username: str, password: str) -> Token:
    """Check the credentials of an active user and return their API token."""
    user = authenticate(request=request, username=username, password=password)
    if user is None:
        raise ValidationError("Unable to log in with the provided credentials.")
    with transaction.atomic():
        token, _ = Token.objects.get_or_create(user=user)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
    return token


def _profile_of(user: User) -> Profile:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)
