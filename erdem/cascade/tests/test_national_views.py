"""The national centre's cascade pages: who may open them, appointing (with and without prerequisites, from
a gap region), ending a mentor's term, deciding nominations, what the ministry sees, and query counts.

`national_world()`: one programme with a national admin, a ministry viewer, a coordinator and an educator;
a master teacher who trained a regional trainer for Ulaanbaatar (MN-1), who trained two educators.
"""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import RoleAssignmentFactory, person_with_role
from erdem.cascade.models import Appointment, LineageNode, MentorAssignment, MentoringSession, Nomination, Tier
from erdem.cascade.services import lineage_attach, mentor_assign, nomination_create, session_log
from erdem.cascade.tests.factories import appoint
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

OVERVIEW_QUERIES = 17  # session, person, programme, grants, reach (3), tiers, regions (6), growth, terms, nominations
REGIONS_QUERIES = 10  # session, person, programme, grants, the region table (6)


def _educator(programme: Any, trainer: Person, institution: Any, name: str) -> Person:
    person = make_person(institution=institution, given_name=name, email=f"{name.lower()}@example.mn")
    RoleAssignmentFactory(person=person, role=Role.EDUCATOR, programme=programme)
    lineage_attach(programme=programme, person=person, trainer=trainer, source=LineageNode.Source.WORKSHOP)
    return person


def national_world() -> SimpleNamespace:
    programme = ProgrammeFactory(starts_on=dt.date(2030, 1, 1))  # the current programme: it started last
    ub = InstitutionFactory(region=region("MN-1"))
    people = {
        role: person_with_role(role, programme=programme, preferred_language="en")
        for role in (Role.NATIONAL_ADMIN, Role.MINISTRY_VIEWER, Role.COORDINATOR, Role.EDUCATOR)
    }
    master = appoint(
        programme=programme, tier=Tier.MASTER_TEACHER, person=make_person(institution=ub, given_name="Masterteacher")
    ).person
    trainer = appoint(
        programme=programme,
        person=make_person(institution=ub, given_name="Regionaltrainer"),
        trained_by=master,
        regions=[region("MN-1")],
    ).person
    trainees = [_educator(programme, trainer, ub, name) for name in ("Traineeone", "Traineetwo")]
    # Two aimags with teachers and no trainer: the gaps (the other regions have no teachers in the programme).
    for code in ("MN-046", "MN-073"):
        far = InstitutionFactory(region=region(code))
        RoleAssignmentFactory(
            person=make_person(institution=far, given_name="Farteacher"), role=Role.EDUCATOR, programme=programme
        )
    return SimpleNamespace(
        programme=programme,
        ub=ub,
        admin=people[Role.NATIONAL_ADMIN],
        viewer=people[Role.MINISTRY_VIEWER],
        coordinator=people[Role.COORDINATOR],
        educator=people[Role.EDUCATOR],
        master=master,
        trainer=trainer,
        trainees=trainees,
    )


def _client(person: Person | None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


# --- who may open what ---------------------------------------------------------------------------------------


NATIONAL_PAGES = ["cascade:appointments", "cascade:appointment_create", "cascade:nominations"]


def test_national_admins_open_every_page():
    world = national_world()
    client = _client(world.admin)
    appointment = Appointment.objects.get(person=world.trainer)
    for name, args in [
        *[(page, []) for page in ("cascade:overview", "cascade:regions", *NATIONAL_PAGES)],
        ("cascade:appointment_detail", [appointment.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_the_ministry_viewer_is_sent_to_the_regions_and_refused_everything_else():
    world = national_world()
    nomination = nomination_create(
        programme=world.programme, nominee=world.trainees[0], nominated_by=world.trainer, statement="Ready."
    )
    appointment = Appointment.objects.get(person=world.trainer)
    client = _client(world.viewer)
    response = client.get(reverse("cascade:overview"))
    assert response.status_code == 302 and response["Location"] == reverse("cascade:regions")
    assert client.get(reverse("cascade:regions")).status_code == 200
    for name in NATIONAL_PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    # Another programme's objects are not found, as for an unknown id: their existence is not told.
    assert client.get(reverse("cascade:appointment_detail", args=[appointment.pk])).status_code == 404
    assert client.get(reverse("cascade:nomination_detail", args=[nomination.pk])).status_code == 404
    assert (
        client.post(reverse("cascade:nomination_detail", args=[nomination.pk]), {"decision": "approve"}).status_code
        == 404
    )
    assert Nomination.objects.get().status == Nomination.Status.PENDING


@pytest.mark.parametrize("who", ["coordinator", "educator", "master", "trainer"])
def test_coordinators_educators_and_trainers_are_refused(who):
    world = national_world()
    client = _client(getattr(world, who))
    for name in ("cascade:overview", "cascade:regions", *NATIONAL_PAGES):
        assert client.get(reverse(name)).status_code == 403, name


def test_anonymous_visitors_are_asked_to_log_in():
    national_world()
    for name in ("cascade:overview", "cascade:regions", *NATIONAL_PAGES):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("people:login")), name


# --- the overview and the regions ------------------------------------------------------------------------------


def test_the_overview_shows_the_master_teachers_reach_and_the_gaps():
    world = national_world()
    html = _client(world.admin).get(reverse("cascade:overview")).content.decode()
    assert reverse("cascade:trainer", args=[world.master.pk]) in html
    assert world.master.full_name in html
    assert "2 regions have no active trainer" in html
    assert f"{reverse('cascade:appointment_create')}?region=MN-073" in html
    assert f'{reverse("cascade:appointment_create")}?region=MN-1"' not in html  # Ulaanbaatar has its trainer


def test_the_ministry_never_sees_names_and_small_counts_are_hidden():
    world = national_world()
    html = _client(world.viewer).get(reverse("cascade:regions")).content.decode()
    everyone = Person.objects.exclude(pk=world.viewer.pk)
    assert everyone.count() >= 7
    for person in everyone:
        for text in (person.full_name, person.email, person.given_name, person.full_name_latin):
            assert text not in html, text
    assert "&lt;5" in html  # two educators reached in Ulaanbaatar, one trainer
    assert "Appoint a trainer here" not in html
    admin_html = _client(world.admin).get(reverse("cascade:regions")).content.decode()
    assert "Appoint a trainer here" in admin_html and "&lt;5" not in admin_html


def test_the_region_table_sorts_without_javascript_and_ignores_unknown_keys():
    world = national_world()
    client = _client(world.admin)
    html = client.get(reverse("cascade:regions"), {"sort": "-reached"}).content.decode()
    body = html.split("<tbody>")[1]
    assert body.index("Ulaanbaatar") < body.index("Arkhangai")
    assert 'aria-sort="descending"' in html
    assert client.get(reverse("cascade:regions"), {"sort": "'; drop"}).status_code == 200


def _grow(world: SimpleNamespace, count: int) -> None:
    """More of everything the overview and the region table read: trainers, regions, educators, nominations."""
    for index in range(count):
        code = ("MN-073", "MN-071", "MN-069", "MN-067", "MN-065")[index % 5]
        institution = InstitutionFactory(region=region(code))
        trainer = appoint(
            programme=world.programme,
            person=make_person(institution=institution),
            trained_by=world.master,
            regions=[region(code)],
            term_ends_on=timezone.localdate() + dt.timedelta(days=20),
        ).person
        for number in range(3):
            _educator(world.programme, trainer, institution, f"Grown{index}x{number}")
        nomination_create(
            programme=world.programme, nominee=make_person(), nominated_by=trainer, statement="Ready to train."
        )


@pytest.mark.parametrize("page, limit", [("cascade:overview", OVERVIEW_QUERIES), ("cascade:regions", REGIONS_QUERIES)])
def test_query_counts_are_bounded_whatever_the_size(page, limit, django_assert_max_num_queries):
    world = national_world()
    client = _client(world.admin)
    client.get(reverse(page))  # sessions and caches warmed

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(page)).status_code == 200
        return len(queries)

    small = count()
    _grow(world, 8)
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(page)).status_code == 200
    assert count() == small


def test_the_ministrys_regions_page_reads_as_few_queries(django_assert_max_num_queries):
    world = national_world()
    client = _client(world.viewer)
    client.get(reverse("cascade:regions"))
    _grow(world, 4)
    with django_assert_max_num_queries(REGIONS_QUERIES):
        assert client.get(reverse("cascade:regions")).status_code == 200


# --- appointing --------------------------------------------------------------------------------------------------


def _appointment_form(world: SimpleNamespace, person: Person, **fields: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = {
        "email": person.email.upper(),
        "tier": Tier.REGIONAL_TRAINER,
        "starts_on": today.isoformat(),
        "term_ends_on": (today + dt.timedelta(days=700)).isoformat(),
        "regions": ["MN-073"],
        "mentee_capacity": "8",
        "reason": "Leads the aimag's teachers.",
        "override_reason": "",
    }
    data.update(fields)
    return data


def test_appointing_without_prerequisites_is_refused_then_done_with_a_reason():
    world = national_world()
    client = _client(world.admin)
    nominee = world.trainees[0]
    url = reverse("cascade:appointment_create")
    checked = client.post(url, {**_appointment_form(world, nominee), "check": "1"})
    assert checked.status_code == 200 and "a micro-certificate of the programme" in checked.content.decode()
    assert "not met" in checked.content.decode()
    assert not Appointment.objects.filter(person=nominee).exists()

    refused = client.post(url, _appointment_form(world, nominee))
    html = refused.content.decode()
    assert refused.status_code == 200 and "The prerequisites are not met" in html
    assert "To appoint this person anyway" in html
    assert not Appointment.objects.filter(person=nominee).exists()

    done = client.post(url, _appointment_form(world, nominee, override_reason="The aimag has nobody else yet."))
    appointment = Appointment.objects.get(person=nominee)
    assert done.status_code == 302 and done["Location"] == reverse("cascade:appointment_detail", args=[appointment.pk])
    assert appointment.appointed_by == world.admin and list(appointment.regions.values_list("iso_code", flat=True)) == [
        "MN-073"
    ]
    assert appointment.prerequisites[-1] == {
        "requirement": "override",
        "label": "The aimag has nobody else yet.",
        "met": True,
    }
    page = client.get(done["Location"]).content.decode()
    assert "The aimag has nobody else yet." in page and "Arkhangai" in page


def test_appointing_someone_who_meets_the_prerequisites_needs_no_reason():
    world = national_world()
    nominee = world.trainees[1]
    credential_create(achievement=achievement_create(programme=world.programme), person=nominee)
    response = _client(world.admin).post(reverse("cascade:appointment_create"), _appointment_form(world, nominee))
    assert response.status_code == 302
    assert Appointment.objects.get(person=nominee).prerequisites[0]["met"] is True


def test_appointment_errors_are_shown_next_to_their_fields_in_the_users_language():
    world = national_world()
    world.admin.preferred_language = "mn"
    world.admin.save(update_fields=["preferred_language"])
    outsider = make_person()  # no role in the programme
    response = _client(world.admin).post(
        reverse("cascade:appointment_create"),
        _appointment_form(world, outsider, term_ends_on="2020-01-01", mentee_capacity="0"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"email", "term_ends_on", "mentee_capacity"}
    assert response.context["LANGUAGE_CODE"] == "mn"
    assert not Appointment.objects.filter(person=outsider).exists()


def test_the_gap_regions_link_opens_the_form_with_the_region_chosen():
    world = national_world()
    client = _client(world.admin)
    regions_html = client.get(reverse("cascade:regions")).content.decode()
    link = f"{reverse('cascade:appointment_create')}?region=MN-046"
    assert f'href="{link}"' in regions_html
    form = client.get(link).context["form"]
    assert form.initial["regions"] == ["MN-046"]
    assert 'value="MN-046" id="id_regions_' in client.get(link).content.decode().replace("checked ", "")
    html = client.get(link).content.decode()
    checked = [chunk for chunk in html.split("<input") if 'value="MN-046"' in chunk]
    assert checked and "checked" in checked[0]
    assert client.get(reverse("cascade:appointment_create"), {"region": "MN-999"}).status_code == 200


# --- ending a term ----------------------------------------------------------------------------------------------


def test_ending_a_mentors_term_with_mentees_is_refused_then_done_with_reassignment():
    world = national_world()
    mentor_appointment = appoint(
        programme=world.programme, tier=Tier.MENTOR, person=make_person(institution=world.ub, given_name="Oldmentor")
    )
    successor = appoint(
        programme=world.programme, tier=Tier.MENTOR, person=make_person(institution=world.ub, given_name="Newmentor")
    ).person
    mentee = world.trainees[0]
    pair = mentor_assign(programme=world.programme, mentor=mentor_appointment.person, mentee=mentee, actor=None)
    session_log(pair=pair, by=mentee, held_on=timezone.localdate(), mode="online", topics="Prompting")
    client = _client(world.admin)
    url = reverse("cascade:appointment_detail", args=[mentor_appointment.pk])

    page = client.get(url)
    assert f'name="reassign_{mentee.pk}"' in page.content.decode()
    assert "Newmentor" in page.content.decode()

    refused = client.post(url, {"reason": "Moved abroad."})
    html = refused.content.decode()
    assert refused.status_code == 200 and "choose a new mentor for each first" in html
    assert mentee.full_name in html.split("These mentees need a new mentor")[1]
    mentor_appointment.refresh_from_db()
    assert mentor_appointment.ended_at is None

    done = client.post(url, {"reason": "Moved abroad.", f"reassign_{mentee.pk}": str(successor.pk)})
    assert done.status_code == 302
    mentor_appointment.refresh_from_db()
    assert mentor_appointment.ended_at is not None and mentor_appointment.end_reason == "Moved abroad."
    assert MentorAssignment.objects.get(mentee=mentee, ended_at__isnull=True).mentor == successor
    assert MentoringSession.objects.filter(assignment=pair).count() == 1  # nothing lost
    assert "The term has ended." in client.get(url).content.decode()


def test_ending_a_term_needs_a_reason_and_refuses_an_unknown_mentor():
    world = national_world()
    appointment = Appointment.objects.get(person=world.trainer)
    client = _client(world.admin)
    url = reverse("cascade:appointment_detail", args=[appointment.pk])
    assert client.post(url, {"reason": "  "}).status_code == 200
    appointment.refresh_from_db()
    assert appointment.ended_at is None
    assert client.post(url, {"reason": "Term over early."}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.ended_at is not None and appointment.role_assignment.ended_at is not None


# --- nominations ----------------------------------------------------------------------------------------------


def test_approving_a_nomination_appoints_the_nominee_below_the_nominator():
    world = national_world()
    nominee = world.trainees[0]
    nomination = nomination_create(
        programme=world.programme, nominee=nominee, nominated_by=world.master, statement="Trains her faculty."
    )
    LineageNode.objects.filter(person=nominee).delete()  # not yet placed: the approval places them
    client = _client(world.admin)
    url = reverse("cascade:nomination_detail", args=[nomination.pk])
    page = client.get(url).content.decode()
    assert "a micro-certificate of the programme" in page and "not met" in page
    assert client.get(reverse("cascade:nominations")).content.decode().count(nominee.full_name) == 1

    refused = client.post(url, {"decision": "approve", "reason": ""})
    assert refused.status_code == 200 and "The prerequisites are not met" in refused.content.decode()
    end = (timezone.localdate() + dt.timedelta(days=500)).isoformat()
    done = client.post(
        url, {"decision": "approve", "term_ends_on": end, "override_reason": "Her certificate is being issued."}
    )
    appointment = Appointment.objects.get(person=nominee)
    assert done.status_code == 302 and done["Location"] == reverse("cascade:appointment_detail", args=[appointment.pk])
    assert appointment.nomination == nomination and appointment.term_ends_on.isoformat() == end
    node = LineageNode.objects.get(person=nominee)
    assert node.trainer == world.master and node.root == world.master and node.depth == 1
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.APPROVED and nomination.decided_by == world.admin


def test_declining_a_nomination_needs_a_reason():
    world = national_world()
    nomination = nomination_create(
        programme=world.programme, nominee=world.trainees[1], nominated_by=world.trainer, statement="Keen."
    )
    client = _client(world.admin)
    url = reverse("cascade:nomination_detail", args=[nomination.pk])
    refused = client.post(url, {"decision": "decline", "reason": " "})
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PENDING
    assert client.post(url, {"decision": "decline", "reason": "Too new to the programme."}).status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DECLINED
    assert nomination.decision_reason == "Too new to the programme."
    assert not Appointment.objects.filter(person=world.trainees[1]).exists()
    again = client.post(url, {"decision": "approve"})
    assert again.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DECLINED


def test_the_appointments_list_filters_by_tier_region_and_term_ending_soon():
    world = national_world()
    soon = appoint(
        programme=world.programme,
        person=make_person(given_name="Endingsoon"),
        regions=[region("MN-046")],
        term_ends_on=timezone.localdate() + dt.timedelta(days=10),
    )
    client = _client(world.admin)
    url = reverse("cascade:appointments")
    assert "Endingsoon" in client.get(url, {"ending_soon": "on"}).content.decode()
    assert "Regionaltrainer" not in client.get(url, {"ending_soon": "on"}).content.decode()
    by_region = client.get(url, {"region": "MN-046"}).content.decode()
    assert "Endingsoon" in by_region and "Masterteacher" not in by_region
    masters = client.get(url, {"tier": Tier.MASTER_TEACHER}).content.decode()
    assert "Masterteacher" in masters and "Endingsoon" not in masters
    assert "Endingsoon" in client.get(url, {"tier": "nonsense", "region": "MN-999"}).content.decode()
    soon.ended_at = timezone.now()
    soon.save(update_fields=["ended_at"])
    assert "Endingsoon" not in client.get(url).content.decode()
    assert "Endingsoon" in client.get(url, {"status": "ended"}).content.decode()


def test_the_navigation_leads_national_admins_to_the_overview_and_the_ministry_to_the_regions():
    world = national_world()
    admin_home = _client(world.admin).get(reverse("web:home")).content.decode()
    assert f'href="{reverse("cascade:overview")}"' in admin_home
    ministry_home = _client(world.viewer).get(reverse("web:home")).content.decode()
    assert f'href="{reverse("cascade:regions")}"' in ministry_home
    assert f'href="{reverse("cascade:overview")}"' not in ministry_home
    educator_home = _client(world.educator).get(reverse("web:home")).content.decode()
    assert reverse("cascade:regions") not in educator_home
