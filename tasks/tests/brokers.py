"""Pointing the test process's Celery app at a broker of the test's choosing."""

from config.celery import app


def publish_to(broker_url: str, *, eager: bool) -> None:
    """Send tasks to `broker_url` (or run them in-process when `eager`). Celery keeps the
    connection and producer pools it made for the first broker, so they are dropped."""
    app.conf.update(task_always_eager=eager, broker_url=broker_url)
    app._pool = None
    app.amqp._producer_pool = None
