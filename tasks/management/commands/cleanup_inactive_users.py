"""cleanup_inactive_users: remove users deactivated and unchanged for a long time (beat runs it daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tasks.cleanup import cleanup_inactive_users, inactive_users


class Command(BaseCommand):
    help = "Delete users who are deactivated and unchanged for D days, in batches, through the services."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Default: CLEANUP_INACTIVE_DAYS (365).")
        parser.add_argument("--dry-run", action="store_true", help="Only count them.")

    def handle(self, *args, days: int | None, dry_run: bool, **options) -> None:
        days = settings.CLEANUP_INACTIVE_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1.")
        if dry_run:
            count = inactive_users(days=days).count()
            self.stdout.write(f"{count} users are deactivated and unchanged for {days} days or more.")
            return
        removed = cleanup_inactive_users(
            days=days,
            on_batch=lambda total: self.stdout.write(f"  removed {total} so far") if options["verbosity"] > 1 else None,
        )
        self.stdout.write(self.style.SUCCESS(f"Removed {removed} users deactivated and unchanged for {days} days."))
