"""Who may do what to users: the role rules, as plain checks and as a DRF permission class.

`user` reads. `manager` also creates users (never admins) and modifies users of role
`user`, plus its own fields other than its role; other managers and admins are off
limits. `admin` (or a superuser) may do everything the account rules allow.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from rest_framework import permissions

from users.models import Role, User


def can_write_users(actor: User) -> bool:
    return actor.is_admin or actor.is_manager


def can_delete_users(actor: User) -> bool:
    return actor.is_admin


def ensure_can_create(actor: User, role: str) -> None:
    """Raise PermissionDenied unless `actor` may create a user of `role`."""
    if actor.is_admin:
        return
    if not actor.is_manager:
        raise PermissionDenied("Only managers and admins may create users.")
    if role == Role.ADMIN:
        raise PermissionDenied("Managers may not grant the admin role.")


def ensure_can_change(actor: User, target: User, data: Mapping[str, Any]) -> None:
    """Raise PermissionDenied unless `actor` may apply `data` to `target`."""
    if actor.is_admin:
        return
    if not actor.is_manager:
        raise PermissionDenied("Only managers and admins may change users.")
    new_role = data.get("role", target.role)
    if target.pk == actor.pk:
        if new_role != target.role:
            raise PermissionDenied("Managers may not change their own role.")
        return
    if target.is_admin:
        raise PermissionDenied("Managers may not modify an admin.")
    if target.role != Role.USER:
        raise PermissionDenied("Managers may modify only users of role user (and themselves).")
    if new_role == Role.ADMIN:
        raise PermissionDenied("Managers may not grant the admin role.")


def ensure_can_delete(actor: User) -> None:
    if not can_delete_users(actor):
        raise PermissionDenied("Only admins may delete users.")


class UserRolePermission(permissions.IsAuthenticated):
    """For the users and orders endpoints: every role reads, managers and admins
    write, admins delete. Which rows a manager may touch is decided by the services."""

    message = "Your role does not allow this action."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method == "DELETE":
            return can_delete_users(request.user)
        return can_write_users(request.user)
