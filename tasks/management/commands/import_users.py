"""import_users: import a CSV of users from the terminal, with a progress bar and a summary."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tasks.imports import (
    DEFAULT_BATCH_SIZE,
    BatchResult,
    CSVRejected,
    ImportOptions,
    check_upload,
    count_rows,
    run_import,
)

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = (
        "Import users from a CSV file (UTF-8; header username,email,full_name,role,is_active,department,phone,"
        "location), with the same rules and code as the API's import."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="The CSV file.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write nothing.")
        parser.add_argument("--update-existing", action="store_true", help="Update users whose username exists.")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="Rows per transaction.")

    def handle(self, *args, path: Path, dry_run: bool, update_existing: bool, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            with open(path, "rb") as handle:
                check_upload(iter(lambda: handle.read(1 << 20), b""))
        except CSVRejected as exc:
            raise CommandError(str(exc)) from None
        total = count_rows(path)
        totals = BatchResult(line=1)
        errors = []
        progress = tqdm(total=total, unit="rows", disable=options["verbosity"] < 1, file=self.stderr._out)

        def record(result: BatchResult) -> None:
            for name in ("processed", "created", "updated", "skipped", "failed"):
                setattr(totals, name, getattr(totals, name) + getattr(result, name))
            errors.extend(result.errors[: SHOWN_ERRORS - len(errors)])
            progress.update(result.processed)

        try:
            run_import(
                path,
                ImportOptions(actor=None, dry_run=dry_run, update_existing=update_existing, batch_size=batch_size),
                expected_rows=total,
                on_batch=record,
            )
        except CSVRejected as exc:
            raise CommandError(str(exc)) from None
        finally:
            progress.close()
        for error in errors:
            self.stderr.write(f"line {error.row}, {error.field}: {error.message}")
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {totals.created}, updated {totals.updated}, skipped {totals.skipped}, "
                f"failed {totals.failed} of {totals.processed} rows."
            )
        )
