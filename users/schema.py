"""What the users API's schema needs beyond its serializers: the password's real constraints."""

from django.contrib.auth import password_validation
from drf_spectacular.extensions import OpenApiSerializerFieldExtension


class PasswordFieldExtension(OpenApiSerializerFieldExtension):
    """A new password as the configured validators judge it: not only digits, and their
    rules in the description (the field itself carries their minimum length)."""

    target_class = "users.serializers.PasswordField"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        for validator in password_validation.get_default_password_validators():
            if isinstance(validator, password_validation.NumericPasswordValidator):
                schema["pattern"] = r"\D"  # at least one character that is not a digit
        rules = " ".join(password_validation.password_validators_help_texts())
        schema["description"] = f"Write-only; without one the user gets an unusable password. {rules}"
        return schema
