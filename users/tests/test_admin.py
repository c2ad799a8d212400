"""The admin: usable by admins only, searchable, with profile inline, order links and actions."""

import pytest
from django.urls import reverse

from users.admin import EstimatedCountPaginator
from users.models import Order, Profile, Role, User
from users.tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def test_changelist_lists_and_searches_users(admin_browser):
    UserFactory(username="grace.hopper", full_name="Grace Hopper")
    UserFactory(username="alan.turing", full_name="Alan Turing")

    response = admin_browser.get(reverse("admin:users_user_changelist"), {"q": "HOPP"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "grace.hopper" in content
    assert "alan.turing" not in content


def test_changelist_filters_by_role_and_state(admin_browser):
    UserFactory(username="boss-one", role=Role.MANAGER)
    UserFactory(username="gone-one", is_active=False)

    managers = admin_browser.get(reverse("admin:users_user_changelist"), {"role__exact": "manager"})
    inactive = admin_browser.get(reverse("admin:users_user_changelist"), {"is_active__exact": "0"})

    assert "boss-one" in managers.content.decode() and "gone-one" not in managers.content.decode()
    assert "gone-one" in inactive.content.decode() and "boss-one" not in inactive.content.decode()


def test_changelist_query_count_does_not_grow_with_rows(admin_browser, django_assert_max_num_queries):
    UserFactory.create_batch(30)
    with django_assert_max_num_queries(12):
        response = admin_browser.get(reverse("admin:users_user_changelist"))
    assert response.status_code == 200


def test_change_page_shows_profile_inline_and_orders_link(admin_browser):
    user = UserFactory(username="with-orders")
    OrderFactory.create_batch(2, user=user)

    response = admin_browser.get(reverse("admin:users_user_change", args=[user.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="profile-0-department"' in content
    orders_url = reverse("admin:users_order_changelist") + f"?user__id__exact={user.pk}"
    assert orders_url in content.replace("&amp;", "&")


def test_orders_link_filters_the_order_changelist(admin_browser):
    mine, other = UserFactory(), UserFactory()
    my_order = OrderFactory(user=mine)
    their_order = OrderFactory(user=other)

    response = admin_browser.get(reverse("admin:users_order_changelist"), {"user__id__exact": mine.pk})

    assert response.status_code == 200
    ids = [order.pk for order in response.context["cl"].result_list]
    assert ids == [my_order.pk]
    assert their_order.pk not in ids


def test_deactivate_and_activate_actions(admin_browser):
    targets = UserFactory.create_batch(3)
    ids = [user.pk for user in targets]
    url = reverse("admin:users_user_changelist")

    admin_browser.post(url, {"action": "deactivate", "_selected_action": ids})
    assert not User.objects.filter(pk__in=ids, is_active=True).exists()

    admin_browser.post(url, {"action": "activate", "_selected_action": ids[:2]})
    assert set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True)) == set(ids[:2])


def test_add_user_creates_profile_and_usable_password(admin_browser):
    response = admin_browser.post(
        reverse("admin:users_user_add"),
        {
            "username": "new-admin-made",
            "email": "made@example.com",
            "usable_password": "true",
            "password1": "a-Long-enough-pass-42",
            "password2": "a-Long-enough-pass-42",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new-admin-made")
    assert user.check_password("a-Long-enough-pass-42")
    assert Profile.objects.filter(user=user).exists()


@pytest.mark.parametrize("role", [Role.USER, Role.MANAGER])
def test_non_admins_cannot_use_the_admin(client, role):
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("admin:users_user_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_superuser_is_staff(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pass-word-123"))
    assert client.get(reverse("admin:users_user_changelist")).status_code == 200


def test_paginator_counts_exactly_on_small_sets():
    UserFactory.create_batch(4)
    paginator = EstimatedCountPaginator(User.objects.order_by("pk"), 2)
    assert paginator.count == 4
    assert paginator.num_pages == 2


def test_order_admin_lists_orders_with_user_links(admin_browser, django_assert_max_num_queries):
    OrderFactory.create_batch(10)
    with django_assert_max_num_queries(10):
        response = admin_browser.get(reverse("admin:users_order_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == Order.objects.count()


def test_token_add_page_picks_the_user_by_id_not_from_a_list(admin_browser):
    UserFactory.create_batch(5)
    response = admin_browser.get(reverse("admin:authtoken_tokenproxy_add"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="vForeignKeyRawIdAdminField"' in content
    assert "<option" not in content.split('name="user"')[1].split("</div>")[0]
