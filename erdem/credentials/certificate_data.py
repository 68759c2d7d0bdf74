"""What a certificate PDF shows, taken from a stored credential.

The certificate is written in the achievement's languages (Mongolian first), never in the
viewer's: a certificate downloaded by an English-speaking employer and one printed by the
learner are the same file. The signed credential is embedded exactly as stored, so the PDF
can be verified on its own. A copy of a credential that is no longer valid says so across the
page, in both languages.
"""

import json
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import pgettext

from erdem.credentials.certificates import CertificateData, certificate_pdf
from erdem.credentials.identity import credential_url
from erdem.credentials.models import Credential

# The programme runs in Mongolia: the date on the certificate is the date there, whatever the
# server's time zone (a credential issued at 01:00 in Ulaanbaatar is dated that day, not the day before).
CERTIFICATE_TIME_ZONE = ZoneInfo("Asia/Ulaanbaatar")


def credential_json(credential: Credential) -> bytes:
    """The stored signed credential as UTF-8 JSON, readable (the proof covers the data, not its layout)."""
    return json.dumps(credential.document, ensure_ascii=False, indent=2).encode()


def status_note(credential: Credential) -> dict[str, str] | None:
    """What a copy of a credential that is no longer valid says across the page, in every
    language of the platform (whoever reads it must see it); None for an active credential."""
    labels = {
        Credential.Status.REVOKED: lambda: pgettext("certificate status", "REVOKED"),
        Credential.Status.SUSPENDED: lambda: pgettext("certificate status", "SUSPENDED"),
        Credential.Status.REPLACED: lambda: pgettext("certificate status", "REPLACED"),
    }
    label = labels.get(Credential.Status(credential.status))
    if label is None:
        return None
    note = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            note[code] = label()
    return note


def certificate_data(credential: Credential) -> CertificateData:
    """The certificate of `credential`; reads its person, achievement, programme and national centre."""
    achievement = credential.achievement
    person = credential.person
    centre = achievement.programme.national_centre
    cyrillic, latin = person.full_name, person.full_name_latin
    valid_until = credential.valid_until
    return CertificateData(
        languages=achievement.languages,
        learner_name={"mn": cyrillic or latin, "en": latin or cyrillic},
        learner_name_traditional=person.name_traditional,
        achievement_name={"mn": achievement.name_mn, "en": achievement.name_en},
        achievement_name_traditional=achievement.name_traditional,
        kind=achievement.kind,
        issuer_name={"mn": centre.name_mn or centre.name_en, "en": centre.name_en or centre.name_mn},
        # The day it was earned: a reissue (a correction, a new DID) keeps the original date.
        issued_on=timezone.localtime(credential.awarded_at, CERTIFICATE_TIME_ZONE).date(),
        valid_until=timezone.localtime(valid_until, CERTIFICATE_TIME_ZONE).date() if valid_until else None,
        workload_hours=achievement.workload_hours,
        ects=achievement.ects,
        mn_credits=achievement.mn_credits,
        verification_url=credential_url(credential.public_id),
        verification_code=credential.verification_code,
        attachments={"credential.json": credential_json(credential), "credential.jwt": credential.jwt.encode()},
        status_note=status_note(credential),
    )


def certificate_render(credential: Credential) -> bytes:
    """The certificate PDF of `credential`, as issued, marked across the page when it is no longer
    valid (revoked, suspended or replaced); the verifier tells its status at any time."""
    return certificate_pdf(certificate_data(credential))
