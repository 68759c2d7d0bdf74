from erdem.outbox.models import OutgoingEmail


def outbox_counts() -> dict[str, int]:
    """How many e-mails are waiting, sent and given up on."""
    return {status: OutgoingEmail.objects.filter(status=status).count() for status in OutgoingEmail.Status.values}
