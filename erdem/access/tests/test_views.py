import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.access.tests.factories import RoleAssignmentFactory, person_with_role
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.tests.factories import PersonFactory, make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

EN = {"preferred_language": "en"}


@pytest.fixture
def programme() -> Any:
    return ProgrammeFactory(name_en="AI for teaching", name_mn="Заах арга ба AI")


@pytest.fixture
def admin(programme: Any) -> Any:
    return person_with_role(
        Role.NATIONAL_ADMIN, programme=programme, family_name="Дорж", given_name="Оюун", email="oyun@erdem.mn", **EN
    )


@pytest.fixture
def admin_client(client: Client, admin: Any) -> Client:
    client.force_login(admin)
    return client


@pytest.fixture
def educator_assignment(programme: Any) -> RoleAssignment:
    person = person_with_role(Role.EDUCATOR, programme=programme, family_name="Бат", given_name="Туяа", **EN)
    return RoleAssignment.objects.get(person=person)


def list_url(**params: Any) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("access:list") + (f"?{query}" if query else "")


# Who may see the pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["access:list", "access:assign", "access:end"])
def test_pages_per_role(client: Client, programme: Any, admin: Any, educator_assignment: RoleAssignment, page: str):
    url = reverse(page, args=[educator_assignment.pk]) if page == "access:end" else reverse(page)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("people:login"))

    refused = [
        educator_assignment.person,
        person_with_role(Role.COORDINATOR, programme=programme),
        person_with_role(Role.MINISTRY_VIEWER, programme=programme),
        person_with_role(Role.TRAINER, programme=programme),
        person_with_role(Role.MASTER_TEACHER, programme=programme),
    ]
    for person in refused:
        client.force_login(person)
        assert client.get(url).status_code == 403, person.role_assignments.get().role
        assert client.post(url).status_code == 403

    client.force_login(admin)
    assert client.get(url).status_code == 200

    admin_elsewhere = person_with_role(Role.NATIONAL_ADMIN, programme=ProgrammeFactory())
    client.force_login(admin_elsewhere)
    assert client.get(url).status_code == (404 if page == "access:end" else 200)


def test_admin_of_another_programme_neither_sees_nor_ends_these_roles(
    client: Client, programme: Any, educator_assignment: RoleAssignment
) -> None:
    client.force_login(person_with_role(Role.NATIONAL_ADMIN, programme=ProgrammeFactory(), **EN))

    listed = client.get(list_url(programme=programme.pk))
    ended = client.post(reverse("access:end", args=[educator_assignment.pk]))

    assert educator_assignment.person.email not in listed.content.decode()
    assert ended.status_code == 404
    educator_assignment.refresh_from_db()
    assert educator_assignment.ended_at is None


def test_superuser_manages_every_programme(client: Client, educator_assignment: RoleAssignment) -> None:
    ProgrammeFactory(starts_on=datetime.date(2020, 1, 1))
    client.force_login(PersonFactory(is_superuser=True, **EN))

    listed = client.get(list_url(programme=educator_assignment.programme_id))

    assert listed.status_code == 200
    assert educator_assignment.person.email in listed.content.decode()


# The list ----------------------------------------------------------------------------------------------------


def test_list_shows_each_holder_with_scope_and_grantor(
    admin_client: Client, programme: Any, admin: Any, educator_assignment: RoleAssignment
) -> None:
    institution = InstitutionFactory(short_name_en="NUM", short_name_mn="МУИС")
    coordinator = person_with_role(Role.COORDINATOR, programme=programme, institution=institution)
    RoleAssignment.objects.filter(person=coordinator).update(granted_by=admin)
    person_with_role(Role.TRAINER, programme=programme, region=region("MN-041"))
    ended = person_with_role(Role.MENTOR, programme=programme)
    RoleAssignment.objects.filter(person=ended).update(ended_at=datetime.datetime.now(tz=datetime.UTC))

    page = admin_client.get(reverse("access:list"))

    html = page.content.decode()
    assert "Current role holders of AI for teaching" in html
    assert "4 current roles" in html
    assert "Бат Туяа" in html and educator_assignment.person.full_name_latin in html
    assert coordinator.email in html and "institution coordinator" in html
    assert ">NUM<" in html
    assert region("MN-041").name_en in html
    assert "whole programme" in html
    assert admin.full_name in html  # granted by
    assert ended.email not in html
    assert reverse("access:end", args=[educator_assignment.pk]) in html


def test_list_filters(admin_client: Client, programme: Any) -> None:
    num: Any = InstitutionFactory(region=region("MN-1"))
    darkhan = InstitutionFactory(region=region("MN-037"))
    coordinator = person_with_role(Role.COORDINATOR, programme=programme, institution=num, email="coord@num.mn")
    educator = person_with_role(Role.EDUCATOR, programme=programme, institution=darkhan, email="tuya@darkhan.mn")
    trainer = person_with_role(
        Role.TRAINER, programme=programme, region=region("MN-037"), email="trainer@num.mn", institution=num
    )
    everyone = {coordinator.email, educator.email, trainer.email}

    def shown(**params: Any) -> set[str]:
        html = admin_client.get(list_url(**params)).content.decode()
        return {email for email in everyone if email in html}

    assert shown() == everyone
    assert shown(role=Role.TRAINER) == {trainer.email}
    assert shown(institution=num.pk) == {coordinator.email, trainer.email}
    assert shown(region=region("MN-037").pk) == {educator.email, trainer.email}
    assert shown(q="darkhan") == {educator.email}
    assert shown(q=coordinator.family_name_latin, role=Role.COORDINATOR) == {coordinator.email}
    assert shown(region="nonsense", role="emperor") == everyone  # a stale link shows everything, not an error


def test_admin_of_several_programmes_chooses_one(client: Client, educator_assignment: RoleAssignment) -> None:
    older = educator_assignment.programme
    older.starts_on = datetime.date(2023, 9, 1)
    older.save(update_fields=["starts_on"])
    newer = ProgrammeFactory(starts_on=datetime.date(2025, 9, 1), name_en="Newer programme")
    closed = ProgrammeFactory(starts_on=datetime.date(2026, 9, 1), is_active=False)
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=older, **EN)
    for other in (newer, closed):
        RoleAssignmentFactory(person=admin, role=Role.NATIONAL_ADMIN, programme=other)
    client.force_login(admin)

    default = client.get(reverse("access:list")).content.decode()
    chosen = client.get(list_url(programme=older.pk)).content.decode()

    assert 'name="programme"' in default
    assert "Current role holders of Newer programme" in default
    assert educator_assignment.person.email not in default
    assert educator_assignment.person.email in chosen


def test_list_pages_by_fifty(admin_client: Client, programme: Any) -> None:
    for _ in range(55):
        person_with_role(Role.EDUCATOR, programme=programme)

    first = admin_client.get(list_url(role=Role.EDUCATOR)).content.decode()
    second = admin_client.get(list_url(role=Role.EDUCATOR, page=2)).content.decode()

    assert first.count("/end/?next=") == 50
    assert second.count("/end/?next=") == 5
    assert "Page 1 of 2" in first
    assert "?role=educator&amp;page=2" in first


@pytest.mark.parametrize("rows", [3, 60])
def test_list_queries_do_not_grow_with_rows(
    admin_client: Client, programme: Any, admin: Any, rows: int, django_assert_max_num_queries: Any
) -> None:
    for _ in range(rows):
        person = person_with_role(Role.TRAINER, programme=programme, region=region("MN-041"))
        RoleAssignment.objects.filter(person=person).update(granted_by=admin, institution=person.institution)
    RoleAssignmentFactory(person=admin, role=Role.NATIONAL_ADMIN, programme=ProgrammeFactory())
    url = list_url(programme=programme.pk, q="Batbold", region=region("MN-041").pk, role=Role.TRAINER)

    with django_assert_max_num_queries(12):
        response = admin_client.get(url)

    assert response.content.decode().count("/end/?next=") == min(rows, 50)


def test_list_in_mongolian(client: Client, programme: Any, educator_assignment: RoleAssignment) -> None:
    client.force_login(person_with_role(Role.NATIONAL_ADMIN, programme=programme, preferred_language="mn"))

    html = client.get(reverse("access:list")).content.decode()

    assert '<html lang="mn">' in html
    assert "<h1>Үүрэг</h1>" in html
    assert "Заах арга ба AI: одоо үүрэг хүлээж буй хүмүүс" in html
    assert "үндэсний админ" in html and ">багш<" in html
    assert "Үүрэг олгох" in html
    assert timezone.localtime(educator_assignment.granted_at).strftime("%Y.%m.%d") in html


# Assigning ---------------------------------------------------------------------------------------------------


def assign(client: Client, **data: Any) -> Any:
    return client.post(reverse("access:assign"), data, follow=True)


def test_assign_a_role(admin_client: Client, programme: Any, admin: Any) -> None:
    person = PersonFactory(email="Saraa@num.edu.mn", family_name="Бат", given_name="Сараа")

    response = assign(admin_client, email=" saraa@NUM.edu.mn ", role=Role.TRAINER, region=region("MN-041").pk)

    assert response.redirect_chain == [(reverse("access:list"), 302)]
    assert "Бат Сараа now holds the role “trainer”." in response.content.decode()
    assignment = RoleAssignment.objects.get(person=person)
    assert (assignment.role, assignment.programme, assignment.region, assignment.institution) == (
        Role.TRAINER,
        programme,
        region("MN-041"),
        None,
    )
    assert assignment.granted_by == admin


def test_assign_form_offers_roles_institutions_and_regions(admin_client: Client) -> None:
    InstitutionFactory(name_en="Mongolian University of Science and Technology")

    html = admin_client.get(reverse("access:assign")).content.decode()

    assert 'name="email"' in html and 'name="programme"' not in html
    assert '<option value="master_teacher">master teacher</option>' in html
    assert "Mongolian University of Science and Technology" in html
    assert "Required for an institution coordinator." in html


def test_assign_to_the_chosen_programme(client: Client, programme: Any) -> None:
    newer = ProgrammeFactory(starts_on=datetime.date(2025, 9, 1))
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme, **EN)
    RoleAssignmentFactory(person=admin, role=Role.NATIONAL_ADMIN, programme=newer)
    person = PersonFactory()
    client.force_login(admin)

    form = client.get(reverse("access:assign") + f"?programme={programme.pk}").content.decode()
    response = client.post(
        reverse("access:assign"), {"programme": programme.pk, "email": person.email, "role": Role.MENTOR}
    )
    other: Any = ProgrammeFactory()
    elsewhere = client.post(
        reverse("access:assign"), {"programme": other.pk, "email": person.email, "role": Role.MENTOR}
    )

    assert f'<option value="{programme.pk}" selected>' in form
    assert response["Location"] == f"{reverse('access:list')}?programme={programme.pk}"
    assert RoleAssignment.objects.get(person=person).programme == programme
    assert elsewhere.status_code == 200 and "Select a valid choice" in elsewhere.content.decode()


def test_assign_duplicate_is_a_form_error(admin_client: Client, educator_assignment: RoleAssignment) -> None:
    person = educator_assignment.person

    response = assign(admin_client, email=person.email, role=Role.EDUCATOR)

    assert response.redirect_chain == []
    assert "Бат Туяа already holds the role “educator” in this programme and scope." in response.content.decode()
    assert RoleAssignment.objects.filter(person=person).count() == 1


def test_coordinator_needs_an_institution(admin_client: Client) -> None:
    person = make_person()

    response = assign(admin_client, email=person.email, role=Role.COORDINATOR)

    assert response.context["form"].errors["institution"] == ["A coordinator must be assigned to an institution."]
    assert not RoleAssignment.objects.filter(person=person).exists()
    assign(admin_client, email=person.email, role=Role.COORDINATOR, institution=person.institution_id)
    assert RoleAssignment.objects.get(person=person).institution_id == person.institution_id


def test_unknown_email_is_a_form_error(admin_client: Client) -> None:
    response = assign(admin_client, email="nobody@example.mn", role=Role.MENTOR)

    assert response.context["form"].errors["email"] == [
        "Nobody has an account with the e-mail address nobody@example.mn."
    ]
    assert not RoleAssignment.objects.filter(role=Role.MENTOR).exists()


def test_assign_errors_in_mongolian(client: Client, programme: Any, educator_assignment: RoleAssignment) -> None:
    client.force_login(person_with_role(Role.NATIONAL_ADMIN, programme=programme, preferred_language="mn"))

    duplicate = assign(client, email=educator_assignment.person.email, role=Role.EDUCATOR).content.decode()
    coordinator = assign(client, email=educator_assignment.person.email, role=Role.COORDINATOR).content.decode()

    assert "Бат Туяа энэ хөтөлбөр, хамрах хүрээнд “багш” үүрэгтэй болсон байна." in duplicate
    assert "Зохицуулагчийг заавал нэг байгууллагад томилно." in coordinator


# Ending ------------------------------------------------------------------------------------------------------


def test_end_asks_then_ends_and_keeps_the_row(admin_client: Client, educator_assignment: RoleAssignment) -> None:
    url = reverse("access:end", args=[educator_assignment.pk])
    back = list_url(role=Role.EDUCATOR)

    confirm = admin_client.get(f"{url}?next={back.replace('?', '%3F').replace('=', '%3D')}").content.decode()
    response = admin_client.post(url, {"next": back}, follow=True)

    assert "Do you want to end the role “educator” of Бат Туяа?" in confirm
    assert f'<input type="hidden" name="next" value="{back}">' in confirm
    assert educator_assignment.person.email in confirm
    assert response.redirect_chain == [(back, 302)]
    assert "Бат Туяа no longer holds the role “educator”." in response.content.decode()
    educator_assignment.refresh_from_db()
    assert educator_assignment.ended_at is not None
    assert educator_assignment.person.email not in response.content.decode().split("</ul>", 2)[-1]


def test_ending_twice_says_so(admin_client: Client, educator_assignment: RoleAssignment) -> None:
    url = reverse("access:end", args=[educator_assignment.pk])
    admin_client.post(url)
    ended_at = RoleAssignment.objects.get(pk=educator_assignment.pk).ended_at

    again = admin_client.post(url, follow=True)
    page = admin_client.get(url)

    assert "This role assignment has already ended." in again.content.decode()
    assert RoleAssignment.objects.get(pk=educator_assignment.pk).ended_at == ended_at
    assert "This role assignment has already ended." in page.content.decode()
    assert "End the role</button>" not in page.content.decode()


def test_end_returns_only_to_this_site(admin_client: Client, educator_assignment: RoleAssignment) -> None:
    url = reverse("access:end", args=[educator_assignment.pk])

    response = admin_client.post(url, {"next": "https://evil.example/"})

    assert response["Location"] == reverse("access:list")


def test_ending_ones_own_admin_role_warns(admin_client: Client, admin: Any) -> None:
    own = RoleAssignment.objects.get(person=admin)

    page = admin_client.get(reverse("access:end", args=[own.pk])).content.decode()

    assert "This is your own role." in page


def test_end_of_unknown_assignment_is_not_found(admin_client: Client) -> None:
    assert admin_client.get(reverse("access:end", args=[999999])).status_code == 404
