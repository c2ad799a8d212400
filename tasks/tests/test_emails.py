"""Welcome emails: one per new user from any path, never two, and a link that sets a password."""

from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from rest_framework.authtoken.models import Token

from conftest import run_commit_hooks
from tasks.emails import send_welcome_emails, set_password_url
from users.models import User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qz7-vortex-harbour-91"


def test_every_way_of_creating_users_sends_one_email_each(admin_client):
    admin_client.post("/api/v1/users/", {"username": "single", "email": "single@example.com"}, format="json")
    admin_client.post(
        "/api/v1/users/bulk/",
        [{"username": f"bulk{n}", "email": f"bulk{n}@example.com"} for n in range(3)],
        format="json",
    )
    User.objects.create_user("shell", "shell@example.com")
    run_commit_hooks()

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["single@example.com", "bulk0@example.com", "bulk1@example.com", "bulk2@example.com", "shell@example.com"]
    )


def test_running_the_task_again_sends_nothing_twice():
    user = User.objects.create_user("once", "once@example.com")
    run_commit_hooks()
    assert len(mail.outbox) == 1

    assert send_welcome_emails([user.pk]) == 0
    assert len(mail.outbox) == 1


def test_users_created_by_other_means_are_not_sent_anything():
    UserFactory()  # test data, straight into the table
    run_commit_hooks()

    assert mail.outbox == []


def test_the_link_sets_a_password_through_the_services(client):
    user = User.objects.create_user("newbie", "newbie@example.com")
    token = Token.objects.create(user=user)
    path = set_password_url(user).removeprefix("http://127.0.0.1:8000")

    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )

    assert response.status_code == 200
    assert "password has been set" in response.content.decode().lower()
    assert response.context["login_url"] == "/api-auth/login/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(key=token.key).exists()
    assert client.get(path, follow=True).context["validlink"] is False  # the link works once


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise SMTPException("421 try again later")


def test_a_send_that_fails_gives_the_claim_back_for_the_retry(settings):
    user = UserFactory()
    settings.EMAIL_BACKEND = "tasks.tests.test_emails.RefusingBackend"

    with pytest.raises(SMTPException):
        send_welcome_emails([user.pk])

    user.refresh_from_db()
    assert user.welcome_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_welcome_emails([user.pk]) == 1
