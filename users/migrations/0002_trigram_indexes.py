"""Trigram (pg_trgm GIN) indexes for substring search, built concurrently on PostgreSQL."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from users.indexes import AddIndexConcurrentlyOnPostgres, upper_trigram_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("users", "0001_initial")]

    operations = [
        TrigramExtension(),
        AddIndexConcurrentlyOnPostgres("user", upper_trigram_index("username", "users_username_trgm")),
        AddIndexConcurrentlyOnPostgres("user", upper_trigram_index("email", "users_email_trgm")),
        AddIndexConcurrentlyOnPostgres("user", upper_trigram_index("full_name", "users_full_name_trgm")),
    ]
