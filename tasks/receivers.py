"""New users get their welcome email from a worker, queued in batches (one task per
WELCOME_BATCH users) so a large import does not flood the broker."""

from django.dispatch import receiver

from tasks.tasks import send_welcome_emails
from users.signals import users_created

WELCOME_BATCH = 500


@receiver(users_created)
def queue_welcome_emails(sender, user_ids: list[int], **kwargs) -> None:
    for start in range(0, len(user_ids), WELCOME_BATCH):
        send_welcome_emails.delay(user_ids[start : start + WELCOME_BATCH])
