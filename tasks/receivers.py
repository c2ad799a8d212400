"""New users get their welcome email from a worker, queued in batches (one task per
WELCOME_BATCH users) so a large import does not flood the broker."""

import logging

from django.dispatch import receiver
from kombu.exceptions import OperationalError

from tasks.tasks import send_welcome_emails
from users.signals import users_created

WELCOME_BATCH = 500


logger = logging.getLogger(__name__)


@receiver(users_created)
def queue_welcome_emails(sender, user_ids: list[int], **kwargs) -> None:
    """The users are created already: a broker that cannot be reached costs their
    emails (logged), never the request that created them."""
    try:
        for start in range(0, len(user_ids), WELCOME_BATCH):
            send_welcome_emails.delay(user_ids[start : start + WELCOME_BATCH])
    except OperationalError as exc:
        logger.warning("Welcome emails of %s new users not queued, the broker is unreachable: %s", len(user_ids), exc)
