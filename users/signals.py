"""Side effects of auth events: record when a user last logged in."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from users.models import User


@receiver(user_logged_in)
def record_login_time(sender, request, user: User, **kwargs) -> None:
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login_at=now)
    user.last_login_at = now
