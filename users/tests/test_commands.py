"""seed_demo: fast demo data, repeatable, idempotent with --if-empty, optional demo admin."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from users.management.commands import seed_demo
from users.models import Order, Profile, User

pytestmark = pytest.mark.django_db(transaction=True)


def _index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {
            name
            for name, info in connection.introspection.get_constraints(cursor, table).items()
            if info["index"] or info["foreign_key"]
        }


def test_seed_creates_users_profiles_and_orders():
    call_command("seed_demo", users=25, orders_per_user=2, batch_size=10, verbosity=0)

    assert User.objects.count() == 25
    assert Profile.objects.count() == 25
    assert Order.objects.count() == 50
    user = User.objects.select_related("profile").first()
    assert not user.has_usable_password()
    assert user.profile.department in seed_demo.DEPARTMENTS
    assert user.orders.count() == 2
    # Timestamps carry the demo history rather than the moment of the load.
    assert (
        User.objects.order_by("created_at").first().created_at < User.objects.order_by("created_at").last().created_at
    )


def test_seed_appends_after_existing_ids_and_api_can_create_afterwards(admin_client):
    call_command("seed_demo", users=5, orders_per_user=0, verbosity=0)
    call_command("seed_demo", users=5, orders_per_user=0, verbosity=0)

    assert User.objects.count() == 11  # the admin behind admin_client and ten seeded
    response = admin_client.post(
        "/api/v1/users/", {"username": "after-seed", "email": "after@example.com"}, format="json"
    )
    assert response.status_code == 201, response.json()


def test_seed_is_repeatable_with_a_seed():
    call_command("seed_demo", users=10, orders_per_user=1, seed=7, verbosity=0)
    first = list(User.objects.order_by("id").values_list("full_name", "role", "is_active"))
    User.objects.all().delete()
    call_command("seed_demo", users=10, orders_per_user=1, seed=7, verbosity=0)
    second = list(User.objects.order_by("id").values_list("full_name", "role", "is_active"))
    assert first == second


def test_if_empty_skips_when_users_exist():
    call_command("seed_demo", users=3, orders_per_user=0, verbosity=0)
    call_command("seed_demo", users=3, orders_per_user=0, if_empty=True, verbosity=0)
    assert User.objects.count() == 3


def test_demo_admin_needs_the_configured_password_and_keeps_a_changed_one(settings):
    settings.DEMO_ADMIN_PASSWORD = ""
    with pytest.raises(CommandError, match="DEMO_ADMIN_PASSWORD"):
        call_command("seed_demo", users=0, demo_admin=True, verbosity=0)

    settings.DEMO_ADMIN_PASSWORD = "demo-secret"
    call_command("seed_demo", users=0, demo_admin=True, verbosity=0)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.role == "admin" and admin.check_password("demo-secret")
    assert Profile.objects.filter(user=admin).exists()

    # The admin changes their password; `make run` runs seed_demo again.
    admin.set_password("changed-by-the-admin")
    admin.save()
    call_command("seed_demo", users=0, demo_admin=True, verbosity=0)
    assert User.objects.get(username="admin").check_password("changed-by-the-admin")
    assert User.objects.filter(username="admin").count() == 1


def test_production_gets_neither_demo_data_nor_the_demo_admin(settings):
    settings.PRODUCTION = True
    settings.DEMO_ADMIN_PASSWORD = "demo-secret"

    with pytest.raises(CommandError, match="DJANGO_ENV=production"):
        call_command("seed_demo", users=5, demo_admin=True, verbosity=0)

    assert not User.objects.exists()


def test_negative_counts_are_refused():
    with pytest.raises(CommandError):
        call_command("seed_demo", users=-1, verbosity=0)


def test_bulk_load_rebuilds_every_index_and_foreign_key(monkeypatch):
    tables = [model._meta.db_table for model in (User, Profile, Order)]
    before = {table: _index_names(table) for table in tables}
    monkeypatch.setattr(seed_demo, "BULK_LOAD_THRESHOLD", 10)

    call_command("seed_demo", users=20, orders_per_user=2, verbosity=0)

    assert {table: _index_names(table) for table in tables} == before
    assert User.objects.count() == 20 and Order.objects.count() == 40


def test_seed_leaves_planner_statistics_behind():
    call_command("seed_demo", users=30, orders_per_user=1, verbosity=0)

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"
            )
            assert {"users_user", "users_profile", "users_order"} <= {name for (name,) in cursor.fetchall()}
        else:
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
            assert {"users_user", "users_profile", "users_order"} <= {name for (name,) in cursor.fetchall()}
