"""seed_demo: fill the database with realistic demo users, profiles and orders, fast."""

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from users import services
from users.models import Order, OrderStatus, Profile, Role, User

FIRST_NAMES = (
    "Ada Alan Alice Amara Ana Anders Aria Arjun Ava Ben Bianca Carlos Chen Chloe Dana David Diego Elena "
    "Emil Emma Eva Farah Felix Finn Grace Hana Hugo Ines Ivan Jack Jana Javier Jonas Julia Kai Karin Kenji "
    "Lara Leo Lina Lucas Luis Maya Mei Mia Milan Nadia Nina Noah Olga Omar Oscar Paula Pedro Priya Rahul "
    "Rosa Ruth Sara Sofia Tariq Theo Tomas Uma Vera Victor Yara Yusuf Zoe"
).split()
LAST_NAMES = (
    "Abbott Alvarez Andersen Baker Bauer Becker Brown Castro Chen Costa Cruz Dubois Eriksen Evans Fischer "
    "Garcia Gomez Gupta Hansen Hoffmann Ito Jansen Jones Kim Klein Kowalski Kumar Larsen Lee Lopez Martin "
    "Meyer Miller Moreau Muller Nagy Nguyen Novak Olsen Park Patel Perez Petrov Popescu Reyes Rossi Santos "
    "Schmidt Silva Smith Suzuki Tanaka Taylor Torres Vargas Wagner Wang Weber Wilson Yamamoto Young Zhang"
).split()
DEPARTMENTS = (
    "Engineering Sales Marketing Support Finance Legal Operations Research Design People Security Data"
).split()
LOCATIONS = (
    "Amsterdam Austin Berlin Bogota Cairo Dublin Lagos Lisbon London Madrid Montreal Mumbai Nairobi Oslo "
    "Paris Seoul Singapore Stockholm Sydney Tokyo Toronto Warsaw"
).split()
DOMAINS = ("example.com", "example.org", "example.net", "corp.example")
STATUSES = tuple(OrderStatus.values)
HISTORY = timedelta(days=3 * 365)
BULK_LOAD_THRESHOLD = 100_000  # users; from here on, indexes are rebuilt once at the end
USER_COLUMNS = ("id", *services.NEW_USER_COLUMNS, "last_login_at")
PROFILE_COLUMNS = ("user_id", "department", "phone", "location", "bio")
ORDER_COLUMNS = ("user_id", "status", "amount", "created_at")
TABLES = ((User, USER_COLUMNS), (Profile, PROFILE_COLUMNS), (Order, ORDER_COLUMNS))


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


@dataclass(frozen=True)
class DemoUser:
    id: int
    username: str
    email: str
    full_name: str
    role: str
    is_active: bool
    password: str
    created_at: datetime
    last_login_at: datetime | None
    department: str
    phone: str
    location: str


def demo_users(rng: random.Random, first_id: int, count: int, now: datetime) -> Iterator[DemoUser]:
    """Deterministic for a given seed; usernames and emails embed the id, so they are unique."""
    for user_id in range(first_id, first_id + count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = f"{first.lower()}.{last.lower()}{user_id}"
        created_at = now - HISTORY * rng.random()
        roll = rng.random()
        role = Role.ADMIN if roll < 0.005 else Role.MANAGER if roll < 0.05 else Role.USER
        yield DemoUser(
            id=user_id,
            username=username,
            email=f"{username}@{rng.choice(DOMAINS)}",
            full_name=f"{first} {last}",
            role=role,
            is_active=rng.random() < 0.9,
            password=f"!{rng.getrandbits(160):040x}",  # "!" prefix: an unusable password
            created_at=created_at,
            last_login_at=created_at + (now - created_at) * rng.random() if rng.random() < 0.7 else None,
            department=rng.choice(DEPARTMENTS),
            phone=f"+1-555-{rng.randrange(10000):04d}",
            location=rng.choice(LOCATIONS),
        )


def demo_rows(rng: random.Random, batch: list[DemoUser], per_user: int, now: datetime) -> list[list[tuple]]:
    """Rows for each of TABLES, in their column order."""
    users = [
        (
            u.id,
            u.password,
            False,
            u.username,
            u.email,
            u.full_name,
            u.role,
            u.is_active,
            u.created_at,
            u.created_at,
            u.last_login_at,
        )
        for u in batch
    ]
    profiles = [(u.id, u.department, u.phone, u.location, "") for u in batch]
    orders = [
        (
            u.id,
            rng.choice(STATUSES),
            Decimal(rng.randrange(500, 50000)) / 100,
            u.created_at + (now - u.created_at) * rng.random(),
        )
        for u in batch
        for _ in range(per_user)
    ]
    return [users, profiles, orders]


def copy_text(rows: list[tuple]) -> str:
    """Rows in COPY's text format (demo values hold no tabs, newlines or backslashes)."""
    return "".join("\t".join(_copy_value(value) for value in row) + "\n" for row in rows)


def insert_params(rows: list[tuple]) -> list[tuple]:
    """Rows as INSERT parameters, adapted the way Django adapts them for the database."""
    ops = connection.ops
    return [
        tuple(
            ops.adapt_datetimefield_value(value)
            if isinstance(value, datetime)
            else ops.adapt_decimalfield_value(value)
            if isinstance(value, Decimal)
            else value
            for value in row
        )
        for row in rows
    ]


@contextmanager
def deferred_indexes(cursor, models) -> Iterator[None]:
    """Drop the non-unique indexes and the foreign keys of `models`, and build them
    again on exit: one index build after a bulk load is far cheaper than maintaining
    every index (three of them trigram GINs) row by row, and one join validates a
    foreign key faster than a trigger per row. Unique indexes stay, so they keep
    guarding the load. PostgreSQL only, inside the caller's transaction: the tables
    are locked until it commits, and a failure rolls all of it back.
    """
    tables = [model._meta.db_table for model in models]
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique AND NOT indisprimary",
        [tables],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype = 'f'",
        [tables],
    )
    foreign_keys = cursor.fetchall()
    for table, name, _ in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    for _, definition in indexes:
        cursor.execute(definition)
    for table, name, definition in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


class Command(BaseCommand):
    help = (
        "Create demo users (each with a profile) and their orders. On PostgreSQL the rows "
        "are streamed with COPY; elsewhere they are bulk-inserted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--users", type=int, default=1000, help="How many users to create.")
        parser.add_argument("--orders-per-user", type=int, default=3, help="Orders for each user.")
        parser.add_argument("--batch-size", type=int, default=50_000, help="Rows per COPY or insert batch.")
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for repeatable data.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any user exists.")
        parser.add_argument(
            "--demo-admin",
            action="store_true",
            help="Also create (or reset) the superuser 'admin' with the password in DEMO_ADMIN_PASSWORD.",
        )

    def handle(
        self,
        *args,
        users: int,
        orders_per_user: int,
        batch_size: int,
        seed,
        if_empty: bool,
        demo_admin: bool,
        verbosity: int,
        **options,
    ) -> None:
        self.verbosity = verbosity
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo does not run with DJANGO_ENV=production: demo users and a demo admin have no place there."
            )
        if users < 0 or orders_per_user < 0 or batch_size < 1:
            raise CommandError("--users and --orders-per-user must be 0 or more, --batch-size at least 1.")
        if demo_admin and not settings.DEMO_ADMIN_PASSWORD:
            raise CommandError("Set DEMO_ADMIN_PASSWORD to create the demo admin.")
        if if_empty and User.objects.exists():
            self.stdout.write("Users exist already: no demo data added.")
        elif users:
            started = datetime.now(UTC)
            self._seed(random.Random(seed), users, orders_per_user, batch_size)
            elapsed = (datetime.now(UTC) - started).total_seconds()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {users} users, {users} profiles and {users * orders_per_user} orders in {elapsed:.1f} s."
                )
            )
        if demo_admin:
            self._demo_admin()

    def _seed(self, rng: random.Random, count: int, per_user: int, batch_size: int) -> None:
        """Load in batches; a helper thread prepares the next batch while the database
        ingests the current one (the driver releases the GIL while it waits)."""
        now = datetime.now(UTC)
        progress = tqdm(total=count, unit="users", disable=self.verbosity < 1, file=self.stderr._out)
        postgresql = connection.vendor == "postgresql"
        encode = copy_text if postgresql else insert_params
        user_table = User._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor, ExitStack() as stack:
            if postgresql:
                # New ids are chosen here, so no other writer may take one meanwhile.
                cursor.execute(f"LOCK TABLE {user_table} IN SHARE ROW EXCLUSIVE MODE")
                if count >= BULK_LOAD_THRESHOLD:
                    stack.enter_context(deferred_indexes(cursor, [model for model, _ in TABLES]))
            last_id = User.objects.order_by("-id").values_list("id", flat=True).first() or 0
            users = demo_users(rng, last_id + 1, count, now)

            def prepare(size: int) -> list:
                batch = [next(users) for _ in range(size)]
                return [encode(rows) for rows in demo_rows(rng, batch, per_user, now)]

            sizes = [min(batch_size, count - start) for start in range(0, count, batch_size)]
            with ThreadPoolExecutor(max_workers=1) as pool:
                pending = pool.submit(prepare, sizes[0])
                for index, size in enumerate(sizes):
                    payloads = pending.result()
                    if index + 1 < len(sizes):
                        pending = pool.submit(prepare, sizes[index + 1])
                    for (model, columns), payload in zip(TABLES, payloads, strict=True):
                        self._load(cursor, model, columns, payload, copy=postgresql)
                    progress.update(size)
            if postgresql:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {user_table}))",
                    [user_table],
                )
            services.announce_users_changed()
        progress.close()
        self._analyze()

    @staticmethod
    def _analyze() -> None:
        """Give the planner statistics of what was loaded (autovacuum may be off, and
        without them it misjudges the search and count plans); VACUUM also sets the
        visibility map that index-only scans need. VACUUM cannot run inside a
        transaction: called inside one, the command only analyzes."""
        tables = ", ".join(model._meta.db_table for model, _ in TABLES)
        if connection.vendor != "postgresql":
            statement = "ANALYZE"
        elif connection.in_atomic_block:
            statement = f"ANALYZE {tables}"
        else:
            statement = f"VACUUM ANALYZE {tables}"
        with connection.cursor() as cursor:
            cursor.execute(statement)

    @staticmethod
    def _load(cursor, model, columns: tuple[str, ...], payload, *, copy: bool) -> None:
        """COPY (PostgreSQL) the text of `copy_text`, or INSERT the rows of `insert_params`."""
        table, column_list = model._meta.db_table, ", ".join(columns)
        if copy:
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as stream:
                stream.write(payload)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})", payload)

    def _demo_admin(self) -> None:
        """Create the superuser 'admin' once; an existing one (and a password changed
        since) is left as it is."""
        if User.objects.filter(username="admin").exists():
            self.stdout.write("Demo admin 'admin' exists already: left as it is.")
            return
        User.objects.create_superuser("admin", "admin@example.com", settings.DEMO_ADMIN_PASSWORD)
        self.stdout.write(self.style.SUCCESS("Demo admin: username 'admin', password from DEMO_ADMIN_PASSWORD."))
