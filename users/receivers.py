"""Receivers of Django's auth signals: a login, by token or session, is recorded by the services."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from users import services
from users.models import User


@receiver(user_logged_in)
def record_login_time(sender, request, user: User, **kwargs) -> None:
    services.user_record_login(user=user)
