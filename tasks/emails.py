"""Welcome emails: each new user is told about the account, with a link to set a password."""

from collections.abc import Iterable
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from users import services
from users.models import User

SUBJECT = "Your Userbase account"


def set_password_url(user: User) -> str:
    """A link that lets `user` choose a password (valid PASSWORD_RESET_TIMEOUT seconds,
    and only until a password is set)."""
    path = reverse(
        "set-password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.PUBLIC_URL}{path}"


def welcome_message(user: User) -> EmailMessage:
    body = (
        f"Hello {user.full_name or user.username},\n\n"
        f"An account was made for you on Userbase: your username is {user.username}.\n"
        f"Choose your password here:\n\n    {set_password_url(user)}\n\n"
        "The link works once, for a few days.\n"
    )
    return EmailMessage(SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_welcome_emails(user_ids: Iterable[int]) -> int:
    """Send each listed user not yet welcomed one email, over one connection; returns
    how many were sent. If sending fails, the users are unclaimed and the error raised
    (the task retries)."""
    users = services.users_claim_welcome(user_ids=user_ids)
    if not users:
        return 0
    try:
        with get_connection() as connection:
            return connection.send_messages([welcome_message(user) for user in users]) or 0
    except (SMTPException, OSError):
        services.users_unclaim_welcome(user_ids=[user.pk for user in users])
        raise
