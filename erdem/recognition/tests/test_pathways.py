"""Stackable pathways: the definition kept as the pathway credential's rules, automatic issuance when a
pathway is complete, a learner's progress, and who may see and define pathways."""

from typing import Any

import pytest
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.credentials.models import Achievement, AchievementRule, Credential
from erdem.credentials.services import credential_issue, credential_revoke, credentials_award_due
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.recognition.models import Pathway
from erdem.recognition.pathway_selectors import pathway_progress
from erdem.recognition.pathway_services import (
    MilestoneDefinition,
    PathwayDefinition,
    PathwayError,
    pathway_publish,
    pathway_save,
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
def steps(programme) -> dict[str, Achievement]:
    codes = ("AI-101", "AI-102", "EL-1", "EL-2", "EL-3")
    return {code: achievement_create(programme=programme, code=code) for code in codes}


@pytest.fixture
def credential(programme):
    return achievement_create(programme=programme, code="AI-PATHWAY", kind=Achievement.Kind.AWARD)


def definition(steps: dict[str, Achievement], credential: Achievement, **changes: Any) -> PathwayDefinition:
    values: dict[str, Any] = {
        "code": "ai-teacher",
        "name_mn": "Хиймэл оюунтай багшлах зам",
        "name_en": "Teaching with AI pathway",
        "achievement": credential,
        "required": [steps["AI-101"], steps["AI-102"]],
        "electives": [steps["EL-1"], steps["EL-2"], steps["EL-3"]],
        "electives_required": 2,
        "milestones": [
            MilestoneDefinition("Суурь", "Foundations", [steps["AI-101"]]),
            MilestoneDefinition("Гүнзгий", "In depth", [steps["AI-101"], steps["AI-102"]]),
        ],
    }
    values.update(changes)
    return PathwayDefinition(**values)


def pathway_create(programme, admin, steps, credential, *, published: bool = True, **changes: Any) -> Pathway:
    pathway = pathway_save(programme=programme, actor=admin, definition=definition(steps, credential, **changes))
    if published:
        pathway_publish(pathway=pathway, actor=admin, published=True)
    return pathway


# --- the definition and the credential's rules -------------------------------------------------------------------


def test_saving_writes_one_rule_per_required_step_and_one_for_the_electives(programme, admin, steps, credential):
    pathway = pathway_create(programme, admin, steps, credential, published=False)

    rules = list(credential.rules.order_by("position"))
    assert [(rule.kind, rule.required_achievement_id) for rule in rules[:2]] == [
        (AchievementRule.Kind.CREDENTIAL_HELD, steps["AI-101"].pk),
        (AchievementRule.Kind.CREDENTIAL_HELD, steps["AI-102"].pk),
    ]
    assert rules[2].kind == AchievementRule.Kind.CREDENTIALS_HELD_ANY and rules[2].threshold == 2
    assert {achievement.code for achievement in rules[2].any_of.all()} == {"EL-1", "EL-2", "EL-3"}
    assert len(rules) == 3
    assert [milestone.name_en for milestone in pathway.milestones.all()] == ["Foundations", "In depth"]

    # saving again replaces the rules; a rule the pathway does not keep stays
    AchievementRule.objects.create(achievement=credential, kind=AchievementRule.Kind.WORKSHOPS_ATTENDED, threshold=1)
    pathway_save(
        programme=programme,
        actor=admin,
        pathway=pathway,
        definition=definition(steps, credential, required=[steps["AI-101"]], electives_required=1, milestones=[]),
    )
    kinds = sorted(credential.rules.values_list("kind", flat=True))
    assert kinds == ["credential_held", "credentials_held_any", "workshops_attended"]
    assert credential.rules.get(kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY).threshold == 1
    assert pathway.steps.count() == 4


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"electives_required": 4}, "electives_required", "4 electives are needed but only 3 are listed"),
        ({"required": ["AI-101", "AI-PATHWAY"]}, "required", "cannot be one of its own steps"),
        ({"electives": ["EL-1", "AI-PATHWAY"], "electives_required": 1}, "electives", "cannot be one of its own"),
        ({"electives": ["EL-1", "AI-101"], "electives_required": 1}, "electives", "either required or elective"),
        ({"required": [], "electives_required": 0}, "required", "at least one required step"),
        ({"milestones": [MilestoneDefinition("М", "M", [])]}, "milestone_1", "Choose the steps of milestone 1"),
        ({"code": " "}, "code", "Give the pathway a code"),
    ],
)
def test_bad_definitions_are_refused_and_nothing_is_written(
    programme, admin, steps, credential, changes, field, message
):
    everything = {**steps, "AI-PATHWAY": credential}
    for name in ("required", "electives"):
        if name in changes:
            changes[name] = [everything[code] for code in changes[name]]
    with pytest.raises(PathwayError, match=message) as refused:
        pathway_save(programme=programme, actor=admin, definition=definition(steps, credential, **changes))
    assert refused.value.field == field
    assert not Pathway.objects.exists()
    assert not credential.rules.exists()


def test_a_milestone_outside_the_pathway_is_refused(programme, admin, steps, credential):
    outside = achievement_create(programme=programme, code="OUTSIDE")
    with pytest.raises(PathwayError, match="may only group steps of this pathway"):
        pathway_save(
            programme=programme,
            actor=admin,
            definition=definition(steps, credential, milestones=[MilestoneDefinition("Г", "Out", [outside])]),
        )


def test_a_loop_through_another_pathway_is_refused_and_the_old_rules_stay(programme, admin, steps, credential):
    first = pathway_create(programme, admin, steps, credential, published=False)
    second_credential = achievement_create(programme=programme, code="AI-MASTER", kind=Achievement.Kind.AWARD)
    pathway_save(
        programme=programme,
        actor=admin,
        definition=definition(
            steps,
            second_credential,
            code="master",
            required=[credential],
            electives=[],
            electives_required=0,
            milestones=[],
        ),
    )
    with pytest.raises(PathwayError, match="loop"):
        pathway_save(
            programme=programme,
            actor=admin,
            pathway=first,
            definition=definition(steps, credential, required=[steps["AI-101"], second_credential], milestones=[]),
        )
    assert credential.rules.count() == 3  # the refused save changed nothing


def test_another_pathways_credential_or_code_is_refused(programme, admin, steps, credential):
    pathway_create(programme, admin, steps, credential, published=False)
    with pytest.raises(PathwayError, match="already the credential of the pathway"):
        pathway_save(programme=programme, actor=admin, definition=definition(steps, credential, code="other"))
    other = achievement_create(programme=programme, code="OTHER-AWARD")
    with pytest.raises(PathwayError, match="has this code"):
        pathway_save(programme=programme, actor=admin, definition=definition(steps, other))


def test_publishing_needs_an_active_automatic_credential(programme, admin, steps, credential):
    credential.auto_issue = False
    credential.save(update_fields=["auto_issue"])
    pathway = pathway_create(programme, admin, steps, credential, published=False)
    with pytest.raises(PathwayError, match="active and issued automatically"):
        pathway_publish(pathway=pathway, actor=admin, published=True)
    pathway.refresh_from_db()
    assert not pathway.is_published


# --- automatic issuance and progress -------------------------------------------------------------------------------


def test_the_pathway_credential_is_issued_when_the_last_step_is_held(programme, admin, educator, steps, credential):
    pathway = pathway_create(programme, admin, steps, credential)
    for code in ("AI-101", "AI-102", "EL-3"):
        credential_create(achievement=steps[code], person=educator)
    assert credentials_award_due(person_id=educator.pk) == []
    assert not pathway_progress(pathway=pathway, person=educator).complete

    credential_create(achievement=steps["EL-1"], person=educator)
    issued = credentials_award_due(person_id=educator.pk)

    assert [item.achievement for item in issued] == [credential]
    progress = pathway_progress(pathway=pathway, person=educator)
    assert progress.complete and progress.credential_held
    assert progress.credential == issued[0]


def test_issuing_the_last_step_by_hand_issues_the_pathway_credential(
    programme, admin, educator, steps, credential, django_capture_on_commit_callbacks
):
    pathway_create(programme, admin, steps, credential)
    for code in ("AI-101", "AI-102", "EL-3"):
        credential_create(achievement=steps[code], person=educator)

    with django_capture_on_commit_callbacks(execute=True):
        credential_issue(
            achievement=steps["EL-1"],
            person=educator,
            method=Credential.Method.MANUAL,
            actor=admin,
            reason="Recognised prior learning",
            notify=False,
        )

    held = Credential.objects.get(person=educator, achievement=credential)
    assert held.status == Credential.Status.ACTIVE and held.method == Credential.Method.AUTOMATIC


def test_people_who_already_qualify_receive_it_when_the_pathway_is_saved(
    programme, admin, educator, steps, credential, django_capture_on_commit_callbacks
):
    for code in ("AI-101", "AI-102", "EL-1", "EL-2"):
        credential_create(achievement=steps[code], person=educator)
    with django_capture_on_commit_callbacks(execute=True):
        pathway_create(programme, admin, steps, credential, published=False)
    held = Credential.objects.get(person=educator, achievement=credential)
    assert held.status == Credential.Status.ACTIVE and held.method == Credential.Method.AUTOMATIC


def test_progress_counts_active_credentials_steps_electives_and_milestones(
    programme, admin, educator, steps, credential
):
    pathway = pathway_create(programme, admin, steps, credential)
    credential_create(achievement=steps["AI-101"], person=educator)
    for code in ("EL-1", "EL-2", "EL-3"):
        credential_create(achievement=steps[code], person=educator)
    revoked = credential_create(achievement=steps["AI-102"], person=educator)
    credential_revoke(credential=revoked, actor=admin, reason="Issued in error.")

    progress = pathway_progress(pathway=pathway, person=educator)

    assert (progress.required_done, progress.required_total) == (1, 2)
    assert (progress.electives_done, progress.electives_needed) == (3, 2)
    assert (progress.steps_done, progress.steps_needed, progress.percent) == (3, 4, 75)  # extra electives cap
    assert not progress.complete and not progress.credential_held
    assert [m.milestone.name_en for m in progress.milestones_reached] == ["Foundations"]
    assert [(m.done, m.total) for m in progress.milestones] == [(1, 1), (1, 2)]
    assert pathway_progress(pathway=pathway, person=make_person()).steps_done == 0


# --- pages -----------------------------------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, programme, admin, steps, credential):
    pathway = pathway_create(programme, admin, steps, credential)
    for url in (
        reverse("recognition:pathways"),
        reverse("recognition:pathway", args=[pathway.pk]),
        reverse("recognition:pathway_new"),
        reverse("recognition:pathway_edit", args=[pathway.pk]),
    ):
        assert client.get(url).status_code == 302
    assert client.post(reverse("recognition:pathway_edit", args=[pathway.pk]), {"publish": "0"}).status_code == 302
    assert Pathway.objects.get().is_published


def test_educators_see_published_pathways_with_their_progress_not_drafts(
    client, programme, admin, educator, steps, credential
):
    published = pathway_create(programme, admin, steps, credential)
    other = achievement_create(programme=programme, code="DRAFT-AWARD")
    draft = pathway_create(programme, admin, steps, other, code="draft-pathway", published=False)
    credential_create(achievement=steps["AI-101"], person=educator)
    client.force_login(educator)

    page = client.get(reverse("recognition:pathways"))
    assert page.status_code == 200
    assert "Teaching with AI pathway" in page.content.decode()
    assert "1 of 4 steps done" in page.content.decode()
    assert reverse("recognition:pathway", args=[draft.pk]) not in page.content.decode()
    assert reverse("recognition:pathway_new") not in page.content.decode()

    detail = client.get(reverse("recognition:pathway", args=[published.pk]))
    assert detail.status_code == 200
    assert "Required steps: 1 of 2 held." in detail.content.decode()
    assert client.get(reverse("recognition:pathway", args=[draft.pk])).status_code == 404
    assert client.get(reverse("recognition:pathway", args=[99999])).status_code == 404


def test_a_complete_pathway_links_the_credential_issued(client, programme, admin, educator, steps, credential):
    pathway = pathway_create(programme, admin, steps, credential)
    for code in ("AI-101", "AI-102", "EL-1", "EL-2"):
        credential_create(achievement=steps[code], person=educator)
    issued = credentials_award_due(person_id=educator.pk)[0]
    client.force_login(educator)
    page = client.get(reverse("recognition:pathway", args=[pathway.pk])).content.decode()
    assert "Complete — credential issued." in page
    assert reverse("credentials:public", args=[issued.public_id]) in page


def test_only_national_admins_define_pathways(client, programme, admin, educator, steps, credential):
    pathway = pathway_create(programme, admin, steps, credential, published=False)
    client.force_login(educator)
    assert client.get(reverse("recognition:pathway_new")).status_code == 403
    assert client.post(reverse("recognition:pathway_new"), {"code": "x"}).status_code == 403
    # a draft is not even shown to them
    assert client.post(reverse("recognition:pathway_edit", args=[pathway.pk]), {"publish": "1"}).status_code == 404
    pathway_publish(pathway=pathway, actor=admin, published=True)
    assert client.get(reverse("recognition:pathway_edit", args=[pathway.pk])).status_code == 403
    assert client.post(reverse("recognition:pathway_edit", args=[pathway.pk]), {"publish": "0"}).status_code == 403
    assert Pathway.objects.get().is_published


def form_data(steps: dict[str, Achievement], credential: Achievement, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "ai-teacher",
        "name_mn": "Хиймэл оюунтай багшлах зам",
        "name_en": "Teaching with AI pathway",
        "description_mn": "",
        "description_en": "Three steps to teaching with AI.",
        "achievement": credential.pk,
        "required": [steps["AI-101"].pk, steps["AI-102"].pk],
        "electives": [steps["EL-1"].pk, steps["EL-2"].pk],
        "electives_required": 1,
        "milestone_1_name_mn": "Суурь",
        "milestone_1_name_en": "Foundations",
        "milestone_1_steps": [steps["AI-101"].pk],
    }
    data.update(changes)
    return data


def test_an_admin_defines_edits_and_publishes_a_pathway(client, programme, admin, steps, credential):
    client.force_login(admin)
    assert client.get(reverse("recognition:pathway_new")).status_code == 200
    response = client.post(reverse("recognition:pathway_new"), form_data(steps, credential))
    pathway = Pathway.objects.get()
    assert response.status_code == 302 and response.url == reverse("recognition:pathway", args=[pathway.pk])
    assert credential.rules.count() == 3
    assert [milestone.name_en for milestone in pathway.milestones.all()] == ["Foundations"]

    edit = client.get(reverse("recognition:pathway_edit", args=[pathway.pk]))
    assert edit.status_code == 200 and "Foundations" in edit.content.decode()
    response = client.post(
        reverse("recognition:pathway_edit", args=[pathway.pk]),
        form_data(
            steps,
            credential,
            electives_required=2,
            milestone_1_name_en="",
            milestone_1_name_mn="",
            milestone_1_steps=[],
        ),
    )
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.electives_required == 2 and not pathway.milestones.exists()

    response = client.post(reverse("recognition:pathway_edit", args=[pathway.pk]), {"publish": "1"})
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.is_published


def test_a_bad_definition_is_shown_next_to_its_field_and_kept(client, programme, admin, steps, credential):
    client.force_login(admin)
    response = client.post(reverse("recognition:pathway_new"), form_data(steps, credential, electives_required=5))
    assert response.status_code == 200
    page = response.content.decode()
    assert "5 electives are needed but only 2 are listed" in page
    assert "Teaching with AI pathway" in page  # what was typed is still there
    assert not Pathway.objects.exists()


def test_the_list_reads_a_bounded_number_of_queries(
    client, programme, admin, educator, steps, credential, django_assert_max_num_queries
):
    for number in range(6):
        award = achievement_create(programme=programme, code=f"AWARD-{number}")
        pathway_create(programme, admin, steps, award, code=f"pathway-{number}")
    for code in steps:
        credential_create(achievement=steps[code], person=educator)
    client.force_login(educator)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("recognition:pathways"))
    assert page.content.decode().count("pathway-progress-") >= 6


def test_the_detail_reads_a_bounded_number_of_queries(
    client, programme, admin, educator, steps, credential, django_assert_max_num_queries
):
    pathway = pathway_create(programme, admin, steps, credential)
    for code in steps:
        credential_create(achievement=steps[code], person=educator)
    credentials_award_due(person_id=educator.pk)
    client.force_login(educator)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("recognition:pathway", args=[pathway.pk]))
    assert "Complete — credential issued." in page.content.decode()


def test_finishing_a_course_issues_the_step_and_the_pathway_in_one_run(
    programme, admin, educator, steps, credential, django_capture_on_commit_callbacks
):
    from erdem.catalog.models import Lesson
    from erdem.catalog.tests.factories import course_build
    from erdem.learning.services import enrolment_create, lesson_complete

    course = course_build(programme=programme, modules=1, lessons=1)
    micro = achievement_create(programme=programme, course=course, code="AI-COURSE")
    pathway = pathway_save(
        programme=programme,
        actor=admin,
        definition=definition(steps, credential, required=[micro], electives=[], electives_required=0, milestones=[]),
    )
    pathway_publish(pathway=pathway, actor=admin, published=True)
    enrolment = enrolment_create(person=educator, course=course)

    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(enrolment=enrolment, lesson=Lesson.objects.get(module__course=course))

    held = Credential.objects.filter(person=educator, status=Credential.Status.ACTIVE)
    assert set(held.values_list("achievement__code", flat=True)) == {"AI-COURSE", "AI-PATHWAY"}
    assert pathway_progress(pathway=pathway, person=educator).credential_held


def test_learners_do_not_see_the_pathways_code_and_milestones_name_their_steps(
    client, programme, admin, educator, steps, credential
):
    pathway_create(programme, admin, steps, credential)
    client.force_login(educator)

    listing = client.get(reverse("recognition:pathways")).content.decode()
    page = client.get(reverse("recognition:pathway", args=[Pathway.objects.get().pk])).content.decode()

    assert "ai-teacher" not in listing and "ai-teacher" not in page
    assert steps["AI-101"].name_en in page.split("Milestones", 1)[1]
    client.force_login(admin)
    assert "ai-teacher" in client.get(reverse("recognition:pathways")).content.decode()
