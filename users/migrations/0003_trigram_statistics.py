"""Finer statistics on the searched expressions, so PostgreSQL's planner estimates a
substring search well enough to choose the trigram indexes when a term is rare."""

from django.db import migrations

TRIGRAM_INDEXES = ("users_username_trgm", "users_email_trgm", "users_full_name_trgm")


def set_statistics(apps, schema_editor, target: int = 1000) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in TRIGRAM_INDEXES:
        schema_editor.execute(f"ALTER INDEX {index} ALTER COLUMN 1 SET STATISTICS {target}")
    schema_editor.execute("ANALYZE users_user")


def reset_statistics(apps, schema_editor) -> None:
    set_statistics(apps, schema_editor, target=-1)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("users", "0002_trigram_indexes")]

    operations = [migrations.RunPython(set_statistics, reset_statistics)]
