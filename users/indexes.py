"""Index operations for large tables that only PostgreSQL can build."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.models.functions import Upper


def upper_trigram_index(column: str, name: str) -> GinIndex:
    """A pg_trgm index on UPPER(column): Django compiles `icontains` to
    UPPER(col) LIKE UPPER(%s), so an index on the bare column is never used."""
    return GinIndex(OpClass(Upper(column), name="gin_trgm_ops"), name=name)


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """Builds an index with CREATE INDEX CONCURRENTLY on PostgreSQL (writes go on during
    the build) and does nothing on other databases, whose default is SQLite.

    The index is not part of the models' state: SQLite could not build it, so it cannot
    live in a model's Meta. Its migration must be non-atomic. A build that fails half
    way leaves an INVALID index behind: drop it (DROP INDEX CONCURRENTLY) before
    running the migration again.
    """

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"{super().describe()} (PostgreSQL only)"
