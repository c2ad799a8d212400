"""Who may do what: the role rules, as plain checks and as DRF permission classes.

`user` reads; `manager` also creates and updates users but never touches an admin or
grants the admin role; `admin` (or a superuser) may do everything.
"""

from django.core.exceptions import PermissionDenied
from rest_framework import permissions

from users.models import Role, User

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


def can_write_users(actor: User) -> bool:
    return actor.is_admin or actor.is_manager


def can_delete_users(actor: User) -> bool:
    return actor.is_admin


def ensure_can_change(actor: User, target: User | None, new_role: str | None) -> None:
    """Raise PermissionDenied unless `actor` may create (`target` None) or change `target`."""
    if actor.is_admin:
        return
    if not actor.is_manager:
        raise PermissionDenied("Only managers and admins may create or change users.")
    if target is not None and target.is_admin:
        raise PermissionDenied("Managers may not modify an admin.")
    if new_role == Role.ADMIN:
        raise PermissionDenied("Managers may not grant the admin role.")


def ensure_can_delete(actor: User) -> None:
    if not can_delete_users(actor):
        raise PermissionDenied("Only admins may delete users.")


class RolePermission(permissions.BasePermission):
    """Authenticated users read; managers and admins write; admins delete."""

    message = "Your role does not allow this action."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method == "DELETE":
            return can_delete_users(user)
        return can_write_users(user)
