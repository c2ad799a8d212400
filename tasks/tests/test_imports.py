"""The import engine: row rules and numbers, batches, idempotence, dry runs, updates, resuming."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tasks.imports import BatchResult, CSVRejected, ImportOptions, _SeenKeys, count_rows, run_import
from tasks.tests.factories import row, write_csv
from users.models import Role, User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def import_file(path, **options) -> tuple[BatchResult, list[BatchResult]]:
    """Run an import; return the summed result and each batch's."""
    batches: list[BatchResult] = []
    start_line = options.pop("start_line", 1)
    run_import(path, ImportOptions(actor=None, **options), start_line=start_line, on_batch=batches.append)
    total = BatchResult(line=batches[-1].line if batches else 1)
    for batch in batches:
        for name in ("processed", "created", "updated", "skipped", "failed"):
            setattr(total, name, getattr(total, name) + getattr(batch, name))
        total.errors.extend(batch.errors)
    return total, batches


def errors_by_line(result: BatchResult) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for error in result.errors:
        found.setdefault(error.row, set()).add(error.field)
    return found


def test_good_rows_are_created_with_profiles_and_unusable_passwords(tmp_path):
    path = write_csv(tmp_path / "users.csv", [row("ann", role="manager", is_active="no"), row("bob")])

    result, _ = import_file(path)

    assert (result.processed, result.created, result.failed) == (2, 2, 0)
    ann = User.objects.select_related("profile").get(username="ann")
    assert (ann.role, ann.is_active, ann.profile.department, ann.profile.phone) == (
        Role.MANAGER,
        False,
        "Sales",
        "+1 555-0100",
    )
    assert not ann.has_usable_password()


def test_bad_rows_fail_alone_and_are_numbered_by_their_line(tmp_path):
    rows = [
        row("good1"),  # line 2
        row("bad name!", email="bad@example.com"),  # line 3
        row("good2", full_name="Spans\ntwo lines"),  # lines 4-5
        row("bad-active", is_active="maybe"),  # line 6
        row("bad-role", role="wizard"),  # line 7
        row("bad-mail", email="not-an-email"),  # line 8
    ]
    path = write_csv(tmp_path / "users.csv", rows)

    result, _ = import_file(path)

    assert (result.processed, result.created, result.failed) == (6, 2, 4)
    assert errors_by_line(result) == {3: {"username"}, 6: {"is_active"}, 7: {"role"}, 8: {"email"}}
    assert set(User.objects.values_list("username", flat=True)) == {"good1", "good2"}


def test_a_row_repeating_an_earlier_username_or_email_fails_even_batches_later(tmp_path):
    rows = [
        row("first"),
        row("second"),
        row("first", email="other@example.com"),
        row("third", email="SECOND@example.com"),
    ]
    path = write_csv(tmp_path / "users.csv", rows)

    result, batches = import_file(path, batch_size=2)

    assert len(batches) == 2
    assert [(error.row, error.field, error.message) for error in result.errors] == [
        (4, "username", "Line 2 has the same username."),
        (5, "email", "Line 3 has the same email."),
    ]
    assert User.objects.count() == 2


def test_the_same_file_twice_creates_nothing_more(tmp_path):
    path = write_csv(tmp_path / "users.csv", [row(f"user{n}") for n in range(5)])
    import_file(path)

    again, _ = import_file(path)

    assert (again.created, again.skipped, again.failed) == (0, 5, 0)
    assert User.objects.count() == 5


def test_a_dry_run_counts_without_writing(tmp_path):
    UserFactory(username="exists")
    path = write_csv(tmp_path / "users.csv", [row("new1"), row("exists"), row("bad one")])

    result, _ = import_file(path, dry_run=True)

    assert (result.created, result.skipped, result.failed) == (1, 1, 1)
    assert not User.objects.filter(username="new1").exists()


def test_update_existing_updates_users_and_profiles(tmp_path):
    target = UserFactory(username="target", email="target@example.com", full_name="Old", role=Role.USER)
    path = write_csv(tmp_path / "users.csv", [row("target", full_name="New Name", role="manager", location="Oslo")])

    result, _ = import_file(path, update_existing=True)

    assert (result.created, result.updated, result.skipped) == (0, 1, 0)
    target.refresh_from_db()
    target.profile.refresh_from_db()
    assert (target.full_name, target.role, target.profile.location) == ("New Name", Role.MANAGER, "Oslo")


def test_an_update_that_would_remove_the_last_admin_fails_alone(tmp_path):
    UserFactory(username="only-admin", email="only-admin@example.com", role=Role.ADMIN)
    UserFactory(username="plain", email="plain@example.com")
    rows = [row("only-admin", role="user"), row("plain", full_name="Changed")]
    path = write_csv(tmp_path / "users.csv", rows)

    result, _ = import_file(path, update_existing=True)

    assert (result.updated, result.failed) == (1, 1)
    assert "no active admin" in result.errors[0].message
    assert User.objects.get(username="only-admin").role == Role.ADMIN
    assert User.objects.get(username="plain").full_name == "Changed"


def test_cells_a_spreadsheet_would_run_are_stored_as_text(tmp_path):
    path = write_csv(
        tmp_path / "users.csv",
        [
            row(
                "mallory",
                full_name='=HYPERLINK("http://evil")',
                department="@SUM(A1)",
                location="-2+3+cmd|' /C calc'!A0",
                phone="+44 20 7946 0000",
            )
        ],
    )

    import_file(path)

    mallory = User.objects.select_related("profile").get(username="mallory")
    assert mallory.full_name == '\'=HYPERLINK("http://evil")'
    assert (mallory.profile.department, mallory.profile.location) == ("'@SUM(A1)", "'-2+3+cmd|' /C calc'!A0")
    assert mallory.profile.phone == "+44 20 7946 0000"


def test_a_resumed_run_skips_what_was_done_and_remembers_its_names(tmp_path):
    rows = [row("done1"), row("done2"), row("later"), row("dup", email="done1@example.com")]
    path = write_csv(tmp_path / "users.csv", rows)

    result, _ = import_file(path, start_line=3)  # lines 2 and 3 were committed by an earlier run

    assert (result.processed, result.created, result.failed) == (2, 1, 1)
    assert result.errors[0].message == "Line 2 has the same email."
    assert set(User.objects.values_list("username", flat=True)) == {"later"}


@pytest.mark.parametrize(
    ("header", "words"),
    [
        pytest.param(["username", "email"], "header must be", id="missing-columns"),
        pytest.param(
            ["email", "username", "full_name", "role", "is_active", "department", "phone", "location"],
            "header",
            id="order",
        ),
    ],
)
def test_another_header_is_refused(tmp_path, header, words):
    path = write_csv(tmp_path / "users.csv", [], header=header)

    with pytest.raises(CSVRejected, match=words):
        import_file(path)


@pytest.mark.parametrize("short", ["short,short@example.com", "lonely", "a,b,c,d,e,f,g,h,i"])
def test_a_row_with_the_wrong_number_of_cells_fails_alone(tmp_path, short):
    path = tmp_path / "users.csv"
    path.write_text(
        "username,email,full_name,role,is_active,department,phone,location\n"
        f"{short}\nfine,fine@example.com,Fine,user,true,,,\n"
    )

    result, _ = import_file(path)

    assert [(error.row, error.field) for error in result.errors] == [(2, "row")]
    assert result.created == 1


def test_blank_lines_are_not_rows(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(
        "username,email,full_name,role,is_active,department,phone,location\n"
        "\nfirst,first@example.com,First,user,true,,,\n\n\nsecond,second@example.com,Second,,,,,\n\n"
    )

    result, _ = import_file(path)

    assert (result.processed, result.created, result.failed) == (2, 2, 0)
    assert count_rows(path) == 2
    second = User.objects.get(username="second")
    assert (second.role, second.is_active) == (Role.USER, True)  # blank cells of a new user: the defaults


def test_blank_role_and_state_cells_leave_an_existing_user_as_it_is(tmp_path):
    manager = UserFactory(username="boss", email="boss@example.com", role=Role.MANAGER, is_active=False)
    path = write_csv(tmp_path / "users.csv", [row("boss", role="", is_active="", full_name="Renamed Boss")])

    result, _ = import_file(path, update_existing=True)

    assert result.updated == 1
    manager.refresh_from_db()
    assert (manager.full_name, manager.role, manager.is_active) == ("Renamed Boss", Role.MANAGER, False)


def test_the_memory_of_names_seen_grows_when_it_must_and_forgets_nothing():
    seen = _SeenKeys()
    for number in range(100_000):
        assert seen.first_line(f"u:user{number}", number + 2) is None

    assert seen.first_line("u:user0", 999) == 2
    assert seen.first_line("u:user99999", 999) == 100_001
    assert len(_SeenKeys(2_000_000)._hashes) == 1 << 22  # sized up front for a million rows


def test_the_command_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(
        "username,email,full_name,role,is_active,department,phone,location\nj,j@x.io,Jos\xe9,,,,,\n".encode("latin-1")
    )

    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_users", str(path), stdout=StringIO(), stderr=StringIO())


def test_the_command_imports_with_a_summary(tmp_path):
    path = write_csv(tmp_path / "users.csv", [row("cmd1"), row("cmd2"), row("bad name!", email="b@example.com")])
    out, err = StringIO(), StringIO()

    call_command("import_users", str(path), "--batch-size", "2", stdout=out, stderr=err)

    assert "Created 2, updated 0, skipped 0, failed 1 of 3 rows." in out.getvalue()
    assert "line 4, username:" in err.getvalue()
