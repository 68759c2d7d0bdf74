"""The national teacher qualification standards: the default framework, editing and alignments by the
national centre, and a person's standards map evidenced by credentials and portfolio entries."""

import pytest
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.credentials.services import credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.portfolio.models import Entry
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.recognition.models import QualificationLevel, QualificationStandard, StandardDescriptor
from erdem.recognition.standard_selectors import standards_map
from erdem.recognition.standard_services import (
    StandardError,
    alignment_set,
    descriptor_save,
    level_save,
    standards_default_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def admin(programme):
    return person_with_role(Role.NATIONAL_ADMIN, programme=programme, preferred_language="en")


@pytest.fixture
def educator(programme):
    return person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en")


@pytest.fixture
def framework(programme):
    standards_default_create(programme=programme)
    return programme


def descriptor(programme, standard_code: str, level_code: str) -> StandardDescriptor:
    return StandardDescriptor.objects.get(
        standard__programme=programme, standard__code=standard_code, level__code=level_code
    )


def entry_create(person, title: str, *descriptors: StandardDescriptor) -> Entry:
    entry = Entry.objects.create(person=person, kind=Entry.Kind.CLASSROOM_USE, title=title)
    entry.descriptors.set(descriptors)
    return entry


def test_the_default_framework_has_three_levels_six_standards_and_every_descriptor_in_both_languages(programme):
    standards_default_create(programme=programme)
    levels = list(QualificationLevel.objects.filter(programme=programme).values_list("name_en", flat=True))
    assert levels == ["Beginning teacher", "Proficient teacher", "Leading teacher"]
    assert QualificationStandard.objects.filter(programme=programme).count() == 6
    assert QualificationStandard.objects.filter(programme=programme, name_en__icontains="AI").exists()
    descriptors = StandardDescriptor.objects.filter(standard__programme=programme)
    assert descriptors.count() == 18
    assert not descriptors.filter(text_mn="").exists() and not descriptors.filter(text_en="").exists()
    standards_default_create(programme=programme)  # loading again adds nothing
    assert StandardDescriptor.objects.filter(standard__programme=programme).count() == 18


def test_the_map_is_evidenced_by_aligned_active_credentials_and_tagged_entries(framework, educator):
    ai_beginning, ai_proficient = descriptor(framework, "S5", "L1"), descriptor(framework, "S5", "L2")
    digital = descriptor(framework, "S4", "L2")
    micro = achievement_create(programme=framework, code="AI-101")
    revoked_one = achievement_create(programme=framework, code="DIGI-201")
    alignment_set(descriptor=ai_beginning, achievements=[micro])
    alignment_set(descriptor=digital, achievements=[revoked_one])
    credential = credential_create(achievement=micro, person=educator)
    revoked = credential_create(achievement=revoked_one, person=educator)
    credential_revoke(credential=revoked, actor=None, reason="Issued in error.")
    entry = entry_create(educator, "Chatbot tutor in my statistics course", ai_proficient)
    entry_create(make_person(), "Someone else's entry", digital)

    result = standards_map(person=educator, programme=framework)

    cells = {(row.standard.code, cell.level.code): cell for row in result.rows for cell in row.cells}
    assert cells[("S5", "L1")].evidenced and cells[("S5", "L1")].credentials == [credential]
    assert cells[("S5", "L2")].evidenced and cells[("S5", "L2")].entries == [entry]
    assert not cells[("S4", "L2")].evidenced  # revoked credential, another person's entry
    assert result.evidenced_count == 2 and result.descriptor_count == 18
    ai_row = next(row for row in result.rows if row.standard.code == "S5")
    assert ai_row.highest_level is not None and ai_row.highest_level.code == "L2"


def test_the_map_reads_a_fixed_number_of_queries(framework, educator, django_assert_num_queries):
    for number, cell in enumerate(StandardDescriptor.objects.filter(standard__programme=framework)[:6]):
        achievement = achievement_create(programme=framework, code=f"A-{number}")
        alignment_set(descriptor=cell, achievements=[achievement])
        credential_create(achievement=achievement, person=educator)
        entry_create(educator, f"Entry {number}", cell)
    with django_assert_num_queries(6):
        result = standards_map(person=educator, programme=framework)
    assert result.evidenced_count == 6


def test_bad_edits_are_refused(framework):
    level = QualificationLevel.objects.get(programme=framework, code="L1")
    with pytest.raises(StandardError, match="Another level has this code") as refused:
        level_save(programme=framework, code="L2", name_mn="Нэр", name_en="Name")
    assert refused.value.field == "code"
    with pytest.raises(StandardError, match="in English"):
        level_save(programme=framework, level=level, code="L1", name_mn="Нэр", name_en=" ")
    standard = QualificationStandard.objects.get(programme=framework, code="S1")
    with pytest.raises(StandardError, match="in Mongolian"):
        descriptor_save(standard=standard, level=level, text_mn="", text_en="Text")
    outsider = achievement_create(programme=ProgrammeFactory(), code="OTHER")
    with pytest.raises(StandardError, match="Only achievements of the programme"):
        alignment_set(descriptor=descriptor(framework, "S1", "L1"), achievements=[outsider])


# --- pages -----------------------------------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, framework):
    standard = QualificationStandard.objects.get(programme=framework, code="S1")
    level = QualificationLevel.objects.get(programme=framework, code="L1")
    for url in (
        reverse("recognition:standards"),
        reverse("recognition:standards_map"),
        reverse("recognition:alignments"),
        reverse("recognition:standard_edit", args=[standard.pk]),
        reverse("recognition:level_edit", args=[level.pk]),
        reverse("recognition:descriptor_edit", args=[standard.pk, level.pk]),
    ):
        assert client.get(url).status_code == 302
    client.post(reverse("recognition:standard_edit", args=[standard.pk]), {"code": "X", "name_mn": "X", "name_en": "X"})
    standard.refresh_from_db()
    assert standard.code == "S1"


def test_everyone_signed_in_reads_the_grid_only_admins_edit(client, framework, educator):
    standard = QualificationStandard.objects.get(programme=framework, code="S5")
    level = QualificationLevel.objects.get(programme=framework, code="L2")
    client.force_login(educator)
    page = client.get(reverse("recognition:standards"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Responsible use of AI in teaching" in text
    assert "editable framework that the national centre updates" in text
    assert reverse("recognition:standard_edit", args=[standard.pk]) not in text
    for url in (
        reverse("recognition:standard_new"),
        reverse("recognition:standard_edit", args=[standard.pk]),
        reverse("recognition:level_new"),
        reverse("recognition:level_edit", args=[level.pk]),
        reverse("recognition:descriptor_edit", args=[standard.pk, level.pk]),
        reverse("recognition:alignments"),
    ):
        assert client.get(url).status_code == 403
    response = client.post(
        reverse("recognition:descriptor_edit", args=[standard.pk, level.pk]), {"text_mn": "Х", "text_en": "X"}
    )
    assert response.status_code == 403
    assert descriptor(framework, "S5", "L2").text_en != "X"


def test_an_admin_edits_a_descriptor_and_aligns_achievements(client, framework, admin):
    standard = QualificationStandard.objects.get(programme=framework, code="S5")
    level = QualificationLevel.objects.get(programme=framework, code="L2")
    micro = achievement_create(programme=framework, code="AI-101")
    client.force_login(admin)
    url = reverse("recognition:descriptor_edit", args=[standard.pk, level.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"text_mn": "Шинэ тайлбар", "text_en": "New wording", "achievements": [micro.pk]})
    assert response.status_code == 302
    saved = descriptor(framework, "S5", "L2")
    assert saved.text_en == "New wording" and list(saved.achievements.all()) == [micro]
    alignments = client.get(reverse("recognition:alignments"))
    assert alignments.status_code == 200 and "S5/L2" in alignments.content.decode()

    refused = client.post(url, {"text_mn": "", "text_en": "Only English"})
    assert refused.status_code == 200 and "Only English" in refused.content.decode()
    assert descriptor(framework, "S5", "L2").text_en == "New wording"


def test_an_admin_adds_a_standard_and_a_duplicate_code_is_refused(client, framework, admin):
    client.force_login(admin)
    values = {"code": "S7", "name_mn": "Судалгаа", "name_en": "Research-informed teaching", "position": 7}
    assert client.post(reverse("recognition:standard_new"), values).status_code == 302
    assert QualificationStandard.objects.filter(programme=framework, code="S7").exists()
    again = client.post(reverse("recognition:standard_new"), values)
    assert again.status_code == 200 and "Another standard has this code." in again.content.decode()
    level = QualificationLevel.objects.get(programme=framework, code="L3")
    changed = {"code": "L3", "name_mn": "Тэргүүлэх багш", "name_en": "Leading teacher", "position": 3}
    assert client.post(reverse("recognition:level_edit", args=[level.pk]), changed).status_code == 302
    level.refresh_from_db()
    assert level.name_mn == "Тэргүүлэх багш"


def test_my_map_page_shows_my_evidence_in_bounded_queries(client, framework, educator, django_assert_max_num_queries):
    cell = descriptor(framework, "S5", "L1")
    micro = achievement_create(programme=framework, code="AI-101")
    alignment_set(descriptor=cell, achievements=[micro])
    credential_create(achievement=micro, person=educator)
    entry_create(educator, "Chatbot tutor in my statistics course", cell, descriptor(framework, "S2", "L1"))
    client.force_login(educator)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("recognition:standards_map"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 of 18 descriptors evidenced." in text
    assert "Chatbot tutor in my statistics course" in text
    assert "Foundations of AI in Education" in text


def test_the_grid_page_reads_a_bounded_number_of_queries(client, framework, admin, django_assert_max_num_queries):
    for number, cell in enumerate(StandardDescriptor.objects.filter(standard__programme=framework)):
        alignment_set(descriptor=cell, achievements=[achievement_create(programme=framework, code=f"A-{number}")])
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("recognition:standards")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("recognition:alignments")).status_code == 200


def test_the_grid_and_the_alignments_name_the_achievements(client, framework, admin):
    achievement = achievement_create(programme=framework, code="AI-101-MC", name_en="AI foundations")
    alignment_set(descriptor=descriptor(framework, "S1", "L1"), achievements=[achievement])
    client.force_login(admin)

    grid = client.get(reverse("recognition:standards")).content.decode()
    alignments = client.get(reverse("recognition:alignments")).content.decode()

    assert "AI foundations (AI-101-MC)" in grid
    assert alignments.count("AI foundations") == 2  # by descriptor and by achievement


def test_the_order_of_a_standard_or_level_is_a_display_order(client, framework, admin):
    from django.utils import translation

    from erdem.recognition.standard_forms import FrameworkPartForm

    client.force_login(admin)
    assert "Display order" in client.get(reverse("recognition:standard_new")).content.decode()
    with translation.override("mn"):
        assert str(FrameworkPartForm().fields["position"].label) != "Албан тушаал"
