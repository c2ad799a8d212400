"""Receivers: a login (token or session) is recorded by the services; a committed write
to users makes cached data stale; a deleted token is forgotten by the cache."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from users import cache as users_cache
from users import services
from users.models import User
from users.signals import users_changed


@receiver(user_logged_in)
def record_login_time(sender, request, user: User, **kwargs) -> None:
    services.user_record_login(user=user)


@receiver(users_changed)
def make_cached_data_stale(sender, logins_only: bool = False, **kwargs) -> None:
    users_cache.bump_version(users_cache.LOGINS_KEY if logins_only else users_cache.VERSION_KEY)


@receiver(post_delete, sender=Token)
def forget_deleted_token(sender, instance: Token, **kwargs) -> None:
    users_cache.forget_token(instance.key)
