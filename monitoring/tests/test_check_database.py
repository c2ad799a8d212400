"""check_database: one line that says why the configured database cannot be used."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection


@pytest.mark.django_db
def test_a_reachable_database_passes_quietly(capsys):
    call_command("check_database")

    assert capsys.readouterr().out == ""


@pytest.mark.django_db
def test_a_missing_postgresql_database_is_named_with_the_command_to_create_it(monkeypatch):
    if connection.vendor != "postgresql":
        call_command("check_database")  # SQLite creates its file: nothing to check
        return
    params = connection.get_connection_params()
    monkeypatch.setattr(connection, "get_connection_params", lambda: {**params, "dbname": "userbase_nowhere"})

    with pytest.raises(CommandError) as raised:
        call_command("check_database")

    message = str(raised.value)
    assert "\n" not in message
    assert 'database "userbase_nowhere" does not exist' in message
    assert "createdb" in message and "userbase_nowhere" in message
