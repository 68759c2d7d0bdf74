"""The job worker: django-tasks' database worker, with a heartbeat (docs/decisions/0019).

While it runs, a thread records every ERDEM_JOB_HEARTBEAT_SECONDS that this worker is alive and
puts back in the queue the tasks of workers that fell silent (killed, or their machine lost), so
that a job interrupted half-way is finished by the next worker instead of staying "running"."""

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from erdem.jobs.services import jobs_recover_stale, worker_beat

logger = logging.getLogger(__name__)


def _heartbeat(worker_id: str, stop: threading.Event) -> None:
    started_at = timezone.now()
    while True:
        try:
            worker_beat(worker_id=worker_id, started_at=started_at)
            jobs_recover_stale()
        except DatabaseError:
            logger.warning("job worker %s could not reach the database for its heartbeat", worker_id)
        finally:
            connection.close()  # this thread's own connection; the database may restart meanwhile
        if stop.wait(settings.ERDEM_JOB_HEARTBEAT_SECONDS):
            return


class Command(DatabaseWorkerCommand):
    help = "Run a job worker; it also re-queues the tasks of workers that stopped (docs/decisions/0019)."

    def handle(self, *args: Any, worker_id: str, **options: Any) -> None:
        stop = threading.Event()
        beat = threading.Thread(target=_heartbeat, args=(worker_id, stop), name="job-worker-heartbeat", daemon=True)
        beat.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            stop.set()
            beat.join()
