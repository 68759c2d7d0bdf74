"""Background jobs of the workshops app."""

from django_tasks import task

from erdem.workshops.services import workshop_reminders_send


@task()
def workshop_reminders(*, workshop_id: int, starts_at: str) -> int:
    """Remind the workshop's registered people a day before; nothing if it moved or was cancelled."""
    return workshop_reminders_send(workshop_id=workshop_id, starts_at=starts_at)
