"""factory_boy factories for users, profiles and orders."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from users.models import Order, OrderStatus, Profile, Role, User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:05d}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    full_name = factory.Faker("name")
    role = Role.USER
    is_active = True
    password = factory.django.Password("pass-word-123")
    profile = factory.RelatedFactory("users.tests.factories.ProfileFactory", factory_related_name="user")


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory, profile=None)
    department = "Engineering"
    phone = "+1-555-0100"
    location = "Lisbon"
    bio = ""


class OrderFactory(DjangoModelFactory):
    class Meta:
        model = Order

    user = factory.SubFactory(UserFactory)
    status = OrderStatus.PAID
    amount = Decimal("19.99")
