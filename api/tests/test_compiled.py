"""A compiled query gives what the ORM gives for the same queryset: the same instances,
the same related objects, the same absences, for any value of its parameters."""

import pytest
from django.db.models import Count, Prefetch

from api.compiled import CompiledQuery
from users.models import Order, Profile, User
from users.tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _by_id(user_id: int):
    return (
        User.objects.select_related("profile").only("id", "username", "created_at", "profile__bio").filter(pk=user_id)
    )


def _columns(user: User) -> dict:
    return {name: value for name, value in vars(user).items() if not name.startswith("_")}


def test_instances_and_their_profiles_match_the_orms(django_assert_num_queries):
    users = UserFactory.create_batch(3)
    compiled = CompiledQuery(_by_id(0))

    for user in users:
        with django_assert_num_queries(1):  # the profile came with the user
            mine = compiled.run([user.pk])[0]
            assert mine.profile.bio is not None
        theirs = _by_id(user.pk).get()
        assert _columns(mine) == _columns(theirs)
        assert mine.created_at == theirs.created_at and mine.created_at.tzinfo is not None
        assert _columns(mine.profile) == _columns(theirs.profile)
        assert mine.get_deferred_fields() == theirs.get_deferred_fields()


def test_a_missing_profile_is_known_missing_as_with_the_orm(django_assert_num_queries):
    user = UserFactory(profile=None)
    mine = CompiledQuery(_by_id(0)).run([user.pk])[0]

    with django_assert_num_queries(0), pytest.raises(Profile.DoesNotExist):
        mine.profile  # noqa: B018 (the access is what is tested)


def test_no_row_gives_no_instance():
    assert CompiledQuery(_by_id(0)).run([10**12]) == []


def test_prefetches_come_with_the_instances(django_assert_num_queries):
    user = UserFactory()
    OrderFactory.create_batch(2, user=user)
    compiled = CompiledQuery(_by_id(0).prefetch_related(Prefetch("orders", queryset=Order.objects.all())))

    with django_assert_num_queries(2):
        found = compiled.run([user.pk])[0]
        orders = list(found.orders.all())

    assert sorted(order.pk for order in orders) == sorted(user.orders.values_list("pk", flat=True))


def test_the_sql_takes_the_example_parameters_in_order():
    compiled = CompiledQuery(_by_id(0))

    assert list(compiled.example_params) == [0]


def test_annotations_are_refused():
    with pytest.raises(ValueError, match="model columns"):
        CompiledQuery(User.objects.annotate(n=Count("orders")))
