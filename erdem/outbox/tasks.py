"""Background jobs of the outbox."""

from django_tasks import task

from erdem.outbox.services import outbox_deliver


@task()
def outbox_send_task() -> dict[str, int]:
    """Deliver the e-mails that are due; queued whenever e-mails are stored, idempotent."""
    return outbox_deliver()
