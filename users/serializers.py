"""How users, profiles and orders look on the wire, and what a write may send."""

from django.contrib.auth import password_validation
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.validators import RegexValidator
from rest_framework import serializers

from api.fieldsets import SelectableFieldsMixin
from api.filters import MAX_BIGINT
from api.serializers import FieldsOnceMixin, StrictInputMixin
from users.models import PASSWORD_MAX_LENGTH, USERNAME_PATTERN, Order, Profile, User


class PasswordField(serializers.CharField):
    """A new password: write-only, taken as typed, as long as the configured minimum.
    The other password validators judge it in the services, where the user it belongs
    to is known."""

    def __init__(self, **kwargs):
        min_length = next(
            (
                validator.min_length
                for validator in password_validation.get_default_password_validators()
                if isinstance(validator, password_validation.MinimumLengthValidator)
            ),
            None,
        )
        super().__init__(
            write_only=True, trim_whitespace=False, min_length=min_length, max_length=PASSWORD_MAX_LENGTH, **kwargs
        )


class ProfileSerializer(FieldsOnceMixin, StrictInputMixin, serializers.ModelSerializer):
    """A user's profile; every field is free text within its length."""

    class Meta:
        model = Profile
        fields = ("department", "phone", "location", "bio")


class OrderSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ("id", "user", "status", "amount", "created_at")


class UserSerializer(SelectableFieldsMixin, FieldsOnceMixin, serializers.ModelSerializer):
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


class SavedUserSerializer(UserDetailSerializer):
    """The user as a write saved it: the detail, every field always present."""


class UserWriteSerializer(StrictInputMixin, serializers.ModelSerializer):
    """What POST, PUT and PATCH accept. Read-only fields of the representation (`id`,
    `created_at`, `updated_at`, `last_login_at`) may be sent back and are ignored; any
    other key is refused."""

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
        extra_kwargs = {
            "username": {
                "validators": [RegexValidator(USERNAME_PATTERN, message=ASCIIUsernameValidator.message)],
            }
        }


class UserRowSerializer(UserWriteSerializer):
    """A user in a bulk write or an import row: the write fields without a password
    (hashing one costs 0.2 s of CPU; new users get a set-password email instead)."""

    password = None

    class Meta(UserWriteSerializer.Meta):
        fields = tuple(name for name in UserWriteSerializer.Meta.fields if name != "password")


class UserChangeRowSerializer(UserRowSerializer):
    """A change in a bulk PATCH: the user's `id` and the fields to change."""

    id = serializers.IntegerField(min_value=1, max_value=MAX_BIGINT)

    class Meta(UserRowSerializer.Meta):
        read_only_fields = ("created_at", "updated_at", "last_login_at")
        extra_kwargs = {
            "username": {**UserRowSerializer.Meta.extra_kwargs["username"], "required": False},
            "email": {"required": False},
        }


class UserIdSerializer(StrictInputMixin, serializers.Serializer):
    """A user named by id, as a bulk DELETE lists them."""

    id = serializers.IntegerField(min_value=1, max_value=MAX_BIGINT)


class BulkCreatedSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField(), help_text="In the order of the request.")


class BulkUpdatedSerializer(serializers.Serializer):
    updated = serializers.IntegerField()


class TokenObtainSerializer(StrictInputMixin, serializers.Serializer):
    """The credentials of an active user."""

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
