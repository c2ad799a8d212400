"""How users, profiles and orders look on the wire, and what a write may send."""

from django.contrib.auth.validators import ASCIIUsernameValidator
from rest_framework import serializers

from api.fieldsets import SelectableFieldsMixin
from api.serializers import StrictInputMixin
from users.models import PASSWORD_MAX_LENGTH, Order, Profile, User


class PasswordField(serializers.CharField):
    """A new password: write-only, taken as typed. The configured password validators
    judge it in the services, where the user it belongs to is known."""

    def __init__(self, **kwargs):
        super().__init__(write_only=True, trim_whitespace=False, max_length=PASSWORD_MAX_LENGTH, **kwargs)


class ProfileSerializer(StrictInputMixin, serializers.ModelSerializer):
    class Meta:
        model = Profile
        fields = ("department", "phone", "location", "bio")


class OrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ("id", "user", "status", "amount", "created_at")


class UserSerializer(SelectableFieldsMixin, serializers.ModelSerializer):
    """A user as listed."""

    expansions = {
        "profile": lambda: ProfileSerializer(read_only=True),
        "orders": lambda: OrderSerializer(many=True, read_only=True),
    }

    class Meta:
        model = User
        fields = ("id", "username", "email", "full_name", "role", "is_active", "created_at")


class UserDetailSerializer(UserSerializer):
    """A single user: the list fields plus timestamps and the profile."""

    profile = ProfileSerializer(read_only=True)

    class Meta(UserSerializer.Meta):
        fields = (*UserSerializer.Meta.fields, "updated_at", "last_login_at", "profile")


class UserWriteSerializer(StrictInputMixin, serializers.ModelSerializer):
    """What POST, PUT and PATCH accept; the password is write-only."""

    password = PasswordField(required=False)
    profile = ProfileSerializer(required=False)

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "email",
            "full_name",
            "role",
            "is_active",
            "password",
            "profile",
            "created_at",
            "updated_at",
            "last_login_at",
        )
        read_only_fields = ("id", "created_at", "updated_at", "last_login_at")
        # Uniqueness is the database's to decide (email case-insensitively); the
        # service turns a violation into a field error, races included.
        extra_kwargs = {"username": {"validators": [ASCIIUsernameValidator()]}}


class TokenObtainSerializer(StrictInputMixin, serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=PASSWORD_MAX_LENGTH, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class StatsSerializer(serializers.Serializer):
    total_users = serializers.IntegerField()
    active_users = serializers.IntegerField()
    inactive_users = serializers.IntegerField()
    new_today = serializers.IntegerField()
    by_role = serializers.DictField(child=serializers.IntegerField())
