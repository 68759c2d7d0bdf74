"""The authoring pages of a course team: their courses, a course's settings and structure, each
unit's text side by side in both languages, and a preview as a learner would see it.

Every page finds the course by its code and asks `Action.COURSE_EDIT` of that course: a course
the person may read but not edit answers 403, one they may not even read answers 404."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erdem.access.policy import Action, can, require
from erdem.assessments.models import Choice, Question, Quiz
from erdem.authoring.forms import (
    FIELD_LABELS,
    CourseCreateForm,
    CourseSettingsForm,
    LessonAddForm,
    ModuleAddForm,
    QuestionAddForm,
    QuizCreateForm,
    QuizSettingsForm,
    UnitTextsForm,
    titles_of,
)
from erdem.authoring.selectors import (
    author_title,
    authoring_overview,
    competencies_by_framework,
    course_structure,
    preview_fallbacks,
    programmes_creating_courses,
    quiz_editor,
    unit_texts,
)
from erdem.authoring.services import (
    EditConflict,
    QuizSettings,
    TextEdit,
    Unit,
    choice_delete,
    choices_correct_set,
    course_create,
    course_settings_update,
    learner_activity,
    lesson_add,
    lesson_delete,
    lesson_minutes_set,
    lesson_move,
    module_add,
    module_delete,
    module_move,
    question_create,
    question_delete,
    quiz_create,
    quiz_has_submissions,
    quiz_save,
    unit_fields,
    unit_kind,
    unit_texts_save,
)
from erdem.catalog.models import Course, Lesson, Module, TranslationStatus
from erdem.catalog.rendering import markdown_render
from erdem.catalog.selectors import course_page, course_readable, lesson_page
from erdem.core.i18n import LANGUAGE_CODES, active_language, language_name
from erdem.people.models import Person


def _course_for_editing(request: HttpRequest, code: str) -> Course:
    course = (
        Course.objects.select_related("programme")
        .prefetch_related(Prefetch("team", queryset=Person.objects.only("pk")))
        .filter(code=code)
        .first()
    )
    if course is None:
        raise Http404
    if not can(request.user, Action.COURSE_EDIT, course):
        if course_readable(request.user, course):
            raise PermissionDenied(Action.COURSE_EDIT.value)
        raise Http404
    return course


def _module_of(course: Course, pk: int) -> Module:
    return get_object_or_404(Module, pk=pk, course=course)


def _lesson_of(course: Course, pk: int) -> Lesson:
    return get_object_or_404(Lesson.objects.select_related("module"), pk=pk, module__course=course)


def _structure_url(course: Course) -> str:
    return reverse("authoring:course", args=[course.code])


# --- the list and the course -------------------------------------------------------------------------------------


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    rows = authoring_overview(person=request.user, language=active_language())
    may_create = programmes_creating_courses(request.user).exists()
    return render(request, "authoring/course_list.html", {"rows": rows, "may_create": may_create})


@login_required
def course_new(request: HttpRequest) -> HttpResponse:
    programmes = programmes_creating_courses(request.user)
    if not programmes.exists():
        raise PermissionDenied(Action.COURSE_CREATE.value)
    form = CourseCreateForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        require(request.user, Action.COURSE_CREATE, data["programme"])
        try:
            course = course_create(
                programme=data["programme"],
                code=data["code"],
                level=data["level"],
                workload_hours=data["workload_hours"],
                languages=data["languages"],
                titles=titles_of(data),
                created_by=cast(Person, request.user),
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, _("The course is created as a draft. Add its modules and lessons."))
            return redirect(_structure_url(course))
    return render(request, "authoring/course_new.html", {"form": form})


@login_required
def course_settings(request: HttpRequest, code: str) -> HttpResponse:
    course = _course_for_editing(request, code)
    initial = {
        "code": course.code,
        "level": course.level,
        "workload_hours": course.workload_hours,
        "languages": course.languages,
        "status": course.status,
        "competencies": list(course.competencies.values_list("pk", flat=True)),
        "institutions": list(course.authoring_institutions.values_list("pk", flat=True)),
        "team": "\n".join(course.team.order_by("email").values_list("email", flat=True)),
    }
    form = CourseSettingsForm(request.POST or None, initial=initial, course=course)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = course_settings_update(
                course=course,
                code=data["code"],
                level=data["level"],
                workload_hours=data["workload_hours"],
                languages=data["languages"],
                status=data["status"],
                competencies=data["competencies"],
                institutions=data["institutions"],
                team=data["team"],
            )
        except ValidationError as error:
            form.add_error("code" if getattr(error, "code", None) == "code_taken" else "status", error)
        else:
            messages.success(request, _("The course's settings are saved."))
            return redirect(_structure_url(course))
    selected = {str(value) for value in (form["competencies"].value() or [])}
    context = {
        "course": course,
        "form": form,
        # A framework is shown open when the course already names one of its competencies (the first one otherwise).
        "competency_groups": [
            (framework, competencies, index == 0 or any(str(c.pk) in selected for c in competencies))
            for index, (framework, competencies) in enumerate(competencies_by_framework())
        ],
        "selected_competencies": selected,
    }
    return render(request, "authoring/course_settings.html", context)


@login_required
def course_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The structure editor: modules and lessons in order, with their status per language."""
    course = _course_for_editing(request, code)
    structure = course_structure(course=course, language=active_language())
    return render(request, "authoring/structure.html", {"course": course, "structure": structure})


# --- the structure -----------------------------------------------------------------------------------------------


@login_required
def module_new(request: HttpRequest, code: str) -> HttpResponse:
    course = _course_for_editing(request, code)
    form = ModuleAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        module = module_add(course=course, titles=titles_of(form.cleaned_data))
        messages.success(request, _("The module is added."))
        return redirect(f"{_structure_url(course)}#module-{module.pk}")
    return render(request, "authoring/unit_new.html", {"course": course, "form": form, "module": None})


@login_required
def lesson_new(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    course = _course_for_editing(request, code)
    module = _module_of(course, pk)
    form = LessonAddForm(request.POST or None, initial={"estimated_minutes": 15})
    if request.method == "POST" and form.is_valid():
        lesson = lesson_add(
            module=module,
            titles=titles_of(form.cleaned_data),
            estimated_minutes=form.cleaned_data["estimated_minutes"],
        )
        messages.success(request, _("The lesson is added."))
        return redirect(reverse("authoring:lesson", args=[course.code, lesson.pk]))
    default = _("Module %(number)s") % {"number": module.position}
    module_title = author_title(module.translations.all(), active_language(), default)
    context = {"course": course, "form": form, "module": module, "module_title": module_title}
    return render(request, "authoring/unit_new.html", context)


def _offset(request: HttpRequest) -> int:
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise ValidationError(_("Choose whether to move it up or down."))
    return -1 if direction == "up" else 1


@login_required
@require_POST
def module_reorder(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    course = _course_for_editing(request, code)
    module = _module_of(course, pk)
    try:
        module_move(module=module, offset=_offset(request))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(f"{_structure_url(course)}#module-{module.pk}")


@login_required
@require_POST
def lesson_reorder(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    course = _course_for_editing(request, code)
    lesson = _lesson_of(course, pk)
    try:
        lesson_move(lesson=lesson, offset=_offset(request))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(f"{_structure_url(course)}#lesson-{lesson.pk}")


def _delete_page(
    request: HttpRequest, course: Course, unit: Module | Lesson, lessons: Any, delete: Any
) -> HttpResponse:
    """Confirm, then delete; refused (with the reason) when learners have progress in it."""
    activity = learner_activity(lessons=lessons)
    if request.method == "POST" and not activity.any:
        try:
            delete()
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Deleted."))
            return redirect(_structure_url(course))
    structure = course_structure(course=course, language=active_language())
    if isinstance(unit, Module):
        row: Any = next(row for row in structure.modules if row.module.pk == unit.pk)
    else:
        row = next(row for module in structure.modules for row in module.lessons if row.lesson.pk == unit.pk)
    context = {
        "course": course,
        "unit": unit,
        "row": row,
        "is_module": isinstance(unit, Module),
        "lesson_count": lessons.count(),
        "activity": activity,
    }
    refused = request.method == "POST" and activity.any
    return render(request, "authoring/confirm_delete.html", context, status=409 if refused else 200)


@login_required
def module_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    course = _course_for_editing(request, code)
    module = _module_of(course, pk)
    return _delete_page(
        request, course, module, Lesson.objects.filter(module=module), lambda: module_delete(module=module)
    )


@login_required
def lesson_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    course = _course_for_editing(request, code)
    lesson = _lesson_of(course, pk)
    return _delete_page(
        request, course, lesson, Lesson.objects.filter(pk=lesson.pk), lambda: lesson_delete(lesson=lesson)
    )


# --- the side-by-side editor -------------------------------------------------------------------------------------


def _initial(texts: dict[str, Any]) -> dict[str, Any]:
    """A text form's initial data: the stored text, status and version of each language."""
    initial: dict[str, Any] = {}
    for code, text in texts.items():
        initial.update({f"{code}-{name}": value for name, value in text.values.items()})
        initial[f"{code}-status"] = text.status
        initial[f"{code}-version"] = text.version
    return initial


def _edits(form: UnitTextsForm) -> list[TextEdit]:
    return [
        TextEdit(
            language_code=code,
            status=form.cleaned_data[f"{code}-status"],
            values=form.values(code),
            loaded_version=form.cleaned_data[f"{code}-version"],
        )
        for code in LANGUAGE_CODES
    ]


def _columns(
    form: UnitTextsForm, texts: dict[str, Any], previews: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One column per language for the side-by-side template."""
    return [
        {
            "code": code,
            "name": language_name(code),
            "fields": form.column(code),
            "status": form[f"{code}-status"],
            "version": form[f"{code}-version"],
            "stored": texts[code],
            "status_label": TranslationStatus(texts[code].status).label,
            "unseen": texts[code].status != TranslationStatus.PUBLISHED
            and any(value.strip() for value in texts[code].values.values()),
            "preview": (previews or {}).get(code),
        }
        for code in LANGUAGE_CODES
    ]


def _unit_key(unit: Unit) -> str:
    """The form prefix of a unit on a page that edits several (a quiz's)."""
    return f"{unit_kind(unit).name}-{unit.pk}"


def _with_their_versions(data: Any, conflict: EditConflict, prefixed: bool) -> Any:
    """The submitted form, now carrying the co-author's versions of the conflicting languages: the
    author's text is kept, and saving again is a deliberate choice to replace theirs."""
    data = data.copy()
    for item in conflict.conflicts:
        prefix = f"{_unit_key(item.unit)}-" if prefixed else ""
        data[f"{prefix}{item.language_code}-version"] = item.version
    return data


def _conflict_rows(conflict: EditConflict, unit_labels: dict[str, str]) -> list[dict[str, Any]]:
    """What the page shows of each co-author's version that conflicts with the submitted text."""
    return [
        {
            "unit_label": unit_labels.get(_unit_key(item.unit), ""),
            "language_code": item.language_code,
            "language_name": language_name(item.language_code),
            "status_label": item.status_label,
            "updated_at": item.updated_at,
            "fields": [(FIELD_LABELS[name], value) for name, value in item.values.items()],
        }
        for item in conflict.conflicts
    ]


def _unit_editor(request: HttpRequest, course: Course, unit: Unit, context: dict[str, Any]) -> HttpResponse:
    kind = unit_kind(unit)
    lesson = unit if isinstance(unit, Lesson) else None
    texts = unit_texts(unit=unit)
    conflicts: list[Any] = []
    previews: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        form = UnitTextsForm(request.POST, kind=kind, with_minutes=lesson is not None)
        if form.is_valid() and "preview" in request.POST:
            if "body" in kind.fields:
                previews = {code: markdown_render(form.values(code)["body"]) for code in LANGUAGE_CODES}
        elif form.is_valid():
            try:
                unit_texts_save(unit=unit, edits=_edits(form))
            except EditConflict as conflict:
                form = UnitTextsForm(
                    _with_their_versions(request.POST, conflict, prefixed=False),
                    kind=kind,
                    with_minutes=lesson is not None,
                )
                form.is_valid()
                conflicts = _conflict_rows(conflict, {})
                status = 409
            else:
                if lesson is not None:
                    lesson_minutes_set(lesson=lesson, estimated_minutes=form.cleaned_data["estimated_minutes"])
                messages.success(request, _("Saved."))
                return redirect(request.path)
    else:
        initial = _initial(texts)
        if lesson is not None:
            initial["estimated_minutes"] = lesson.estimated_minutes
        form = UnitTextsForm(initial=initial, kind=kind, with_minutes=lesson is not None)
    context = {
        **context,
        "course": course,
        "form": form,
        "columns": _columns(form, texts, previews),
        "conflicts": conflicts,
        "kind": kind.name,
        "media_url": _media_url(course, lesson) if lesson else None,
        "quizzes": list(lesson.quizzes.order_by("pk")) if lesson else [],
    }
    return render(request, "authoring/unit_edit.html", context, status=status)


def _media_url(course: Course, lesson: Lesson) -> str:
    return reverse("catalog:lesson_media", args=[course.code, lesson.pk])


@login_required
def course_text(request: HttpRequest, code: str) -> HttpResponse:
    course = _course_for_editing(request, code)
    return _unit_editor(request, course, course, {"heading": _("Course title and summary")})


@login_required
def module_text(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    course = _course_for_editing(request, code)
    module = _module_of(course, pk)
    number = _("Module %(number)s") % {"number": module.position}
    title = author_title(module.translations.all(), active_language(), "")
    heading = _("%(number)s: %(title)s") % {"number": number, "title": title} if title else number
    return _unit_editor(request, course, module, {"heading": heading, "module": module})


@login_required
def lesson_text(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    course = _course_for_editing(request, code)
    lesson = _lesson_of(course, pk)
    language = active_language()
    number = _("Lesson %(module)s.%(number)s") % {"module": lesson.module.position, "number": lesson.position}
    title = author_title(lesson.translations.all(), language, "")
    module_number = _("Module %(number)s") % {"number": lesson.module.position}
    module_title = author_title(lesson.module.translations.all(), language, "")
    context = {
        "heading": _("%(number)s: %(title)s") % {"number": number, "title": title} if title else number,
        "module_heading": (
            _("%(number)s: %(title)s") % {"number": module_number, "title": module_title}
            if module_title
            else module_number
        ),
        "lesson": lesson,
    }
    return _unit_editor(request, course, lesson, context)


# --- the preview -------------------------------------------------------------------------------------------------


def _preview_language(request: HttpRequest) -> str:
    language = request.GET.get("language", "")
    return language if language in LANGUAGE_CODES else active_language()


def _preview_context(course: Course, language: str, path: str) -> dict[str, Any]:
    return {
        "preview_language": language,
        "preview_languages": [(code, language_name(code), f"{path}?language={code}") for code in LANGUAGE_CODES],
        "editing_course": course,
    }


@login_required
def course_preview(request: HttpRequest, code: str) -> HttpResponse:
    """The course page as a reader of the chosen language would see it once every text is published."""
    course = _course_for_editing(request, code)
    language = _preview_language(request)
    with translation.override(language):
        page = course_page(person=request.user, code=course.code, language=language, preview=True)
        if page is None:
            raise Http404
        context = {
            **_preview_context(course, language, request.path),
            "page": page,
            "course": page.course,
            "fallbacks": preview_fallbacks(course=course, language=language),
        }
        return render(request, "authoring/preview_course.html", context)


@login_required
def lesson_preview(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The lesson page as a reader of the chosen language would see it, drafts included."""
    course = _course_for_editing(request, code)
    lesson = _lesson_of(course, pk)
    language = _preview_language(request)
    with translation.override(language):
        page = lesson_page(person=request.user, code=course.code, lesson_id=lesson.pk, language=language, preview=True)
        if page is None:
            context = {
                **_preview_context(course, language, request.path),
                "lesson": lesson,
                "fallbacks": preview_fallbacks(course=course, language=language, lesson=lesson),
            }
            return render(request, "authoring/preview_empty.html", context)
        context = {
            **_preview_context(course, language, request.path),
            "page": page,
            "course": page.course,
            "fallbacks": preview_fallbacks(course=course, language=language, lesson=lesson),
        }
        return render(request, "authoring/preview_lesson.html", context)


# --- quizzes -----------------------------------------------------------------------------------------------------


@login_required
def quiz_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A quiz's settings and the text of the quiz, its questions and choices, side by side."""
    course = _course_for_editing(request, code)
    quiz = get_object_or_404(Quiz.objects.select_related("lesson__module"), pk=pk, lesson__module__course=course)
    editor = quiz_editor(quiz=quiz, language=active_language())
    units: list[tuple[Unit, dict[str, Any]]] = [(editor.quiz, editor.texts)]
    for question, texts, choices in editor.questions:
        units.append((question, texts))
        units.extend(choices)
    data = request.POST if request.method == "POST" else None
    settings_initial = {
        name: getattr(editor.quiz, name)
        for name in ("pass_mark", "attempt_limit", "time_limit_minutes", "feedback", "draw_count")
    }
    settings_form = QuizSettingsForm(data, prefix="settings", initial=settings_initial)

    def text_forms(data: Any) -> dict[str, UnitTextsForm]:
        return {
            _unit_key(unit): UnitTextsForm(
                data, prefix=_unit_key(unit), kind=unit_kind(unit), fields=unit_fields(unit), initial=_initial(texts)
            )
            for unit, texts in units
        }

    forms_by_key = text_forms(data)
    conflicts: list[Any] = []
    status = 200
    if data is not None and settings_form.is_valid() and all(form.is_valid() for form in forms_by_key.values()):
        values = settings_form.cleaned_data
        try:
            quiz_save(
                quiz=editor.quiz,
                quiz_settings=QuizSettings(
                    pass_mark=values["pass_mark"],
                    attempt_limit=values["attempt_limit"],
                    time_limit_minutes=values["time_limit_minutes"],
                    feedback=values["feedback"],
                    draw_count=values["draw_count"],
                ),
                changes=[(unit, _edits(forms_by_key[_unit_key(unit)])) for unit, _texts in units],
            )
        except ValidationError as error:
            settings_form.add_error("draw_count", error)
            status = 400
        except EditConflict as conflict:
            forms_by_key = text_forms(_with_their_versions(data, conflict, prefixed=True))
            for form in forms_by_key.values():
                form.is_valid()
            conflicts = _conflict_rows(conflict, _unit_labels(editor))
            status = 409
        else:
            messages.success(request, _("Saved."))
            return redirect(request.path)
    context = {
        "course": course,
        "editor": editor,
        "settings_form": settings_form,
        "quiz_columns": _columns(forms_by_key[_unit_key(editor.quiz)], editor.texts),
        "questions": [
            {
                "question": question,
                "label": _unit_labels(editor)[_unit_key(question)],
                "columns": _columns(forms_by_key[_unit_key(question)], texts),
                "choices": [
                    {"choice": choice, "columns": _columns(forms_by_key[_unit_key(choice)], choice_texts)}
                    for choice, choice_texts in choices
                ],
            }
            for question, texts, choices in editor.questions
        ],
        "text_errors": any(form.errors for form in forms_by_key.values()),
        "conflicts": conflicts,
        "graded": quiz_has_submissions(editor.quiz),
    }
    return render(request, "authoring/quiz_edit.html", context, status=status)


def _unit_labels(editor: Any) -> dict[str, str]:
    labels = {_unit_key(editor.quiz): _("Quiz")}
    for question, _texts, choices in editor.questions:
        labels[_unit_key(question)] = _("Question %(number)s") % {"number": question.position}
        for choice, _choice_texts in choices:
            labels[_unit_key(choice)] = _("Choice %(question)s.%(number)s") % {
                "question": question.position,
                "number": choice.position,
            }
    return labels


def _quiz_of(course: Course, pk: int) -> Quiz:
    return get_object_or_404(Quiz.objects.select_related("lesson__module"), pk=pk, lesson__module__course=course)


def _question_of(course: Course, pk: int) -> Question:
    return get_object_or_404(
        Question.objects.select_related("quiz__lesson__module"), pk=pk, quiz__lesson__module__course=course
    )


@login_required
def quiz_new(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A new quiz on a lesson: its title per language and its settings."""
    course = _course_for_editing(request, code)
    lesson = _lesson_of(course, pk)
    form = QuizCreateForm(request.POST or None, initial={"pass_mark": 70, "attempt_limit": 0})
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        quiz = quiz_create(
            lesson=lesson,
            titles=titles_of(values),
            quiz_settings=QuizSettings(
                pass_mark=values["pass_mark"],
                attempt_limit=values["attempt_limit"],
                time_limit_minutes=values["time_limit_minutes"],
                feedback=values["feedback"],
                draw_count=0,
            ),
        )
        messages.success(request, _("The quiz is added. Add its questions next."))
        return redirect(reverse("authoring:quiz", args=[course.code, quiz.pk]))
    context = {
        "course": course,
        "form": form,
        "lesson": lesson,
        "lesson_title": author_title(lesson.translations.all(), active_language(), str(lesson.position)),
    }
    return render(request, "authoring/quiz_new.html", context)


@login_required
def question_new(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A new question of any kind at the end of the quiz, allowed even once attempts are graded."""
    course = _course_for_editing(request, code)
    quiz = _quiz_of(course, pk)
    form = QuestionAddForm(request.POST or None, initial={"numeric_tolerance": 0})
    if request.method == "POST" and form.is_valid():
        try:
            question_create(quiz=quiz, draft=form.draft())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The question is added."))
            return redirect(reverse("authoring:quiz", args=[course.code, quiz.pk]))
    context = {
        "course": course,
        "form": form,
        "quiz": quiz,
        "lesson_title": author_title(quiz.lesson.translations.all(), active_language(), str(quiz.lesson.position)),
    }
    return render(request, "authoring/question_new.html", context)


def _quiz_write(request: HttpRequest, course: Course, quiz: Quiz, write: Any, done: str) -> HttpResponse:
    try:
        write()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(reverse("authoring:quiz", args=[course.code, quiz.pk]))


@login_required
@require_POST
def question_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    course = _course_for_editing(request, code)
    question = _question_of(course, pk)
    return _quiz_write(
        request, course, question.quiz, lambda: question_delete(question=question), _("The question is removed.")
    )


@login_required
@require_POST
def question_correct(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Mark which choices of a choice question are correct (the boxes ticked)."""
    course = _course_for_editing(request, code)
    question = _question_of(course, pk)
    chosen = [int(value) for value in request.POST.getlist("correct") if value.isdigit()]
    return _quiz_write(
        request,
        course,
        question.quiz,
        lambda: choices_correct_set(question=question, correct_ids=chosen),
        _("The correct answers are saved."),
    )


@login_required
@require_POST
def choice_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    course = _course_for_editing(request, code)
    choice = get_object_or_404(
        Choice.objects.select_related("question__quiz__lesson__module"),
        pk=pk,
        question__quiz__lesson__module__course=course,
    )
    return _quiz_write(
        request, course, choice.question.quiz, lambda: choice_delete(choice=choice), _("The choice is removed.")
    )
