"""The authoring pages of a practical assignment: its settings and texts side by side in every
language, and its rubric (criteria and their levels), for those who may edit the lesson's course.

Every page asks `Action.COURSE_EDIT` of the course the assignment's lesson belongs to: a course
the person may read but not edit answers 403, one they may not even read answers 404. The rubric
page takes one change per form, so it works without JavaScript: each button names its action."""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from erdem.access.policy import Action, can
from erdem.assignments.forms import (
    AssignmentSettingsForm,
    AssignmentTextsForm,
    CriterionTextsForm,
    LevelTextsForm,
    PointsForm,
    WeightForm,
)
from erdem.assignments.models import MEGABYTE, Assignment, Criterion, Level
from erdem.assignments.services import (
    AuthoringRefused,
    assignment_delete,
    assignment_save,
    criterion_delete,
    criterion_move,
    criterion_save,
    level_delete,
    level_save,
)
from erdem.catalog.models import Course, Lesson, TranslationStatus
from erdem.catalog.selectors import course_readable
from erdem.core.i18n import LANGUAGE_CODES, language_name


def _course_check(request: HttpRequest, course: Course) -> None:
    if not can(request.user, Action.COURSE_EDIT, course):
        if course_readable(request.user, course):
            raise PermissionDenied(Action.COURSE_EDIT.value)
        raise Http404


def _lesson_for_editing(request: HttpRequest, pk: int) -> Lesson:
    lesson = get_object_or_404(
        Lesson.objects.select_related("module__course__programme").prefetch_related("module__course__team"), pk=pk
    )
    _course_check(request, lesson.module.course)
    return lesson


def _assignment_for_editing(request: HttpRequest, pk: int) -> Assignment:
    assignment = get_object_or_404(
        Assignment.objects.select_related("lesson__module__course__programme").prefetch_related(
            "lesson__module__course__team", "translations"
        ),
        pk=pk,
    )
    _course_check(request, assignment.lesson.module.course)
    return assignment


def _edit_url(assignment: Assignment) -> str:
    return reverse("assignments:author_edit", args=[assignment.pk])


def _stored(row: Model | None) -> dict[str, Any]:
    if row is None:
        return {}
    return {translation.language_code: translation for translation in row.translations.all()}  # type: ignore[attr-defined]


def _columns(
    form_class: type[AssignmentTextsForm] | type[CriterionTextsForm] | type[LevelTextsForm],
    data: Mapping[str, Any] | None,
    prefix: str,
    row: Model | None,
) -> list[dict[str, Any]]:
    """One form per language with its stored text as the starting point."""
    stored = _stored(row)
    fields = [name for name in form_class.base_fields if name != "status"]
    columns = []
    for code in LANGUAGE_CODES:
        translation = stored.get(code)
        initial = {"status": getattr(translation, "status", TranslationStatus.DRAFT)}
        initial |= {name: getattr(translation, name, "") for name in fields}
        form = form_class(data, prefix=f"{prefix}{code}", initial=initial)
        status = TranslationStatus(initial["status"])
        columns.append({"code": code, "name": language_name(code), "form": form, "status_label": status.label,
                        "status": status.value})  # fmt: skip
    return columns


def _texts(columns: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    return {column["code"]: column["form"].texts() for column in columns}


def _save(columns: list[dict[str, Any]], write: Callable[[dict[str, dict[str, str]]], Any]) -> bool:
    """Write through `write`; a text refused for its status shows on its language's form."""
    try:
        write(_texts(columns))
    except ValidationError as error:
        for column in columns:
            column["form"].add_error(None, error)
        return False
    return True


def _settings_initial(assignment: Assignment | None) -> dict[str, Any]:
    assignment = assignment or Assignment()
    return {
        "required": assignment.required,
        "max_files": assignment.max_files,
        "max_file_megabytes": max(1, assignment.max_file_bytes // MEGABYTE),
        "allowed_kinds": assignment.allowed_kinds,
    }


def _editor(
    request: HttpRequest, lesson: Lesson, assignment: Assignment | None
) -> tuple[AssignmentSettingsForm, list[dict[str, Any]], Assignment | None]:
    data = request.POST if request.method == "POST" else None
    form = AssignmentSettingsForm(data, initial=_settings_initial(assignment))
    columns = _columns(AssignmentTextsForm, data, "text-", assignment)
    if data is None or not form.is_valid() or not all(column["form"].is_valid() for column in columns):
        return form, columns, None
    saved: list[Assignment] = []
    ok = _save(
        columns,
        lambda texts: saved.append(
            assignment_save(lesson=lesson, assignment=assignment, texts=texts, **form.settings())
        ),
    )
    return form, columns, saved[0] if ok else None


def _page(request: HttpRequest, lesson: Lesson, assignment: Assignment | None, **context: Any) -> HttpResponse:
    return render(
        request,
        "assignments/authoring/edit.html",
        {"lesson": lesson, "course": lesson.module.course, "assignment": assignment, **context},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_new(request: HttpRequest, lesson_pk: int) -> HttpResponse:
    lesson = _lesson_for_editing(request, lesson_pk)
    form, columns, saved = _editor(request, lesson, None)
    if saved is not None:
        messages.success(request, _("The practical assignment is created. Now write its rubric."))
        return redirect(_edit_url(saved))
    return _page(request, lesson, None, form=form, columns=columns)


def _rubric(assignment: Assignment) -> list[dict[str, Any]]:
    criteria = assignment.criteria.prefetch_related(
        "translations", Prefetch("levels", queryset=Level.objects.prefetch_related("translations"))
    )
    return [
        {
            "criterion": criterion,
            "weight": WeightForm(initial={"weight": criterion.weight}, prefix=f"c{criterion.pk}"),
            "columns": _columns(CriterionTextsForm, None, f"c{criterion.pk}-", criterion),
            "levels": [
                {
                    "level": level,
                    "points": PointsForm(initial={"points": level.points}, prefix=f"l{level.pk}"),
                    "columns": _columns(LevelTextsForm, None, f"l{level.pk}-", level),
                }
                for level in criterion.levels.all()
            ],
            "new_level": {
                "points": PointsForm(prefix=f"l-new{criterion.pk}"),
                "columns": _columns(LevelTextsForm, None, f"l-new{criterion.pk}-", None),
            },
        }
        for criterion in criteria
    ]


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_for_editing(request, pk)
    lesson = assignment.lesson
    form, columns, saved = _editor(request, lesson, assignment)
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(_edit_url(saved))
    return _page(
        request,
        lesson,
        assignment,
        form=form,
        columns=columns,
        rubric=_rubric(assignment),
        new_criterion={
            "weight": WeightForm(prefix="c-new"),
            "columns": _columns(CriterionTextsForm, None, "c-new-", None),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_for_editing(request, pk)
    course = assignment.lesson.module.course
    refused = ""
    if request.method == "POST":
        try:
            assignment_delete(assignment=assignment)
        except AuthoringRefused as error:
            refused = str(error)
        else:
            messages.success(request, _("The practical assignment is deleted."))
            return redirect("authoring:lesson", course.code, assignment.lesson_id)
    has_submissions = assignment.submissions.exists()
    return render(
        request,
        "assignments/authoring/delete.html",
        {"assignment": assignment, "course": course, "refused": refused, "has_submissions": has_submissions},
        status=409 if refused else 200,
    )


def _number(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None


def _form_errors(*forms_: Any) -> list[str]:
    return [str(message) for form in forms_ for messages_ in form.errors.values() for message in messages_]


def _rubric_change(request: HttpRequest, assignment: Assignment) -> None:
    """Apply the one change the form asks for; say what went wrong as a message."""
    action = request.POST.get("action", "")
    data = request.POST
    if action in {"criterion_save", "criterion_delete", "criterion_up", "criterion_down", "level_add"}:
        criterion: Criterion | None = get_object_or_404(
            Criterion.objects.prefetch_related("translations"), pk=_number(data.get("criterion")), assignment=assignment
        )
    else:
        criterion = None
    if action in {"criterion_add", "criterion_save"}:
        prefix = f"c{criterion.pk}" if criterion else "c-new"
        weight = WeightForm(data, prefix=prefix)
        columns = _columns(CriterionTextsForm, data, f"{prefix}-", criterion)
        forms_ = [weight, *(column["form"] for column in columns)]
        if all(form.is_valid() for form in forms_) and _save(
            columns,
            lambda texts: criterion_save(
                assignment=assignment, criterion=criterion, weight=weight.cleaned_data["weight"], texts=texts
            ),
        ):
            messages.success(request, _("The criterion is saved."))
        else:
            messages.error(request, " ".join(_form_errors(*forms_)))
    elif action == "criterion_delete" and criterion is not None:
        criterion_delete(criterion=criterion)
        messages.success(request, _("The criterion is deleted."))
    elif action in {"criterion_up", "criterion_down"} and criterion is not None:
        criterion_move(criterion=criterion, up=action == "criterion_up")
    elif action in {"level_add", "level_save", "level_delete"}:
        level = None
        if action != "level_add":
            level = get_object_or_404(
                Level.objects.select_related("criterion").prefetch_related("translations"),
                pk=_number(data.get("level")),
                criterion__assignment=assignment,
            )
            criterion = level.criterion
        if criterion is None:
            raise Http404
        if action == "level_delete" and level is not None:
            level_delete(level=level)
            messages.success(request, _("The level is deleted."))
            return
        prefix = f"l{level.pk}" if level else f"l-new{criterion.pk}"
        points = PointsForm(data, prefix=prefix)
        columns = _columns(LevelTextsForm, data, f"{prefix}-", level)
        forms_ = [points, *(column["form"] for column in columns)]
        target = criterion
        if all(form.is_valid() for form in forms_) and _save(
            columns,
            lambda texts: level_save(criterion=target, level=level, points=points.cleaned_data["points"], texts=texts),
        ):
            messages.success(request, _("The level is saved."))
        else:
            messages.error(request, " ".join(_form_errors(*forms_)))
    else:
        messages.error(request, _("Choose what to change in the rubric."))


@login_required
@require_http_methods(["GET", "POST"])
def rubric_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The rubric is edited on the assignment's page; this takes its forms and returns there."""
    assignment = _assignment_for_editing(request, pk)
    if request.method == "POST":
        try:
            _rubric_change(request, assignment)
        except AuthoringRefused as error:
            messages.error(request, str(error))
            response = redirect(f"{_edit_url(assignment)}#rubric")
            return response
    return redirect(f"{_edit_url(assignment)}#rubric")
