"""A cohort's certificates in one ZIP, for a ceremony or the institution's records.

A national admin chooses a cohort; a background job draws the certificate PDF of every member
who holds an active credential for the achievement and writes them into one ZIP archive in
default storage (`certificate-archives/<job id>.zip`). The archive is written to a temporary
file, one PDF at a time, so memory stays bounded whatever the size of the cohort. Members are
named `<family>_<given>_<code>.pdf` in ASCII (the Latin form of the name, or a transliteration
of the Cyrillic one), so the names survive every unzip tool. Only the person who started the
job may download it.
"""

import logging
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from erdem.credentials.certificate_data import certificate_render
from erdem.credentials.certificates import CertificateError
from erdem.credentials.models import Achievement, Credential
from erdem.jobs.models import Job
from erdem.jobs.services import JobError, job_enqueue, job_progress
from erdem.learning.models import Cohort, Enrolment
from erdem.people.models import Person

logger = logging.getLogger(__name__)

ARCHIVE_DIRECTORY = "certificate-archives"
PROGRESS_EVERY = 5  # certificates between two progress updates

# Mongolian Cyrillic to Latin as passports write it (MNS 5217:2012), for names without a Latin form.
_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "ye", "ё": "yo", "ж": "j", "з": "z",
        "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "ө": "u", "п": "p",
        "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
        "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "i", "э": "e", "ю": "yu", "я": "ya",
    }
)  # fmt: skip


class ArchiveError(Exception):
    """A refusal to show to the person who asked, in their language."""


def archive_path(job_id: object) -> str:
    return f"{ARCHIVE_DIRECTORY}/{job_id}.zip"


def ascii_name(text: str) -> str:
    """ "Бат-Эрдэнэ" -> "Bat-Erdene", "Saraa O'Neil" -> "Saraa-O-Neil": letters, digits and hyphens only."""
    latin = "".join(
        transliterated.capitalize() if character.isupper() else transliterated
        for character in text
        for transliterated in [character.lower().translate(_CYRILLIC_TO_LATIN)]
    )
    plain = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-")


def member_name(credential: Credential, taken: set[str]) -> str:
    """ "<family>_<given>_<code>.pdf", unique among `taken` (which it extends), compared without case."""
    person = credential.person
    family = ascii_name(person.family_name_latin or person.family_name)
    given = ascii_name(person.given_name_latin or person.given_name)
    stem = "_".join(part for part in (family, given) if part) or f"person-{person.pk}"
    stem = f"{stem}_{ascii_name(credential.achievement.code) or 'certificate'}"
    name, number = f"{stem}.pdf", 1
    while name.lower() in taken:
        number += 1
        name = f"{stem}-{number}.pdf"
    taken.add(name.lower())
    return name


def archive_download_name(achievement: Achievement, cohort_name: str) -> str:
    cohort = ascii_name(cohort_name) or "cohort"
    return f"{ascii_name(achievement.code) or 'certificates'}_{cohort}.zip"


def archive_credentials(*, achievement: Achievement, cohort: Cohort) -> QuerySet[Credential]:
    """The active credentials for `achievement` of the cohort's members, with what a certificate needs."""
    members = Enrolment.objects.filter(cohort=cohort).values("person_id")
    return (
        Credential.objects.filter(achievement=achievement, status=Credential.Status.ACTIVE, person_id__in=members)
        .select_related("achievement__programme__national_centre", "person")
        .order_by("person__family_name_latin", "person__given_name_latin", "person__family_name", "person_id")
    )


def archive_cohorts(*, achievement: Achievement) -> list[Cohort]:
    """The programme's cohorts, each with `members` and `holders` (members holding an active
    credential for the achievement): one query."""
    held = Q(
        enrolments__person__credentials__achievement=achievement,
        enrolments__person__credentials__status=Credential.Status.ACTIVE,
    )
    return list(
        Cohort.objects.filter(programme_id=achievement.programme_id)
        .annotate(
            members=Count("enrolments__person", distinct=True),
            holders=Count("enrolments__person", filter=held, distinct=True),
        )
        .order_by("name", "pk")
    )


def archive_jobs_of(*, person: Person, achievement: Achievement, limit: int = 10) -> list[Job]:
    """The archives of this achievement that `person` made, newest first (finished ones: they are downloadable)."""
    return list(
        Job.objects.filter(
            started_by=person,
            kind=Job.Kind.CERTIFICATE_ARCHIVE,
            status=Job.Status.SUCCEEDED,
            result__achievement=str(achievement.public_id),
        ).order_by("-created_at")[:limit]
    )


def certificate_archive_start(*, achievement: Achievement, cohort: Cohort, actor: Person) -> Job:
    """Queue the job that gathers the cohort's certificates."""
    from erdem.credentials.tasks import certificate_archive_task

    if cohort.programme_id != achievement.programme_id:
        raise ArchiveError(_("This cohort belongs to another programme."))
    total = archive_credentials(achievement=achievement, cohort=cohort).count()
    if not total:
        raise ArchiveError(
            _("Nobody in this cohort holds an active credential for this achievement, so there is nothing to gather.")
        )
    return job_enqueue(
        task=certificate_archive_task,
        kind=Job.Kind.CERTIFICATE_ARCHIVE,
        started_by=actor,
        total=total,
        achievement_id=achievement.pk,
        cohort_id=cohort.pk,
    )


def certificate_archive_write(
    credentials: Iterable[Credential], handle: IO[bytes], *, progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Write one PDF per credential into a ZIP in `handle`; returns (written, skipped).
    One certificate is in memory at a time."""
    taken: set[str] = set()
    written = skipped = 0
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for credential in credentials:
            try:
                pdf = certificate_render(credential)
            except CertificateError:
                logger.exception("certificate of credential %s could not be drawn", credential.pk)
                skipped += 1
                continue
            archive.writestr(member_name(credential, taken), pdf)
            written += 1
            if progress is not None and (written + skipped) % PROGRESS_EVERY == 0:
                progress(written + skipped)
    return written, skipped


def certificate_archive_build(*, job: Job, achievement_id: int, cohort_id: int) -> dict[str, Any]:
    """The job: draw the certificates into a temporary file, then store it. Run again, it
    replaces its own archive, so a second delivery of the job does no harm."""
    achievement = Achievement.objects.filter(pk=achievement_id).first()
    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if achievement is None or cohort is None:
        raise JobError(_("The cohort or the achievement no longer exists."))
    credentials = archive_credentials(achievement=achievement, cohort=cohort)
    total = credentials.count()
    if not total:
        raise JobError(
            _("Nobody in this cohort holds an active credential for this achievement, so there is nothing to gather.")
        )
    job_progress(job=job, done=0, total=total)
    path = archive_path(job.pk)
    with tempfile.TemporaryFile(suffix=".zip") as handle:
        written, skipped = certificate_archive_write(
            credentials.iterator(chunk_size=100), handle, progress=lambda done: job_progress(job=job, done=done)
        )
        if not written:
            raise JobError(_("None of the certificates could be drawn."))
        handle.seek(0)
        if default_storage.exists(path):
            default_storage.delete(path)
        stored = default_storage.save(path, File(handle, name=path))
    job_progress(job=job, done=total)
    download = reverse("credentials:certificate_archive", args=[achievement.public_id])
    return {
        "path": stored,
        "certificates": written,
        "skipped": skipped,
        "achievement": str(achievement.public_id),
        "cohort_name": cohort.name,
        # Not "next_url": the job page would offer it as "Continue"; the result template labels it.
        "download_url": f"{download}?download={job.pk}",
    }
