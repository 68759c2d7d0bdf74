import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from erdem.access.models import Role
from erdem.access.tests.factories import RoleAssignmentFactory, person_with_role
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.recognition.services import request_decide, request_submit
from erdem.recognition.tests.factories import ExternalIssuer, degree_create, rule_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    programme = ProgrammeFactory()
    achievement = achievement_create(programme=programme, code="AI-101-MC", name_en="AI foundations")
    issuer = ExternalIssuer()
    degree = degree_create()
    rule = rule_create(degree=degree, achievements=[achievement], external_count=1, external_issuers=issuer.did)
    coordinator = person_with_role(
        Role.COORDINATOR, programme=programme, institution=degree.institution, preferred_language="en"
    )
    requests = []
    for number, approve in ((1, True), (2, False), (3, None)):
        learner = make_person(email=f"learner{number}@example.mn")
        RoleAssignmentFactory(person=learner, role=Role.EDUCATOR, programme=programme)
        request = request_submit(
            person=learner,
            degree=degree,
            rule=rule,
            credentials=[credential_create(achievement=achievement, person=learner)],
            external=[json.dumps(issuer.credential(email=learner.email, number=number))],
        )
        if approve is not None:
            request_decide(request=request, actor=coordinator, approve=approve, reason="" if approve else "Too old.")
        requests.append(request)
    return {"degree": degree, "coordinator": coordinator, "requests": requests, "programme": programme}


def test_the_register_as_csv(client, register, django_assert_max_num_queries):
    client.force_login(register["coordinator"])

    with django_assert_max_num_queries(10):
        response = client.get(reverse("recognition:register_export", args=[register["degree"].pk, "csv"]))
        text = b"".join(response.streaming_content).decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Submitted", "Name", "E-mail"]
    assert len(rows) == 4
    by_email = {row[2]: row for row in rows[1:]}
    approved = by_email["learner1@example.mn"]
    assert approved[7] == "approved" and approved[11] == "6.0" and approved[8] == register["coordinator"].full_name
    assert approved[5].endswith("(version 1)") and "M1" in approved[4]
    assert "AI foundations (erdem, valid)" in approved[6] and "(external, valid)" in approved[6]
    rejected = by_email["learner2@example.mn"]
    assert rejected[7] == "rejected" and rejected[10] == "Too old." and rejected[11] == ""
    assert by_email["learner3@example.mn"][7] == "waiting for a decision"


def test_the_register_as_excel(client, register):
    client.force_login(register["coordinator"])

    response = client.get(reverse("recognition:register_export", args=[register["degree"].pk, "xlsx"]))

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "Recognition register"
    assert sheet.max_row == 4 and sheet.cell(1, 12).value == "Credits"
    rows = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    approved = rows["learner1@example.mn"]
    assert approved[11] == 6 and isinstance(approved[11], int | float)  # a number, not the text "6.0"
    assert isinstance(approved[0], dt.datetime) and isinstance(approved[9], dt.datetime)
    assert approved[0].second == 0 and approved[9] >= approved[0]
    assert rows["learner3@example.mn"][9] is None and rows["learner3@example.mn"][11] is None


def test_only_the_office_and_coordinators_export(client, register):
    url = reverse("recognition:register_export", args=[register["degree"].pk, "csv"])
    assert client.get(url).status_code == 302
    for person in (
        register["requests"][0].person,
        person_with_role(Role.NATIONAL_ADMIN, programme=register["programme"]),
        person_with_role(Role.COORDINATOR, programme=register["programme"]),
    ):
        client.force_login(person)
        assert client.get(url).status_code == 403
    office_member = make_person(institution=register["degree"].institution)
    register["degree"].office.add(office_member)
    client.force_login(office_member)
    assert client.get(url).status_code == 200
    assert client.get(reverse("recognition:register_export", args=[register["degree"].pk, "pdf"])).status_code == 404
