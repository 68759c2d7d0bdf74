from typing import Any, cast

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.policy import Action, can
from erdem.access.tests.factories import RoleAssignmentFactory, person_with_role
from erdem.assignments.models import Assignment, AssignmentTranslation, Review, Submission, SubmissionFile
from erdem.assignments.selectors import review_queue, submissions_reviewable_by
from erdem.assignments.services import (
    Outcome,
    ReviewConflict,
    ReviewRefused,
    SubmissionRefused,
    review_submit,
    submission_create,
)
from erdem.assignments.tests.factories import (
    assignment_build,
    html_as_pdf,
    pdf,
    png,
    rubric_form,
    rubric_levels,
)
from erdem.catalog.models import Course, Lesson, TranslationStatus
from erdem.catalog.tests.factories import course_build
from erdem.learning.completion import assignments_approved
from erdem.learning.models import Cohort, Enrolment
from erdem.learning.services import cohort_enrol, enrolment_create, lesson_complete
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.models import Person
from erdem.people.tests.factories import PersonFactory
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory


@pytest.fixture
def programme(db: None) -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def course(programme: Programme) -> Course:
    return course_build(programme=programme, modules=1, lessons=2)


def _lessons(course: Course) -> list[Lesson]:
    return list(Lesson.objects.filter(module__course=course).order_by("module__position", "position"))


@pytest.fixture
def assignment(course: Course) -> Assignment:
    return assignment_build(lesson=_lessons(course)[-1], max_files=2, max_file_bytes=2048, max_total_bytes=3000)


@pytest.fixture
def educator(programme: Programme) -> Person:
    return cast(Person, person_with_role(Role.EDUCATOR, programme=programme, preferred_language="mn"))


@pytest.fixture
def trainer(programme: Programme) -> Person:
    return cast(Person, person_with_role(Role.TRAINER, programme=programme))


@pytest.fixture
def cohort(course: Course, programme: Programme, educator: Person, trainer: Person) -> Cohort:
    cohort = Cohort.objects.create(programme=programme, name="Намрын бүлэг", course=course,
                                   institution=educator.institution)  # fmt: skip
    cohort.trainers.add(trainer)
    cohort_enrol(cohort=cohort, people=[educator])
    return cohort


def _signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _submit(person: Person, assignment: Assignment, number: int = 1, **fields: Any) -> Submission:
    fields.setdefault("text", "Миний төлөвлөгөө")
    fields.setdefault("files", [])
    return submission_create(person=person, assignment=assignment, number=number, **fields).submission


def _review(reviewer: Person, submission: Submission, decision: str = "approve", comment: str = "Сайн") -> Review:
    return review_submit(
        reviewer=reviewer,
        submission_id=submission.pk,
        decision=decision,
        comment=comment,
        levels=rubric_levels(submission.assignment),
    )


# --- handing in -------------------------------------------------------------------------------------------


def test_a_submission_keeps_its_text_and_files_under_a_private_random_name(
    assignment: Assignment, educator: Person, cohort: Cohort
) -> None:
    submission = _submit(educator, assignment, files=[pdf("Төлөвлөгөө.pdf"), png()])
    assert submission.number == 1 and submission.status == Submission.Status.SUBMITTED
    files = list(submission.files.order_by("pk"))
    assert [(f.original_name, f.kind) for f in files] == [("Төлөвлөгөө.pdf", "pdf"), ("photo.png", "png")]
    for stored in files:
        assert stored.file.name.startswith("private/submissions/")
        assert stored.original_name not in stored.file.name and "." not in stored.file.name.rsplit("/", 1)[-1]


def test_the_same_form_sent_twice_is_kept_once(assignment: Assignment, educator: Person, cohort: Cohort) -> None:
    first = submission_create(person=educator, assignment=assignment, text="a", files=[], number=1)
    second = submission_create(person=educator, assignment=assignment, text="a", files=[], number=1)
    assert (first.outcome, second.outcome) == (Outcome.CREATED, Outcome.DUPLICATE)
    assert second.submission.pk == first.submission.pk
    assert Submission.objects.count() == 1


def test_no_new_submission_while_one_waits(assignment: Assignment, educator: Person, cohort: Cohort) -> None:
    _submit(educator, assignment)
    with pytest.raises(SubmissionRefused, match="still waiting for review"):
        _submit(educator, assignment, number=2)
    assert Submission.objects.count() == 1


def test_only_enrolled_learners_submit(assignment: Assignment, educator: Person) -> None:
    with pytest.raises(SubmissionRefused, match="Enrol in the course"):
        _submit(educator, assignment)
    assert not Submission.objects.exists()


def test_an_empty_submission_is_refused(assignment: Assignment, educator: Person, cohort: Cohort) -> None:
    with pytest.raises(SubmissionRefused, match="Write your answer or attach a file"):
        _submit(educator, assignment, text="   ")


def test_after_a_revision_request_the_learner_resubmits_and_history_is_kept(
    assignment: Assignment, educator: Person, trainer: Person, cohort: Cohort
) -> None:
    first = _submit(educator, assignment)
    _review(trainer, first, "revise", "Зорилгоо тодруулна уу.")
    second = _submit(educator, assignment, number=2, text="Засварласан")
    first.refresh_from_db()
    assert first.status == Submission.Status.REVISION_REQUESTED and first.review.comment == "Зорилгоо тодруулна уу."
    assert (second.number, second.status) == (2, Submission.Status.SUBMITTED)
    _review(trainer, second)
    with pytest.raises(SubmissionRefused, match="approved"):
        _submit(educator, assignment, number=3)
    assert list(Submission.objects.order_by("number").values_list("status", flat=True)) == [
        "revision_requested",
        "approved",
    ]


def test_a_stale_page_cannot_skip_numbers(assignment: Assignment, educator: Person, cohort: Cohort) -> None:
    with pytest.raises(SubmissionRefused, match="out of date"):
        _submit(educator, assignment, number=5)


# --- files --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (lambda: [pdf(size=4096)], "the most allowed here is 2"),
        (lambda: [html_as_pdf()], "not a file of a kind accepted here"),
        (lambda: [png("photo.pdf")], "named like a .pdf file but its content is a PNG image"),
        (lambda: [pdf("a.pdf"), pdf("b.pdf"), pdf("c.pdf")], "at most 2 files; you chose 3"),
        (lambda: [pdf("a.pdf", 1800), pdf("b.pdf", 1800)], "the most a submission may carry is"),
    ],
    ids=["too-large", "wrong-type", "disguised", "too-many", "total-too-large"],
)
def test_files_outside_the_limits_are_refused_with_a_clear_message(
    assignment: Assignment, educator: Person, cohort: Cohort, files: Any, message: str
) -> None:
    with pytest.raises(SubmissionRefused) as refusal:
        _submit(educator, assignment, files=files())
    assert any(message in text for text in refusal.value.messages), refusal.value.messages
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()


def test_the_page_shows_the_upload_errors_and_keeps_the_text(
    assignment: Assignment, educator: Person, cohort: Cohort
) -> None:
    client = _signed_in(educator)
    response = client.post(
        reverse("assignments:detail", args=[assignment.pk]),
        {"text": "Миний бодсон зүйл", "number": "1", "files": [png("photo.pdf")]},
        headers={"Accept-Language": "mn"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Миний бодсон зүйл" in page
    assert "photo.pdf" in page
    assert not Submission.objects.exists()


def test_files_download_only_for_the_learner_and_reviewers(
    assignment: Assignment, educator: Person, trainer: Person, cohort: Cohort, programme: Programme
) -> None:
    submission = _submit(educator, assignment, files=[pdf("Миний план.pdf")])
    url = reverse("assignments:file", args=[submission.files.get().pk])
    response = _signed_in(educator).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%D0%9C" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert _signed_in(trainer).get(url).status_code == 200
    admin = cast(Person, person_with_role(Role.NATIONAL_ADMIN, programme=programme))
    assert _signed_in(admin).get(url).status_code == 200
    other = cast(Person, person_with_role(Role.EDUCATOR, programme=programme))
    assert _signed_in(other).get(url).status_code == 404
    assert Client().get(url).status_code == 302


# --- reviewing ---------------------------------------------------------------------------------------------


def test_the_first_review_wins(assignment: Assignment, educator: Person, trainer: Person, cohort: Cohort,
                               programme: Programme) -> None:  # fmt: skip
    submission = _submit(educator, assignment)
    admin = cast(Person, person_with_role(Role.NATIONAL_ADMIN, programme=programme))
    _review(trainer, submission, "revise", "Дахин бичнэ үү")
    with pytest.raises(ReviewConflict):
        _review(admin, submission)
    assert Review.objects.get().reviewer == trainer


def test_the_second_reviewer_is_told_someone_was_first(
    assignment: Assignment, educator: Person, trainer: Person, cohort: Cohort, programme: Programme
) -> None:
    submission = _submit(educator, assignment)
    admin = cast(Person, person_with_role(Role.NATIONAL_ADMIN, programme=programme))
    url = reverse("assignments:review", args=[submission.pk])
    trainer_page = _signed_in(trainer).get(url)
    admin_client = _signed_in(admin)
    assert admin_client.get(url).status_code == trainer_page.status_code == 200
    body = {**rubric_form(assignment), "comment": "Зорилго тодорхой", "decision": "approve"}
    assert _signed_in(trainer).post(url, body).status_code == 302
    response = admin_client.post(url, {**body, "decision": "revise"}, follow=True)
    page = response.content.decode()
    assert "Өөр хүн энэ илгээлтийг саяхан үнэлсэн байна" in page
    assert "Зорилго тодорхой" in page and 'type="radio"' not in page
    assert Review.objects.get().decision == "approve"


def test_a_review_needs_a_level_for_every_criterion(
    assignment: Assignment, educator: Person, trainer: Person, cohort: Cohort
) -> None:
    submission = _submit(educator, assignment)
    levels = rubric_levels(assignment)
    levels.popitem()
    with pytest.raises(ReviewRefused, match="every criterion"):
        review_submit(reviewer=trainer, submission_id=submission.pk, decision="approve", comment="", levels=levels)
    other = assignment_build(lesson=assignment.lesson)
    foreign = dict(zip(rubric_levels(assignment), rubric_levels(other).values(), strict=True))
    with pytest.raises(ReviewRefused, match="every criterion"):
        review_submit(reviewer=trainer, submission_id=submission.pk, decision="approve", comment="", levels=foreign)
    assert not Review.objects.exists()


def test_a_revision_request_needs_a_comment(assignment: Assignment, educator: Person, trainer: Person,
                                            cohort: Cohort) -> None:  # fmt: skip
    submission = _submit(educator, assignment)
    with pytest.raises(ReviewRefused, match="Say in the comment"):
        _review(trainer, submission, "revise", "  ")


def test_no_one_reviews_their_own_submission(assignment: Assignment, programme: Programme, cohort: Cohort) -> None:
    admin = cast(Person, person_with_role(Role.NATIONAL_ADMIN, programme=programme))
    enrolment_create(person=admin, course=assignment.lesson.module.course)
    submission = _submit(admin, assignment)
    assert not submissions_reviewable_by(admin).filter(pk=submission.pk).exists()
    with pytest.raises(ReviewRefused, match="your own submission"):
        _review(admin, submission)
    assert _signed_in(admin).get(reverse("assignments:review", args=[submission.pk])).status_code == 404


def test_the_review_page_shows_the_rubric_as_a_grid_of_radio_buttons(
    assignment: Assignment, educator: Person, trainer: Person, cohort: Cohort
) -> None:
    submission = _submit(educator, assignment, text="Миний төлөвлөгөө", files=[pdf()])
    page = _signed_in(trainer).get(reverse("assignments:review", args=[submission.pk])).content.decode()
    assert page.count('type="radio"') == 9
    assert "Миний төлөвлөгөө" in page and "plan.pdf" in page
    assert "доод босго оноо байхгүй" in page


# --- completion and e-mail ---------------------------------------------------------------------------------


def test_an_approval_completes_the_course_once_the_lessons_are_done(
    assignment: Assignment, educator: Person, trainer: Person, cohort: Cohort, course: Course
) -> None:
    enrolment = Enrolment.objects.get(person=educator, course=course)
    for lesson in _lessons(course):
        lesson_complete(enrolment=enrolment, lesson=lesson)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    progress = assignments_approved(enrolment)
    assert (progress.done, progress.required, progress.complete) == (0, 1, False)
    first = _submit(educator, assignment)
    _review(trainer, first, "revise", "Дахин")
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    _review(trainer, _submit(educator, assignment, number=2))
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert assignments_approved(enrolment).complete


def test_an_optional_assignment_does_not_hold_completion(course: Course, educator: Person, cohort: Cohort) -> None:
    assignment_build(lesson=_lessons(course)[0], required=False)
    enrolment = Enrolment.objects.get(person=educator, course=course)
    for lesson in _lessons(course):
        lesson_complete(enrolment=enrolment, lesson=lesson)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_the_learner_gets_an_email_in_their_language(
    assignment: Assignment, educator: Person, trainer: Person, cohort: Cohort, django_capture_on_commit_callbacks: Any
) -> None:
    submission = _submit(educator, assignment)
    trainer.preferred_language = "en"
    trainer.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        _review(trainer, submission, "revise", "Зорилгоо тодруулна уу.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [educator.email]
    assert message.subject == "Таны практик даалгаврыг засварлах шаардлагатай"
    assert "Task [mn]" in str(message.body) and "Зорилгоо тодруулна уу." in str(message.body)
    assert f"/assignments/{assignment.pk}/" in str(message.body)


def test_a_refused_review_sends_nothing(assignment: Assignment, educator: Person, trainer: Person, cohort: Cohort,
                                        django_capture_on_commit_callbacks: Any) -> None:  # fmt: skip
    submission = _submit(educator, assignment)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ReviewRefused):
        _review(trainer, submission, "revise", "")
    assert not mail.outbox


# --- who reviews what ------------------------------------------------------------------------------------------


def test_reviewers_are_the_cohort_trainers_scoped_mentors_and_national_admins(
    assignment: Assignment, educator: Person, trainer: Person, cohort: Cohort, programme: Programme
) -> None:
    submission = _submit(educator, assignment)
    institution = educator.institution
    assert institution is not None
    other_institution = InstitutionFactory.create(region=region("MN-041"))

    def mentor(**scope: Any) -> Person:
        person = cast(Person, PersonFactory())
        RoleAssignmentFactory.create(person=person, role=Role.MENTOR, programme=scope.pop("programme", programme),
                                     **scope)  # fmt: skip
        return person

    other_cohort_trainer = cast(Person, person_with_role(Role.TRAINER, programme=programme))
    Cohort.objects.create(programme=programme, name="other", course=assignment.lesson.module.course).trainers.add(
        other_cohort_trainer
    )
    expected = {
        "cohort trainer": (trainer, True),
        "trainer of another cohort": (other_cohort_trainer, False),
        "mentor of the institution": (mentor(institution=institution), True),
        "mentor of another institution": (mentor(institution=other_institution), False),
        "mentor of the region": (mentor(region=institution.region), True),
        "mentor of another region": (mentor(region=region("MN-041")), False),
        "mentor of the programme": (mentor(), True),
        "mentor of another programme": (mentor(programme=ProgrammeFactory()), False),
        "national admin": (person_with_role(Role.NATIONAL_ADMIN, programme=programme), True),
        "national admin elsewhere": (person_with_role(Role.NATIONAL_ADMIN), False),
        "coordinator": (person_with_role(Role.COORDINATOR, programme=programme, institution=institution), False),
        "another educator": (person_with_role(Role.EDUCATOR, programme=programme), False),
        "the learner": (educator, False),
    }
    fresh = Submission.objects.get(pk=submission.pk)
    for label, (person, allowed) in expected.items():
        in_queue = submissions_reviewable_by(person).filter(pk=submission.pk).exists()
        assert in_queue is allowed, label
        assert can(person, Action.SUBMISSION_REVIEW, fresh) is allowed, label
        response = _signed_in(person).get(reverse("assignments:review", args=[submission.pk]))
        assert response.status_code == (200 if allowed else 404), label
    assert can(educator, Action.SUBMISSION_VIEW, fresh)


def test_the_queue_is_for_reviewers_only(educator: Person, trainer: Person, cohort: Cohort,
                                         programme: Programme) -> None:  # fmt: skip
    url = reverse("assignments:queue")
    assert _signed_in(educator).get(url).status_code == 403
    assert _signed_in(trainer).get(url).status_code == 200
    mentor = cast(Person, person_with_role(Role.MENTOR, programme=programme))
    assert _signed_in(mentor).get(url).status_code == 200


def test_the_queue_lists_waiting_submissions_oldest_first_with_filters(
    assignment: Assignment, cohort: Cohort, trainer: Person, programme: Programme, course: Course
) -> None:
    learners = [cast(Person, person_with_role(Role.EDUCATOR, programme=programme)) for _ in range(3)]
    cohort_enrol(cohort=cohort, people=learners)
    submissions = [_submit(learner, assignment) for learner in learners]
    _review(trainer, submissions[1])
    other = course_build(programme=programme, code="dig-201", modules=1, lessons=1)
    other_assignment = assignment_build(lesson=_lessons(other)[0])
    other_cohort = Cohort.objects.create(programme=programme, name="Хаврын бүлэг", course=other)
    other_cohort.trainers.add(trainer)
    cohort_enrol(cohort=other_cohort, people=learners[:1])
    late = _submit(learners[0], other_assignment)

    queue = review_queue(person=trainer, language="mn")
    assert [row.submission.pk for row in queue.rows] == [submissions[0].pk, submissions[2].pk, late.pk]
    assert (queue.waiting, queue.waiting_all, queue.reviewed_by_me) == (3, 3, 1)
    assert {choice.value: choice.count for choice in queue.courses} == {course.code: 2, "dig-201": 1}
    assert [row.submission.pk for row in review_queue(person=trainer, language="mn", course_code="dig-201").rows] == [
        late.pk
    ]
    by_cohort = review_queue(person=trainer, language="mn", cohort_id=cohort.pk)
    assert [row.submission.pk for row in by_cohort.rows] == [submissions[0].pk, submissions[2].pk]
    assert {choice.label for choice in queue.cohorts} == {"Намрын бүлэг", "Хаврын бүлэг"}
    page = _signed_in(trainer).get(reverse("assignments:queue"), {"course": "dig-201"}).content.decode()
    assert reverse("assignments:review", args=[late.pk]) in page
    assert reverse("assignments:review", args=[submissions[0].pk]) not in page


# --- pages ---------------------------------------------------------------------------------------------------


def test_the_assignment_page_shows_the_rubric_form_and_history(
    assignment: Assignment, educator: Person, trainer: Person, cohort: Cohort
) -> None:
    client = _signed_in(educator)
    url = reverse("assignments:detail", args=[assignment.pk])
    page = client.get(url).content.decode()
    assert "Task [mn]" in page and "<strong>plan</strong>" in page
    assert "Descriptor 3.3 [mn]" in page
    assert 'name="files"' in page and 'value="1"' in page
    response = client.post(url, {"text": "Миний хариулт", "number": "1", "files": [pdf()]})
    assert response.status_code == 302
    again = client.post(url, {"text": "Миний хариулт", "number": "1"}, follow=True)
    assert "давхар илгээгдээгүй" in again.content.decode()
    submission = Submission.objects.get()
    assert submission.files.count() == 1
    _review(trainer, submission, "revise", "Жишээ нэмнэ үү")
    page = client.get(url).content.decode()
    assert "Жишээ нэмнэ үү" in page and "Level 3 [mn]" in page and 'value="2"' in page


def test_a_text_only_task_says_so(course: Course, educator: Person, cohort: Cohort) -> None:
    assignment = assignment_build(lesson=_lessons(course)[0], max_files=0)
    with pytest.raises(SubmissionRefused, match="text only"):
        _submit(educator, assignment, files=[pdf()])
    page = _signed_in(educator).get(reverse("assignments:detail", args=[assignment.pk])).content.decode()
    assert 'name="files"' not in page


def test_the_page_falls_back_to_the_other_language_with_a_note(assignment: Assignment, educator: Person) -> None:
    AssignmentTranslation.objects.filter(assignment=assignment, language_code="en").update(
        status=TranslationStatus.DRAFT
    )
    client = _signed_in(educator)
    client.cookies["django_language"] = "en"
    educator.preferred_language = "en"
    educator.save(update_fields=["preferred_language"])
    page = client.get(reverse("assignments:detail", args=[assignment.pk])).content.decode()
    assert "Task [mn]" in page
    assert "not yet published in English" in page
    assert "Enrol in the course to hand in its practical tasks." in page


def test_a_draft_course_task_is_hidden(programme: Programme, educator: Person) -> None:
    draft = course_build(programme=programme, code="draft-1", status=Course.Status.DRAFT, modules=1, lessons=1)
    assignment = assignment_build(lesson=_lessons(draft)[0])
    assert _signed_in(educator).get(reverse("assignments:detail", args=[assignment.pk])).status_code == 404


def test_the_lesson_page_links_to_its_task(assignment: Assignment, educator: Person, course: Course) -> None:
    page = _signed_in(educator).get(reverse("catalog:lesson", args=[course.code, assignment.lesson_id]))
    assert reverse("assignments:detail", args=[assignment.pk]) in page.content.decode()


# --- bounded queries -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 12])
def test_pages_make_a_bounded_number_of_queries(
    programme: Programme, trainer: Person, size: int, django_assert_max_num_queries: Any
) -> None:
    course = course_build(programme=programme, modules=1, lessons=1)
    assignment = assignment_build(lesson=_lessons(course)[0], criteria=size, levels=tuple(range(1, size + 2)))
    cohort = Cohort.objects.create(programme=programme, name="c", course=course)
    cohort.trainers.add(trainer)
    learners = [cast(Person, person_with_role(Role.EDUCATOR, programme=programme)) for _ in range(size)]
    cohort_enrol(cohort=cohort, people=learners)
    submissions = []
    for learner in learners:
        first = _submit(learner, assignment, files=[pdf()])
        _review(trainer, first, "revise", "Дахин")
        submissions.append(_submit(learner, assignment, number=2, files=[pdf(), png()]))
    trainer_client, learner_client = _signed_in(trainer), _signed_in(learners[0])
    with django_assert_max_num_queries(16):
        assert trainer_client.get(reverse("assignments:queue")).status_code == 200
    with django_assert_max_num_queries(20):
        assert trainer_client.get(reverse("assignments:review", args=[submissions[0].pk])).status_code == 200
    with django_assert_max_num_queries(17):
        assert learner_client.get(reverse("assignments:detail", args=[assignment.pk])).status_code == 200


# --- demo ------------------------------------------------------------------------------------------------------


def test_the_demo_approves_every_completion_before_it_and_fills_the_queues(db: None) -> None:
    from erdem.assignments.models import CriterionScore
    from erdem.demo.services import demo_load
    from erdem.learning.completion import completion_rules

    demo_load(educators=60, institutions=3)
    assert Assignment.objects.count() == 4
    assert all(2 <= assignment.criteria.count() <= 4 for assignment in Assignment.objects.all())
    assert AssignmentTranslation.objects.filter(language_code="mn", title__contains="хиймэл оюун").exists()
    completed = list(Enrolment.objects.filter(completed_at__isnull=False))
    assert completed
    for enrolment in completed:
        approved = Submission.objects.select_related("review").get(
            person_id=enrolment.person_id,
            assignment__lesson__module__course_id=enrolment.course_id,
            status=Submission.Status.APPROVED,
        )
        assert enrolment.completed_at is not None
        assert enrolment.enrolled_at <= approved.submitted_at < approved.review.reviewed_at <= enrolment.completed_at
        assert approved.review.reviewer_id != enrolment.person_id
        assert can(approved.review.reviewer, Action.SUBMISSION_REVIEW, Submission.objects.get(pk=approved.pk))
        assert all(rule(enrolment).complete for rule in completion_rules() if rule.__name__ != "workshops_attended")
    assert Submission.objects.filter(status=Submission.Status.SUBMITTED).exists()
    assert Submission.objects.filter(status=Submission.Status.REVISION_REQUESTED).exists()
    assert CriterionScore.objects.count() == sum(
        review.submission.assignment.criteria.count() for review in Review.objects.select_related("submission")
    )
    # Answers that say a file is attached have one, a real file; those that do not, none.
    from erdem.assignments.models import SubmissionFile

    files = list(SubmissionFile.objects.select_related("submission"))
    assert files and all(file.kind == "txt" and file.original_name.endswith(".txt") for file in files)
    assert len({file.file.name for file in files}) <= 3  # stored once, shared
    for file in files[:5]:
        with file.file.open("rb") as handle:
            content = handle.read()
        assert len(content) == file.size and content.decode().strip()
    mentions = ("хавсаргав", "хавсралт")
    assert all(any(word in file.submission.text for word in mentions) for file in files)
    without = Submission.objects.exclude(files__isnull=False)
    assert not any(any(word in text for word in mentions) for text in without.values_list("text", flat=True))


def test_the_database_backs_the_one_waiting_submission_rule(
    assignment: Assignment, educator: Person, cohort: Cohort
) -> None:
    """Even a write that skipped the service's lock cannot leave two submissions waiting."""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    _submit(educator, assignment)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(assignment=assignment, person=educator, number=2, submitted_at=timezone.now())
