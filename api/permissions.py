"""Permission classes any app can attach to its views."""

from rest_framework import permissions


class IsAdmin(permissions.BasePermission):
    """Admins only: an active user with the admin role, or a superuser (they are the staff)."""

    message = "Only admins may do this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)
