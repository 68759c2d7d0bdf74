from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Model

from erdem.access.models import Role, RoleAssignment
from erdem.cascade.models import Appointment, LineageNode, MentorAssignment, Nomination
from erdem.credentials.demo import REVOCATIONS
from erdem.credentials.models import Achievement, AchievementRule, Credential, CredentialEvent
from erdem.demo import services
from erdem.demo.names import FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, transliterate
from erdem.demo.services import DEMO_PASSWORD, DemoSize, demo_load
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.portfolio.models import CareerReview, Endorsement, Entry, Portfolio
from erdem.programmes.models import Programme
from erdem.recognition.models import (
    DegreeModule,
    DegreeProgramme,
    Pathway,
    PathwayMilestone,
    PathwayStep,
    QualificationLevel,
    QualificationStandard,
    RecognitionRequest,
    RecognitionRule,
    RequestCredential,
    StandardDescriptor,
)

pytestmark = pytest.mark.django_db

SMALL = {"educators": 60, "institutions": 5}


def roles() -> Counter[str]:
    return Counter(RoleAssignment.objects.values_list("role", flat=True))


def registered_roles() -> Counter[str]:
    """Roles held by registered people (e-mail address confirmed), computed from the records."""
    registered = RoleAssignment.objects.filter(person__email_confirmed_at__isnull=False)
    return Counter(registered.values_list("role", flat=True))


def people_snapshot() -> list[tuple[str, ...]]:
    return list(
        Person.objects.order_by("email").values_list(
            "email", "family_name", "given_name", "given_name_latin", "institution__code", "discipline"
        )
    )


def demo_delete() -> None:
    # Recognition and portfolio rows protect the credentials, achievements, people and institutions they name.
    protecting: tuple[type[Model], ...] = (
        CareerReview,
        Endorsement,
        Entry,
        Portfolio,
        RequestCredential,
        RecognitionRequest,
        RecognitionRule,
        DegreeModule,
        DegreeProgramme,
        PathwayMilestone,
        PathwayStep,
        Pathway,
        StandardDescriptor,
        QualificationStandard,
        QualificationLevel,
    )
    for model in protecting:
        model._default_manager.all().delete()
    # The credential audit log refuses delete(); starting the demo over is the one exception.
    CredentialEvent.objects.all()._raw_delete(CredentialEvent.objects.db)
    Credential.objects.all().delete()
    AchievementRule.objects.all().delete()  # a stacked credential's rules protect the achievements they name
    Achievement.objects.all().delete()
    # The cascade's rows protect the people and roles they name.
    MentorAssignment.objects.all().delete()
    Appointment.objects.all().delete()
    Nomination.objects.all().delete()
    LineageNode.objects.all().delete()
    RoleAssignment.objects.all().delete()
    Person.objects.all().delete()
    Programme.objects.all().delete()
    Institution.objects.all().delete()


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [("Батболд", "Batbold"), ("Сарангэрэл", "Sarangerel"), ("Өлзий", "Ulzii"), ("Үүрцайх", "Uurtsaikh"),
     ("Бат-Эрдэнэ", "Bat-Erdene"), ("Цэвээндорж", "Tseveendorj"), ("Ёндон", "Yondon")],
)  # fmt: skip
def test_names_are_transliterated_the_mns_5217_way(cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic) == latin


def test_name_lists_are_large_and_distinct() -> None:
    assert len(set(MALE_GIVEN_NAMES)) == len(MALE_GIVEN_NAMES) >= 120
    assert len(set(FEMALE_GIVEN_NAMES)) == len(FEMALE_GIVEN_NAMES) >= 120
    assert not set(MALE_GIVEN_NAMES) & set(FEMALE_GIVEN_NAMES)


def test_small_demo_has_the_expected_people_and_roles() -> None:
    result = demo_load(**SMALL)

    size = DemoSize(**SMALL)
    assert result.loaded
    assert Programme.objects.count() == 1
    assert Institution.objects.count() == 5
    assert size.invited == 1
    assert registered_roles() == {
        Role.EDUCATOR: 60,
        Role.COORDINATOR: 5,
        Role.MASTER_TEACHER: size.master_teachers,
        Role.TRAINER: size.trainers,
        Role.MENTOR: size.mentors,
        Role.NATIONAL_ADMIN: 2,
        Role.MINISTRY_VIEWER: 1,
    }
    assert roles()[Role.EDUCATOR] == 60 + size.invited  # the invited come in addition
    assert Person.objects.count() == 60 + size.invited + 2 + 1
    assert Person.objects.filter(email_confirmed_at=None).count() == size.invited == result.counts["invited"]
    assert result.counts[Role.EDUCATOR] == 60
    coordinators = RoleAssignment.objects.filter(role=Role.COORDINATOR)
    assert {c.institution_id for c in coordinators} == set(Institution.objects.values_list("pk", flat=True))
    assert all(c.person.institution_id == c.institution_id for c in coordinators)
    assert not RoleAssignment.objects.filter(role__in=[Role.MASTER_TEACHER, Role.TRAINER], region=None).exists()
    cascade = Person.objects.filter(role_assignments__role__in=[Role.MASTER_TEACHER, Role.TRAINER, Role.MENTOR])
    assert not cascade.exclude(role_assignments__role=Role.EDUCATOR).exists()
    # A small demo still spans the capital and regions.
    assert Institution.objects.values("region").distinct().count() >= 3


def test_every_demo_login_signs_in_with_the_demo_password_and_holds_its_role() -> None:
    result = demo_load(**SMALL)

    assert set(result.logins) == set(services.DEMO_LOGINS)
    for role, email in result.logins.items():
        assert email == f"{services.DEMO_LOGINS[Role(role)]}@demo.erdem.mn"
        person = authenticate(username=email, password=DEMO_PASSWORD)
        assert person is not None, email
        assert person.role_assignments.filter(role=role).exists()
    educator = Person.objects.get(email="educator@demo.erdem.mn")
    assert set(educator.role_assignments.values_list("role", flat=True)) == {Role.EDUCATOR}


def test_people_are_believable() -> None:
    demo_load(**SMALL)

    people = list(Person.objects.exclude(institution=None).select_related("institution"))
    emails = [person.email for person in people]
    assert len(set(emails)) == len(emails)
    assert all(person.family_name in MALE_GIVEN_NAMES for person in people)
    for person in people:
        if person.email.split("@")[0] in {"admin", "coordinator", "master", "trainer", "mentor", "educator"}:
            continue
        assert person.institution is not None
        assert person.email.endswith(f"@{person.institution.code}.demo.erdem.mn")
        assert person.email.startswith(transliterate(person.given_name).lower().replace("-", ""))
    assert all(person.consent_at and person.consent_version for person in people if person.email_confirmed_at)
    assert {person.gender for person in people} == {"female", "male"}


def test_same_seed_gives_the_same_programme_and_another_seed_does_not() -> None:
    demo_load(**SMALL, seed=7)
    first = people_snapshot()
    demo_delete()

    demo_load(**SMALL, seed=7)
    assert people_snapshot() == first
    demo_delete()

    demo_load(**SMALL, seed=8)
    assert people_snapshot() != first


def test_batches_do_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    demo_load(**SMALL)
    whole = people_snapshot()
    demo_delete()

    monkeypatch.setattr(services, "BATCH_SIZE", 7)
    demo_load(**SMALL)

    assert people_snapshot() == whole
    assert registered_roles()[Role.EDUCATOR] == 60


def test_if_empty_loads_once_and_then_leaves_the_database_alone() -> None:
    out = StringIO()
    call_command("demo_load", "--educators", "60", "--institutions", "5", "--if-empty", stdout=out)
    before = (Person.objects.count(), RoleAssignment.objects.count(), Institution.objects.count())
    assert "admin@demo.erdem.mn" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()

    again = StringIO()
    call_command("demo_load", "--educators", "60", "--institutions", "5", "--if-empty", stdout=again)

    assert (Person.objects.count(), RoleAssignment.objects.count(), Institution.objects.count()) == before
    assert "nothing loaded" in again.getvalue()
    assert "ministry@demo.erdem.mn" in again.getvalue()


def test_loading_twice_without_if_empty_is_an_error() -> None:
    call_command("demo_load", "--educators", "60", "--institutions", "5", stdout=StringIO())

    with pytest.raises(CommandError, match="already holds a programme"):
        call_command("demo_load", "--educators", "60", "--institutions", "5", stdout=StringIO())


def test_an_impossible_size_is_an_error() -> None:
    with pytest.raises(CommandError, match="at least"):
        call_command("demo_load", "--educators", "3", "--institutions", "5", stdout=StringIO())
    assert not Programme.objects.exists()


def test_default_size_mirrors_the_real_programme() -> None:
    size = DemoSize()
    assert (size.educators, size.institutions, size.master_teachers, size.trainers) == (2054, 38, 22, 100)

    result = demo_load()  # its time is measured by bench/, not here: machines are noisy
    # Exactly the real programme's 2,054 registered educators; the invited come in addition.
    registered_educators = Person.objects.filter(
        email_confirmed_at__isnull=False, role_assignments__role=Role.EDUCATOR, role_assignments__ended_at=None
    ).distinct()
    assert registered_educators.count() == 2054
    assert registered_roles()[Role.EDUCATOR] == 2054
    assert result.counts[Role.EDUCATOR] == 2054
    invited = Person.objects.filter(email_confirmed_at=None)
    assert invited.count() == result.counts["invited"] == roles()[Role.EDUCATOR] - 2054
    assert 0 < result.counts["invited"] < 60
    assert not invited.filter(role_assignments__role__in=[r for r in Role if r != Role.EDUCATOR]).exists()
    assert roles()[Role.MASTER_TEACHER] == 22
    assert roles()[Role.TRAINER] == 100
    assert roles()[Role.COORDINATOR] == 38
    assert roles()[Role.NATIONAL_ADMIN] == 2
    assert roles()[Role.MINISTRY_VIEWER] == 1
    by_region = Counter(Institution.objects.values_list("region__iso_code", flat=True))
    assert by_region["MN-1"] == 26
    assert by_region["MN-037"] >= 2
    assert by_region["MN-035"] >= 2
    assert len(by_region) >= 8
    # Every region with an institution has a master teacher and a trainer.
    for role in (Role.MASTER_TEACHER, Role.TRAINER):
        covered = set(RoleAssignment.objects.filter(role=role).values_list("region__iso_code", flat=True))
        assert covered == set(by_region)
    # Registrations peak in March and April 2025.
    months = Counter(
        (joined.year, joined.month)
        for joined in Person.objects.filter(role_assignments__role=Role.EDUCATOR).values_list("date_joined", flat=True)
    )
    assert min(months) >= (2024, 9)
    assert max(months) <= (2025, 6)
    assert (months[(2025, 3)] + months[(2025, 4)]) / 2054 > 0.35
    assert Person.objects.filter(preferred_language="mn").count() > 0.8 * Person.objects.count()
    # The programme's 580 certified educators hold an active micro-certificate; the few revoked or
    # suspended ones were issued in addition.
    issued = Credential.objects.filter(achievement__kind=Achievement.Kind.MICRO_CERTIFICATE)
    certified = issued.filter(status=Credential.Status.ACTIVE)
    assert certified.count() == result.counts["certified"] == 580
    assert issued.count() == result.counts["credentials_certified"] == 580 + len(REVOCATIONS) + 1


def test_roles_are_dated_like_the_programme() -> None:
    demo_load(**SMALL)

    assignments = RoleAssignment.objects.select_related("person")
    for assignment in assignments.filter(role=Role.EDUCATOR):
        assert assignment.granted_at == assignment.person.date_joined
    for role, appointed_on in services.APPOINTED_ON.items():
        dates = set(assignments.filter(role=role).values_list("granted_at", flat=True))
        assert dates == {appointed_on}, role
    for assignment in assignments.exclude(role=Role.EDUCATOR):
        # Appointed after registering, in summer or autumn 2024.
        assert assignment.person.date_joined < assignment.granted_at
        assert (2024, 8) <= (assignment.granted_at.year, assignment.granted_at.month) <= (2024, 11)
