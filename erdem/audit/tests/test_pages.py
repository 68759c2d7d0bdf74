"""The audit log page and its export: who may read it, the filters, the bounded queries, the audited export,
and the admin's read-only view."""

import csv
import datetime as dt
import io
from typing import Any, cast

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.audit.models import AuditAction, AuditEvent
from erdem.audit.services import audit_record
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.web.selectors import navigation_for

pytestmark = pytest.mark.django_db

LIST = reverse("audit:list")


@pytest.fixture
def programme() -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def admin(programme: Programme) -> Person:
    return cast(Person, person_with_role(Role.NATIONAL_ADMIN, programme=programme, preferred_language="en"))


@pytest.fixture
def log(admin: Person) -> dict[str, Any]:
    """Three events: a revocation about Saraa, a role granted to Bold (since deleted), an old export."""
    saraa = make_person(given_name="Сараа", given_name_latin="Saraa", email="saraa@num.edu.mn")
    bold = make_person(given_name="Болд", given_name_latin="Bold", email="bold@num.edu.mn")
    revoke = audit_record(
        action=AuditAction.CREDENTIAL_REVOKE,
        actor=admin,
        subject=saraa,
        target="credentials.credential:7",
        summary="Credential revoke: active to revoked",
        details={"reason": "Plagiarism found.", "before": "active", "after": "revoked"},
    )
    grant = audit_record(
        action=AuditAction.ROLE_GRANT,
        actor=admin,
        subject=bold,
        target="access.roleassignment:12",
        summary="Role trainer granted",
        details={"role": "trainer", "region": None},
    )
    export = audit_record(
        action=AuditAction.DATA_EXPORT,
        actor=admin,
        target="organisations.institution:3",
        summary="Exported institution staff (40 rows, csv)",
        details={"table": "institution staff", "rows": 40, "filters": {"q": "Бат"}},
        at=timezone.now() - dt.timedelta(days=40),
    )
    bold_id = bold.pk
    bold.delete()
    return {"saraa": saraa, "bold_id": bold_id, "revoke": revoke, "grant": grant, "export": export}


def _as(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _shown(response: Any) -> list[str]:
    """The targets of the rows on the page, in order."""
    return [row.event.target for row in response.context["rows"]]


# --- who may read it ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["audit:list", "audit:export"])
def test_anonymous_visitors_are_sent_to_log_in(client: Client, name: str) -> None:
    url = reverse(name, args=["csv"] if name == "audit:export" else [])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:login"))


@pytest.mark.parametrize(
    "role", [Role.EDUCATOR, Role.COORDINATOR, Role.MASTER_TEACHER, Role.TRAINER, Role.MENTOR, Role.MINISTRY_VIEWER]
)
def test_everyone_but_national_admins_is_refused(client: Client, programme: Programme, role: str) -> None:
    person = person_with_role(role, programme=programme)
    _as(client, person)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("audit:export", args=["csv"])).status_code == 403
    assert not AuditEvent.objects.exists()  # a refused export records nothing


def test_a_national_admin_of_another_programme_is_refused(client: Client, programme: Programme) -> None:
    other = person_with_role(Role.NATIONAL_ADMIN, programme=ProgrammeFactory(is_active=False))
    assert _as(client, other).get(LIST).status_code == 403


def test_national_admins_and_superusers_read_it(client: Client, admin: Person, log: dict[str, Any]) -> None:
    assert _as(client, admin).get(LIST).status_code == 200
    superuser = make_person(is_superuser=True, is_staff=True)
    response = _as(Client(), superuser).get(LIST)
    assert response.status_code == 200 and len(_shown(response)) == 3


def test_the_navigation_shows_it_to_national_admins_and_superusers_only(programme: Programme, admin: Person) -> None:
    def labels(person: Any) -> list[str]:
        return [str(item["label"]) for item in navigation_for(person)]

    assert "Audit log" in labels(admin)
    assert "Audit log" in labels(make_person(is_superuser=True))
    assert "Audit log" not in labels(person_with_role(Role.COORDINATOR, programme=programme))
    assert labels(AnonymousUser()) == []


# --- what it shows --------------------------------------------------------------------------------------------


def test_newest_first_with_people_named_linked_or_said_deleted(
    client: Client, admin: Person, log: dict[str, Any]
) -> None:
    response = _as(client, admin).get(LIST)
    assert _shown(response) == ["access.roleassignment:12", "credentials.credential:7", "organisations.institution:3"]
    html = response.content.decode()
    assert f"deleted person #{log['bold_id']}" in html
    assert f'href="{LIST}?subject=saraa%40num.edu.mn"' in html
    assert "Credential revoked" in html  # the action's label, in the reader's language
    assert '<span class="key">reason:</span> Plagiarism found.' in html
    assert '<span class="key">region:</span> —' in html
    local = log["revoke"].at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert local.strftime("%Y-%m-%d %H:%M") in html  # Ulaanbaatar time, UTC+8


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": AuditAction.CREDENTIAL_REVOKE}, ["credentials.credential:7"]),
        ({"subject": "Saraa"}, ["credentials.credential:7"]),
        ({"subject": "saraa@num"}, ["credentials.credential:7"]),
        ({"actor": "nobody-such"}, []),
        ({"target": "roleassignment"}, ["access.roleassignment:12"]),
        ({"date_to": (timezone.now() - dt.timedelta(days=30)).date().isoformat()}, ["organisations.institution:3"]),
        (
            {"date_from": (timezone.now() - dt.timedelta(days=1)).date().isoformat()},
            ["access.roleassignment:12", "credentials.credential:7"],
        ),
    ],
)
def test_the_filters(client: Client, admin: Person, log: dict[str, Any], query: dict[str, str], expected: list[str]):
    response = _as(client, admin).get(LIST, query)
    assert response.status_code == 200 and _shown(response) == expected


def test_the_actor_filter_searches_names(client: Client, admin: Person, log: dict[str, Any]) -> None:
    response = _as(client, admin).get(LIST, {"actor": admin.given_name_latin})
    assert len(_shown(response)) == 3


def test_invalid_filters_are_said_and_narrow_nothing(client: Client, admin: Person, log: dict[str, Any]) -> None:
    response = _as(client, admin).get(LIST, {"date_from": "2026-11-30", "date_to": "2026-11-01"})
    assert response.status_code == 400
    assert "The end date must not be before the start date." in response.content.decode()


def test_pages_are_bounded(client: Client, admin: Person) -> None:
    for number in range(51):
        audit_record(action=AuditAction.SECURITY, target=f"people.person:{number}", summary="Sign-in refused")
    _as(client, admin)
    first, second = client.get(LIST), client.get(LIST, {"page": "2"})
    assert (len(_shown(first)), len(_shown(second))) == (50, 1)
    assert _shown(client.get(LIST, {"page": "999999"})) == _shown(second)  # past the end: the last page
    assert _shown(client.get(LIST, {"page": "x"})) == _shown(first)


def test_the_number_of_queries_does_not_grow_with_the_rows(
    client: Client, admin: Person, django_assert_max_num_queries: Any
) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            audit_record(action=AuditAction.ROLE_GRANT, actor=admin, subject=make_person(), summary="Role granted")

    _as(client, admin)
    add(2)
    client.get(LIST)  # the session and the language, read once
    with django_assert_max_num_queries(10) as few:
        client.get(LIST)
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(_shown(response)) == 32


# --- the export -----------------------------------------------------------------------------------------------


def test_the_export_holds_the_filtered_rows_and_is_itself_recorded(
    client: Client, admin: Person, log: dict[str, Any]
) -> None:
    response = _as(client, admin).get(reverse("audit:export", args=["csv"]), {"subject": "saraa", "page": "2"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Time (Ulaanbaatar)", "Action", "By (id)"]
    assert len(rows) == 2
    assert rows[1][1:3] == ["Credential revoked", str(admin.pk)]
    assert "saraa@num.edu.mn" in rows[1] and "reason: Plagiarism found." in rows[1][10]
    recorded = AuditEvent.objects.filter(action=AuditAction.DATA_EXPORT).exclude(pk=log["export"].pk).get()
    assert recorded.actor_id == admin.pk
    assert recorded.details == {"table": "audit log", "rows": 1, "format": "csv", "filters": {"subject": "saraa"}}


def test_the_export_as_excel_names_deleted_people(client: Client, admin: Person, log: dict[str, Any]) -> None:
    response = _as(client, admin).get(reverse("audit:export", args=["xlsx"]), {"target": "roleassignment"})
    sheet = load_workbook(io.BytesIO(_body(response))).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(values) == 2 and values[1][6] == f"deleted person #{log['bold_id']}"


def test_an_unknown_format_is_not_found(client: Client, admin: Person) -> None:
    assert _as(client, admin).get(reverse("audit:export", args=["pdf"])).status_code == 404
    assert not AuditEvent.objects.exists()


# --- the admin ------------------------------------------------------------------------------------------------


def test_the_admin_lists_and_shows_events_but_changes_nothing(client: Client, log: dict[str, Any]) -> None:
    superuser = make_person(is_superuser=True, is_staff=True, preferred_language="en")
    _as(client, superuser)
    changelist = client.get(reverse("admin:audit_auditevent_changelist"))
    assert changelist.status_code == 200
    assert f"deleted person #{log['bold_id']}" in changelist.content.decode()
    detail = client.get(reverse("admin:audit_auditevent_change", args=[log["grant"].pk]))
    assert detail.status_code == 200 and f"deleted person #{log['bold_id']}" in detail.content.decode()
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[log["grant"].pk])).status_code == 403
    client.post(reverse("admin:audit_auditevent_change", args=[log["grant"].pk]), {"summary": "changed"})
    assert AuditEvent.objects.get(pk=log["grant"].pk).summary == "Role trainer granted"
