"""changepassword: set a user's password from the terminal, through the services (which
also revoke the user's API tokens). Replaces Django's command of the same name."""

import getpass

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from users import services
from users.models import User

MAX_TRIES = 3


class Command(BaseCommand):
    help = "Change a user's password (and revoke their API tokens)."
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", nargs="?", help="Username to change the password for; by default, yours.")

    def handle(self, *args, username: str | None, **options) -> None:
        username = username or getpass.getuser()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"User {username!r} does not exist.") from None
        self.stdout.write(f"Changing password for user {username!r}")
        for _ in range(MAX_TRIES):
            password = self._ask("Password: ")
            if self._ask("Password (again): ") != password:
                self.stderr.write("Passwords do not match. Please try again.")
                continue
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                self.stderr.write("\n".join(exc.messages))
                continue
            services.user_set_password(user_id=user.pk, password=password)
            self.stdout.write(self.style.SUCCESS(f"Password of {username!r} changed; their API tokens are revoked."))
            return
        raise CommandError(f"Password of {username!r} left unchanged after {MAX_TRIES} attempts.")

    @staticmethod
    def _ask(prompt: str) -> str:
        password = getpass.getpass(prompt=prompt)
        if not password:
            raise CommandError("Aborted.")
        return password
