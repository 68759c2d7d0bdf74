import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.credentials.tests.factories import achievement_create
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.recognition.models import DegreeModule, DegreeProgramme, RecognitionRule
from erdem.recognition.tests.factories import degree_create, module_create, rule_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def coordinator(programme):
    return person_with_role(Role.COORDINATOR, programme=programme, preferred_language="en")


DEGREE = {
    "code": "med-tech",
    "name_mn": "Боловсролын технологийн магистр",
    "name_en": "Master's in Education Technology",
    "level": "master",
    "total_credits": "32",
    "description_mn": "",
    "description_en": "",
    "is_active": "on",
}


def test_a_coordinator_creates_a_degree_for_their_institution_only(client, coordinator):
    other: Any = InstitutionFactory()
    client.force_login(coordinator)

    refused = client.post(reverse("recognition:degrees"), {**DEGREE, "institution": other.pk})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()

    response = client.post(reverse("recognition:degrees"), {**DEGREE, "institution": coordinator.institution.pk})
    degree = DegreeProgramme.objects.get()
    assert response.status_code == 302 and degree.institution == coordinator.institution
    assert degree.total_credits == Decimal("32")

    again = client.post(reverse("recognition:degrees"), {**DEGREE, "institution": coordinator.institution.pk})
    assert again.status_code == 200 and "already has a degree programme with this code" in again.content.decode()


def test_who_reaches_the_degree_pages(client, programme, coordinator):
    degree = degree_create(institution=coordinator.institution)
    educator = person_with_role(Role.EDUCATOR, programme=programme)
    other_coordinator = person_with_role(Role.COORDINATOR, programme=programme)
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    office_member = make_person(institution=degree.institution)
    degree.office.add(office_member)
    urls = [
        reverse("recognition:degree", args=[degree.pk]),
        reverse("recognition:degree_edit", args=[degree.pk]),
        reverse("recognition:module_new", args=[degree.pk]),
        reverse("recognition:rule_new", args=[degree.pk]),
    ]

    for url in [*urls, reverse("recognition:degrees")]:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    for person, expected in (
        (educator, 403),
        (other_coordinator, 403),
        (coordinator, 200),
        (admin, 200),
        (office_member, 200),
    ):
        client.force_login(person)
        assert [client.get(url).status_code for url in urls] == [expected] * 4, person
    client.force_login(educator)
    assert client.get(reverse("recognition:degrees")).status_code == 403
    assert client.post(reverse("recognition:degrees"), DEGREE).status_code == 403
    client.force_login(coordinator)
    assert client.get(reverse("recognition:degree", args=[999999])).status_code == 404


def test_modules_add_up_against_the_total(client, coordinator):
    degree = degree_create(institution=coordinator.institution, total_credits=Decimal("32"))
    client.force_login(coordinator)

    response = client.post(
        reverse("recognition:module_new", args=[degree.pk]),
        {"code": "M1", "name_mn": "Модуль", "name_en": "Module", "credits": "6", "position": "1"},
    )
    assert response.status_code == 302
    module_create(degree=degree, code="M2", credits="20")
    duplicate = client.post(
        reverse("recognition:module_new", args=[degree.pk]),
        {"code": "M1", "name_mn": "Модуль", "name_en": "Module", "credits": "6", "position": "1"},
    )
    assert "already has a module with this code" in duplicate.content.decode()

    page = client.get(reverse("recognition:degree", args=[degree.pk])).content.decode()
    assert "Required modules: 26 credits; electives offered: 0 credits." in page
    assert "The required modules alone" not in page and "recognition-total-over" not in page


def test_electives_offered_are_not_added_to_the_required_modules(client, coordinator):
    """The demo's master's: 26 credits of required modules, three electives of 3 offered, 32 in all."""
    degree = degree_create(institution=coordinator.institution, total_credits=Decimal("32"))
    for code, credits in (("R1", "20"), ("R2", "6")):
        module_create(degree=degree, code=code, credits=credits)
    for code in ("E1", "E2", "E3"):
        module_create(degree=degree, code=code, credits="3", is_elective=True)
    client.force_login(coordinator)
    url = reverse("recognition:degree", args=[degree.pk])

    page = client.get(url).content.decode()
    assert "Required modules: 26 credits; electives offered: 9 credits." in page
    assert "35 of 32" not in page and "add up to 35" not in page and "recognition-total-over" not in page

    module_create(degree=degree, code="R3", credits="7")
    page = client.get(url).content.decode()
    assert "The required modules alone are worth 33 credits, more than the programme's 32" in page
    assert "recognition-total-over" in page


MODULE = {"code": "M1", "name_mn": "Модуль", "name_en": "Module", "credits": "6", "position": "1"}


@pytest.mark.parametrize("credits", ["-2", "0"])
def test_a_module_is_worth_more_than_nothing(client, coordinator, credits):
    degree = degree_create(institution=coordinator.institution)
    client.force_login(coordinator)

    response = client.post(reverse("recognition:module_new", args=[degree.pk]), {**MODULE, "credits": credits})

    body = response.content.decode()
    assert response.status_code == 200 and "A module is worth more than 0 credits." in body
    assert 'value="Module"' in body  # what was typed stays
    assert not DegreeModule.objects.exists()


def test_a_module_is_worth_at_least_what_its_rules_grant(client, coordinator):
    degree = degree_create(institution=coordinator.institution)
    module = module_create(degree=degree, credits="6")
    rule_create(degree=degree, module=module, credits=Decimal("6"))
    client.force_login(coordinator)

    response = client.post(
        reverse("recognition:module_edit", args=[degree.pk, module.pk]), {**MODULE, "code": module.code, "credits": "3"}
    )

    assert response.status_code == 200 and "grants 6 credits for this module" in response.content.decode()
    module.refresh_from_db()
    assert module.credits == Decimal("6")


@pytest.mark.parametrize("total", ["0", "-5"])
def test_a_programme_has_more_than_nothing(client, coordinator, total):
    degree = degree_create(institution=coordinator.institution)
    client.force_login(coordinator)

    created = client.post(
        reverse("recognition:degrees"),
        {**DEGREE, "code": "new", "total_credits": total, "institution": degree.institution.pk},
    )
    edited = client.post(reverse("recognition:degree_edit", args=[degree.pk]), {**DEGREE, "total_credits": total})

    for response in (created, edited):
        assert response.status_code == 200
        assert "A degree programme has more than 0 credits" in response.content.decode()
    assert DegreeProgramme.objects.get().total_credits == Decimal("32")


def test_the_database_refuses_what_the_forms_refuse(coordinator):
    from django.db import IntegrityError, transaction

    degree = degree_create(institution=coordinator.institution)
    with pytest.raises(IntegrityError), transaction.atomic():
        module_create(degree=degree, credits="-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        DegreeProgramme.objects.filter(pk=degree.pk).update(total_credits=0)


def test_the_services_refuse_bad_numbers_too(coordinator):
    from erdem.recognition.services import RecognitionError, degree_update, module_save, rule_save

    degree = degree_create(institution=coordinator.institution)
    module = module_create(degree=degree, credits="3")
    with pytest.raises(RecognitionError) as refused:
        degree_update(degree=degree, actor=coordinator, total_credits=Decimal("0"))
    assert refused.value.field == "total_credits"
    with pytest.raises(RecognitionError) as refused:
        module_save(degree=degree, actor=coordinator, module=module, credits=Decimal("-1"))
    assert refused.value.field == "credits"
    values: dict[str, Any] = {
        "module": module,
        "name_mn": "Дүрэм",
        "name_en": "Rule",
        "credits": Decimal("10"),
        "valid_from": dt.date(2026, 1, 1),
        "approved_by": coordinator,
    }
    for changes, field in (
        ({}, "credits"),
        ({"credits": Decimal("0")}, "credits"),
        ({"credits": Decimal("3"), "valid_to": dt.date(2025, 1, 1)}, "valid_to"),
        ({"credits": Decimal("3"), "approved_by": make_person()}, "approved_by"),
        ({"credits": Decimal("3"), "external_count": 1, "external_issuers": "javascript:alert(1)"}, "external_issuers"),
    ):
        with pytest.raises(RecognitionError) as refused:
            rule_save(degree=degree, actor=coordinator, achievements=[], **{**values, **changes})
        assert refused.value.field == field, changes
    assert not RecognitionRule.objects.exists()


def test_a_rule_is_created_and_an_edit_raises_its_version(client, programme, coordinator):
    degree = degree_create(institution=coordinator.institution)
    module = module_create(degree=degree)
    achievements = [achievement_create(programme=programme, code=f"AI-{n}") for n in (1, 2, 3)]
    client.force_login(coordinator)
    values = {
        "module": module.pk,
        "name_mn": "Гурван бичил гэрчилгээ",
        "name_en": "Three micro-certificates",
        "credits": "6",
        "achievements": [a.pk for a in achievements],
        "external_count": "0",
        "external_issuers": "",
        "valid_from": "2026-01-01",
        "valid_to": "",
        "approved_by_email": coordinator.email,
        "approval_reference": "Council decision 12",
    }

    assert client.post(reverse("recognition:rule_new", args=[degree.pk]), values).status_code == 302
    rule = RecognitionRule.objects.get()
    assert rule.version == 1 and rule.approved_by == coordinator and rule.achievements.count() == 3
    page = client.get(reverse("recognition:degree", args=[degree.pk])).content.decode()
    assert "All of these erdem credentials" in page

    edit = reverse("recognition:rule_edit", args=[degree.pk, rule.pk])
    assert client.post(edit, values).status_code == 302
    rule.refresh_from_db()
    assert rule.version == 1  # nothing changed
    assert client.post(edit, {**values, "credits": "5"}).status_code == 302
    rule.refresh_from_db()
    assert rule.version == 2 and rule.credits == Decimal("5")
    assert "This is version 2." in client.get(edit).content.decode()


def test_a_rule_form_with_mistakes_is_shown_again(client, coordinator):
    degree = degree_create(institution=coordinator.institution)
    module_create(degree=degree)
    other_module = module_create(degree=degree_create(code="other"))
    client.force_login(coordinator)

    response = client.post(
        reverse("recognition:rule_new", args=[degree.pk]),
        {
            "module": other_module.pk,
            "name_mn": "Дүрэм",
            "name_en": "Typed rule",
            "credits": "6",
            "external_count": "1",
            "external_issuers": "",
            "valid_from": "2026-06-01",
            "valid_to": "2026-01-01",
            "approved_by_email": "nobody@example.mn",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200 and "Nothing was saved" in body
    assert "Typed rule" in body
    assert "Nobody has this e-mail address on erdem." in body
    assert "Name at least one accepted issuer" in body
    assert "Select a valid choice" in body  # a module of another programme
    assert not RecognitionRule.objects.exists()


def rule_values(module: Any, coordinator: Any, **changes: Any) -> dict[str, Any]:
    values = {
        "module": module.pk,
        "name_mn": "Дүрэм",
        "name_en": "Typed rule",
        "credits": "3",
        "external_count": "1",
        "external_issuers": "did:web:academy.example.org",
        "valid_from": "2026-01-01",
        "valid_to": "",
        "approved_by_email": coordinator.email,
        "approval_reference": "",
    }
    values.update(changes)
    return values


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"credits": "10"}, "credits", "A rule grants at most what its module is worth: 3 credits."),
        ({"credits": "0"}, "credits", "A rule grants more than 0 credits."),
        ({"credits": "-1"}, "credits", "A rule grants more than 0 credits."),
        ({"valid_to": "2025-12-31"}, "valid_to", "The rule cannot end before it starts."),
        ({"external_issuers": "not a did"}, "external_issuers", "“not a did” is not an issuer identifier"),
        ({"external_issuers": "javascript:alert(1)"}, "external_issuers", "“javascript:alert(1)” is not an issuer"),
        ({"external_issuers": "http://academy.example.org"}, "external_issuers", "is not an issuer identifier"),
    ],
)
def test_a_rule_with_wrong_values_is_refused_next_to_the_field(client, coordinator, changes, field, message):
    degree = degree_create(institution=coordinator.institution)
    module = module_create(degree=degree, credits="3")
    client.force_login(coordinator)

    response = client.post(
        reverse("recognition:rule_new", args=[degree.pk]), rule_values(module, coordinator, **changes)
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field] and message in " ".join(form.errors[field])
    body = response.content.decode()
    assert "recognition_rule" not in body and "Typed rule" in body
    assert not RecognitionRule.objects.exists()


def test_accepted_issuers_are_dids_or_https_addresses(client, coordinator):
    degree = degree_create(institution=coordinator.institution)
    module = module_create(degree=degree, credits="3")
    client.force_login(coordinator)
    issuers = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\nhttps://academy.example.org/issuer\n"

    response = client.post(
        reverse("recognition:rule_new", args=[degree.pk]), rule_values(module, coordinator, external_issuers=issuers)
    )

    assert response.status_code == 302
    assert RecognitionRule.objects.get().external_issuers == issuers.strip()


def test_the_approver_decides_for_the_programme(client, programme, coordinator):
    degree = degree_create(institution=coordinator.institution)
    module = module_create(degree=degree, credits="3")
    educator = person_with_role(Role.EDUCATOR, programme=programme, institution=degree.institution)
    office_member = make_person(institution=degree.institution)
    degree.office.add(office_member)
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    client.force_login(coordinator)
    url = reverse("recognition:rule_new", args=[degree.pk])

    refused = client.post(url, rule_values(module, coordinator, approved_by_email=educator.email))
    assert refused.status_code == 200
    assert "cannot approve this programme" in " ".join(refused.context["form"].errors["approved_by_email"])
    assert "a coordinator of the degree" in refused.content.decode()  # the help text says who may
    for approver in (office_member, admin, coordinator):
        response = client.post(
            url, rule_values(module, coordinator, approved_by_email=approver.email, name_en=approver.email)
        )
        assert response.status_code == 302, approver
    assert {rule.approved_by for rule in RecognitionRule.objects.all()} == {office_member, admin, coordinator}


def test_a_rule_naming_its_module_says_it_once(client, coordinator):
    degree = degree_create(institution=coordinator.institution)
    module = module_create(degree=degree, code="EDT611", credits="3", name_en="Elective: Leading", is_elective=True)
    rule_create(degree=degree, module=module, credits=Decimal("3"), name_en="Trainer certification → Elective: Leading")
    client.force_login(coordinator)

    page = client.get(reverse("recognition:degree", args=[degree.pk])).content.decode()

    assert page.count("Elective: Leading") == 2  # the modules table and the rule's name


def test_the_order_of_a_module_is_a_display_order(client, coordinator):
    from django.utils import translation

    degree = degree_create(institution=coordinator.institution)
    client.force_login(coordinator)
    page = client.get(reverse("recognition:module_new", args=[degree.pk])).content.decode()
    assert "Display order" in page
    with translation.override("mn"):
        from erdem.recognition.forms import ModuleForm

        assert str(ModuleForm().fields["position"].label) != "Албан тушаал"


def test_the_office_is_chosen_among_the_institutions_people(client, coordinator):
    degree = degree_create(institution=coordinator.institution)
    colleague = make_person(institution=degree.institution)
    stranger = make_person()
    client.force_login(coordinator)
    url = reverse("recognition:degree", args=[degree.pk])

    refused = client.post(url, {"action": "office_add", "email": stranger.email})
    assert refused.status_code == 200 and "Nobody at this institution" in refused.content.decode()
    assert client.post(url, {"action": "office_add", "email": colleague.email.upper()}).status_code == 302
    assert list(degree.office.all()) == [colleague]
    assert client.post(url, {"action": "office_remove", "person": colleague.pk}).status_code == 302
    assert not degree.office.exists()


def test_the_degrees_list_has_a_bounded_number_of_queries(client, programme, django_assert_max_num_queries):
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    for n in range(5):
        degree = degree_create(code=f"d{n}")
        rule_create(degree=degree, valid_from=dt.date(2026, 1, 1))
    client.force_login(admin)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("recognition:degrees"))

    assert response.status_code == 200
    assert DegreeModule.objects.count() == 5
