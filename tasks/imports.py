"""CSV imports of users, shared by the Celery task and the import_users command.

The file is streamed (memory does not grow with it) and taken in batches. Each row is
checked with the API's own rules (`users.validation`); rows are then created, or
updated when asked, through the services, one transaction per batch in which the
caller also records its progress. So a run stopped anywhere — a worker killed, a
database gone — leaves whole batches behind, and a new run resumes after the last one
(`start_line`): no row is imported twice, none is lost. Importing the same file again
creates nothing new (existing usernames are skipped, or updated).

Rows are numbered by their line in the file, header = line 1, as a spreadsheet shows
them. A row repeating an earlier row's username or email fails. Passwords are never
hashed here: new users get an unusable one and a set-password email.
"""

import codecs
import csv
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from api.exceptions import Conflict
from api.values import BOOLEAN_HELP, parse_bool
from users import services
from users.models import Role, User
from users.serializers import UserRowSerializer
from users.validation import validate_user_rows

HEADER = ("username", "email", "full_name", "role", "is_active", "department", "phone", "location")
PROFILE_COLUMNS = ("department", "phone", "location")
NEW_USER_DEFAULTS = {"role": Role.USER, "is_active": True}  # for blank cells of new users
TEXT_COLUMNS = ("full_name", "department", "phone", "location")
DEFAULT_BATCH_SIZE = 1000
MAX_STORED_ERRORS = 1000
CHECK_BYTES = 64 * 1024
# A spreadsheet runs a cell starting with these as a formula. A phone number such as
# "+1 555-0100" starts with "+" too: a cell made only of digits, spaces and + - ( ) . # /
# can at most compute a number, and is kept as it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER_CHARS = frozenset("0123456789 +-().#/")


class CSVRejected(Exception):
    """The file as a whole cannot be imported: not UTF-8, not CSV, or another header."""


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class BatchResult:
    """What one batch did; `line` is the last line it covered."""

    line: int
    processed: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[RowError] = field(default_factory=list)


# --- the file ----------------------------------------------------------------------------


def check_upload(chunks: Iterator[bytes]) -> None:
    """Refuse (CSVRejected) a file that is not UTF-8 text, or whose header is not the
    one an import takes; reads it all, one chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    head = ""
    try:
        for chunk in chunks:
            if b"\x00" in chunk:
                raise CSVRejected("This is not a CSV file: it holds binary data.")
            text = decoder.decode(chunk)
            if len(head) < CHECK_BYTES:
                head += text
        head += decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise CSVRejected(f"The file is not UTF-8 text (byte {exc.start} of a chunk cannot be read).") from None
    check_header(head.splitlines()[0] if head.strip() else "")


def check_header(first_line: str) -> None:
    _check_columns(next(csv.reader([first_line]), []))


def _check_columns(cells: list[str]) -> None:
    columns = [name.strip() for name in cells]
    if columns != list(HEADER):
        raise CSVRejected(f"The header must be: {','.join(HEADER)} (found: {','.join(columns)[:200] or 'nothing'}).")


def count_rows(path: Path | str) -> int:
    """Data rows in the file: blank lines are not rows, and a quoted cell may span lines."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return max(sum(1 for cells in csv.reader(handle) if cells) - 1, 0)


def _records(handle) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) for each data row after the header."""
    reader = csv.reader(handle)
    try:
        _check_columns(next(reader))
    except StopIteration:
        raise CSVRejected("The file is empty.") from None
    previous_end = reader.line_num
    for cells in reader:
        if cells:  # a blank line (many exports end with one) is not a row
            yield previous_end + 1, cells
        previous_end = reader.line_num


# --- rows ------------------------------------------------------------------------------


def defuse(value: str) -> str:
    """A cell a spreadsheet would run as a formula, kept as text ('-prefixed)."""
    if value.startswith(FORMULA_STARTS) and not set(value) <= PLAIN_NUMBER_CHARS:
        return "'" + value
    return value


def _row_data(cells: list[str]) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The write fields of a row, or None with (field, message) problems. A blank
    `role` or `is_active` is left out: a new user then gets the default (user, active),
    an existing one keeps what it has."""
    raw = {name: value.strip() for name, value in zip(HEADER, cells, strict=True)}
    data: dict[str, Any] = {"username": raw["username"], "email": raw["email"], "full_name": defuse(raw["full_name"])}
    if raw["role"]:
        data["role"] = raw["role"]
    if raw["is_active"]:
        try:
            data["is_active"] = parse_bool(raw["is_active"])
        except ValueError:
            return None, [("is_active", BOOLEAN_HELP)]
    data["profile"] = {name: defuse(raw[name]) for name in PROFILE_COLUMNS}
    return data, []


class _SeenKeys:
    """Usernames and emails met so far in the file, with the line of each: 64-bit hashes
    in flat arrays (12 bytes a slot), so a million rows cost tens of MB, not hundreds.
    Sized for the rows expected (two keys a row, at most half full), it never grows."""

    def __init__(self, expected_keys: int = 0) -> None:
        self._allocate(max(1 << 16, 1 << (2 * expected_keys).bit_length()))

    def _allocate(self, size: int) -> None:
        self._mask = size - 1
        self._hashes = array("Q", [0]) * size
        self._lines = array("I", [0]) * size
        self._count = 0

    def first_line(self, key: str, line: int) -> int | None:
        """The line `key` was first seen on, or None (and `line` is remembered)."""
        digest = (hash(key) & 0xFFFFFFFFFFFFFFFF) or 1
        slot = digest & self._mask
        while (current := self._hashes[slot]) != 0:
            if current == digest:
                return self._lines[slot]
            slot = (slot + 1) & self._mask
        self._hashes[slot], self._lines[slot] = digest, line
        self._count += 1
        if self._count * 2 > self._mask:
            self._grow()
        return None

    def _grow(self) -> None:
        hashes, lines = self._hashes, self._lines
        self._allocate((self._mask + 1) * 2)
        for index, digest in enumerate(hashes):
            if digest:
                slot = digest & self._mask
                while self._hashes[slot] != 0:
                    slot = (slot + 1) & self._mask
                self._hashes[slot], self._lines[slot] = digest, lines[index]
                self._count += 1


# --- the run -----------------------------------------------------------------------------


@dataclass
class ImportOptions:
    actor: User | None
    dry_run: bool = False
    update_existing: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE


def run_import(
    path: Path | str,
    options: ImportOptions,
    *,
    start_line: int = 1,
    expected_rows: int = 0,
    on_batch: Callable[[BatchResult], None] = lambda result: None,
) -> None:
    """Import the rows after `start_line`, batch by batch; `on_batch` runs inside each
    batch's transaction (to record progress with it). `expected_rows` (when known) sizes
    the memory of names seen once for the whole file."""
    seen = _SeenKeys(2 * expected_rows)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        batch: list[tuple[int, list[str]]] = []
        for line, cells in _records(handle):
            if line <= start_line:
                _remember(seen, line, cells)  # rows of a run that stopped: their names are taken
                continue
            batch.append((line, cells))
            if len(batch) >= options.batch_size:
                _import_batch(batch, options, seen, on_batch)
                batch = []
        if batch:
            _import_batch(batch, options, seen, on_batch)


def _unique_keys(cells: list[str]) -> tuple[tuple[str, str], ...]:
    """(column, key in _SeenKeys) for the row's username and email (case-insensitive)."""
    return ("username", f"u:{cells[0].strip()}"), ("email", f"e:{cells[1].strip().lower()}")


def _remember(seen: _SeenKeys, line: int, cells: list[str]) -> None:
    if len(cells) == len(HEADER):
        for _, key in _unique_keys(cells):
            seen.first_line(key, line)


def _import_batch(
    batch: list[tuple[int, list[str]]],
    options: ImportOptions,
    seen: _SeenKeys,
    on_batch: Callable[[BatchResult], None],
) -> None:
    result = BatchResult(line=batch[-1][0], processed=len(batch))
    rows: dict[int, dict[str, Any]] = {}  # line → data of the rows still in the running
    for line, cells in batch:
        if len(cells) != len(HEADER):
            result.errors.append(RowError(line, "row", f"Expected {len(HEADER)} cells, found {len(cells)}."))
            continue
        data, problems = _row_data(cells)
        for label, key in _unique_keys(cells):
            if (earlier := seen.first_line(key, line)) is not None:
                problems.append((label, f"Line {earlier} has the same {label}."))
        if problems:
            result.errors.extend(RowError(line, name, message) for name, message in problems)
            continue
        rows[line] = data
    with transaction.atomic():
        existing = User.objects.in_bulk([data["username"] for data in rows.values()], field_name="username")
        creates = {line: NEW_USER_DEFAULTS | data for line, data in rows.items() if data["username"] not in existing}
        updates = {line: data for line, data in rows.items() if data["username"] in existing}
        if not options.update_existing:
            result.skipped = len(updates)
            updates = {}
        _create(creates, options, result)
        _update(updates, existing, options, result)
        result.failed = len({error.row for error in result.errors})
        on_batch(result)


def _create(rows: dict[int, dict], options: ImportOptions, result: BatchResult) -> None:
    lines = list(rows)
    checked = validate_user_rows(list(rows.values()), actor=options.actor, serializer_class=UserRowSerializer)
    _collect(checked.errors, lines, result)
    valid = [checked.valid[index] for index in sorted(checked.valid)]
    if valid and not options.dry_run:
        services.users_create_many(actor=options.actor, rows=valid)
    result.created = len(valid)


def _update(rows: dict[int, dict], existing: dict[str, User], options: ImportOptions, result: BatchResult) -> None:
    if not rows:
        return
    lines = list(rows)
    targets = {user.pk: user for user in existing.values()}
    items = [{"id": existing[data["username"]].pk, **data} for data in rows.values()]
    checked = validate_user_rows(items, actor=options.actor, targets=targets, serializer_class=UserRowSerializer)
    _collect(checked.errors, lines, result)
    changes = {items[index]["id"]: data for index, data in checked.valid.items()}
    if changes and not options.dry_run:
        try:
            with transaction.atomic():
                services.users_update_many(actor=options.actor, changes=changes)
        except (Conflict, ValidationError):
            changes = _update_one_by_one(
                changes, {items[index]["id"]: lines[index] for index in checked.valid}, options, result
            )
    result.updated = len(changes)


def _update_one_by_one(
    changes: dict[int, dict], lines: dict[int, int], options: ImportOptions, result: BatchResult
) -> dict:
    """The batch's updates broke an account rule or lost a race: apply them one at a
    time, so each row that cannot be applied fails alone."""
    applied = {}
    for user_id, data in changes.items():
        try:
            with transaction.atomic():
                services.users_update_many(actor=options.actor, changes={user_id: data})
            applied[user_id] = data
        except Conflict as exc:
            result.errors.append(RowError(lines[user_id], "row", str(exc)))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                result.errors.extend(RowError(lines[user_id], name, message) for message in messages)
    return applied


def _collect(errors: dict[int, dict], lines: list[int], result: BatchResult) -> None:
    for index, fields in errors.items():
        for name, messages in _flatten(fields):
            result.errors.extend(RowError(lines[index], name, str(message)) for message in messages)


def _flatten(fields: dict) -> Iterator[tuple[str, list]]:
    """Field errors as (column, messages): a nested profile's under its own columns."""
    for name, value in fields.items():
        if isinstance(value, dict):
            yield from _flatten(value)
        else:
            yield name, value
