import pytest
from django.urls import reverse
from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.tests.factories import course_build
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.credentials.keys import key_active

pytestmark = pytest.mark.django_db

def test_dump(client):
    programme = ProgrammeFactory()
    course = course_build(programme=programme, modules=1, lessons=1)
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    a = achievement_create(programme=programme, course=course)
    a.name_traditional = "ᠮᠣᠩᠭᠣᠯ ᠬᠡᠯᠡ ᠪᠢᠴᠢᠭ"
    a.save()
    p = make_person()
    c = credential_create(achievement=a, person=p)
    key_active()
    for lang in ("mn", "en"):
        admin.preferred_language = lang; admin.save()
        client.force_login(admin); client.cookies["erdem_language"] = lang
        for name, url in [("list", reverse("credentials:manage")), ("detail", reverse("credentials:achievement_detail", args=[a.public_id])),
                          ("cred", reverse("credentials:credential_manage", args=[c.public_id])), ("keys", reverse("credentials:keys")),
                          ("log", reverse("credentials:audit_log")), ("form", reverse("credentials:achievement_edit", args=[a.public_id])),
                          ("issue", reverse("credentials:issue_manual", args=[a.public_id])), ("rules", reverse("credentials:achievement_rules", args=[a.public_id]))]:
            html = client.get(url).content.decode()
            open(f"/tmp/m2pages/{name}-{lang}.html", "w").write(html)

def test_dbg(client):
    programme = ProgrammeFactory()
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    admin.preferred_language = "mn"; admin.save()
    client.force_login(admin); client.cookies["erdem_language"] = "mn"
    html = client.get(reverse("credentials:audit_log"), {"date_from": "2026-11-29", "date_to": "2026.11.30"}).content.decode()
    import re
    print(re.findall(r'<input[^>]*date_[^>]*>', html))
    print(re.findall(r'errorlist.*', html)[:3])
