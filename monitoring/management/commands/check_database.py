"""check_database: say in one line whether the configured database answers (for `make run`)."""

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Connect once to the configured database, without the pool, and say in one line if that fails."
    requires_system_checks = []

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            return  # SQLite creates its file on first use
        params = connection.get_connection_params()
        host, port, name = params.get("host") or "localhost", params.get("port") or 5432, params.get("dbname")
        try:
            psycopg.connect(**{**params, "connect_timeout": 3}).close()
        except psycopg.OperationalError as exc:
            reason = str(exc).splitlines()[0].rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip()
            if "does not exist" in reason:
                hint = f"create it first: createdb -h {host} -p {port} -U {params.get('user', 'postgres')} {name}"
            else:
                hint = "is PostgreSQL running there, and is DATABASE_URL right?"
            raise CommandError(f"Cannot use database {name!r} on {host}:{port}: {reason}; {hint}") from None
