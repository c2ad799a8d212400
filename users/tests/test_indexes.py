"""Substring search is served by trigram indexes on UPPER(col) on PostgreSQL; other
databases migrate without them."""

import pytest
from django.db import connection, transaction

from users.filters import UserFilter
from users.models import User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = {"users_username_trgm", "users_email_trgm", "users_full_name_trgm"}


def _index_definitions() -> dict[str, str]:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            return dict.fromkeys(connection.introspection.get_constraints(cursor, User._meta.db_table), "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [User._meta.db_table])
        return dict(cursor.fetchall())


def test_trigram_indexes_exist_only_on_postgresql():
    definitions = _index_definitions()
    if connection.vendor == "postgresql":
        assert TRIGRAM_INDEXES <= definitions.keys()
        for name in TRIGRAM_INDEXES:
            assert "gin_trgm_ops" in definitions[name] and "upper(" in definitions[name]
    else:
        assert not TRIGRAM_INDEXES & definitions.keys()


def test_search_query_can_use_the_trigram_indexes():
    UserFactory.create_batch(5)
    queryset = UserFilter({"search": "ser0"}, queryset=User.objects.order_by()).qs
    if connection.vendor != "postgresql":
        assert queryset.count() == 5  # usernames user00000…: the filter still matches
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # A handful of rows would be read sequentially; forbid that to see the index path.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    for name in TRIGRAM_INDEXES:
        assert name in plan
