"""Pages for a course's team: download and upload course packages and translation files.

Everything here needs `Action.COURSE_EDIT` on the course (its team, the programme's national
administrators); a course the person may not even read is not found. An upload is first
checked and previewed (the import runs and is rolled back), then held until the person confirms,
and only then imported, in one transaction. Imports run in the request: every check happens
before the first write, files are copied only when their content changed, and the package's
size and number of files are bounded (docs/decisions/0010-course-packages.md).
"""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from erdem.access.policy import Action, require
from erdem.catalog.held_uploads import upload_held, upload_hold, upload_release
from erdem.catalog.models import Course, TranslationStatus
from erdem.catalog.packages import (
    PACKAGE_MAX_BYTES,
    course_package_export,
    course_package_import,
    package_filename,
)
from erdem.catalog.po import po_export, po_parse
from erdem.catalog.selectors import course_readable
from erdem.catalog.translation_files import (
    TRANSLATION_FILE_MAX_BYTES,
    TranslationFileError,
    TranslationReport,
    source_language,
    translations_import,
)
from erdem.catalog.unit_status import translation_progress
from erdem.catalog.xliff import xliff_export, xliff_parse
from erdem.core.i18n import LANGUAGE_CODES, language_choices, language_name
from erdem.people.models import Person

FILE_FORMATS = (("xliff", gettext_lazy("XLIFF 2.0")), ("po", gettext_lazy("PO (gettext)")))
UNIT_KINDS = {
    "course": gettext_lazy("course"),
    "module": gettext_lazy("module"),
    "lesson": gettext_lazy("lesson"),
    "quiz": gettext_lazy("quiz"),
    "question": gettext_lazy("question"),
    "choice": gettext_lazy("choice"),
    "media": gettext_lazy("video or audio"),
    "image": gettext_lazy("image"),
    "attachment": gettext_lazy("file to download"),
    "assignment": gettext_lazy("practical assignment"),
    "criterion": gettext_lazy("rubric criterion"),
    "level": gettext_lazy("rubric level"),
}
ACTIONS = {"created": gettext_lazy("new"), "updated": gettext_lazy("updated")}


def _max_size(limit: int) -> Any:
    def check(file: Any) -> None:
        if file.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; at most %(limit)s is allowed.")
                % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)}
            )

    return check


class _Form(forms.Form):
    """The package page holds three forms; each has its own ids, so their labels point at their fields."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class PackageUploadForm(_Form):
    id_prefix = "package"
    file = forms.FileField(
        label=gettext_lazy("Course package (.zip)"),
        validators=[_max_size(PACKAGE_MAX_BYTES)],
    )


class TranslationExportForm(_Form):
    id_prefix = "export"
    language = forms.ChoiceField(label=gettext_lazy("Translate into"), choices=language_choices)
    file_format = forms.ChoiceField(label=gettext_lazy("File format"), choices=FILE_FORMATS)


class TranslationUploadForm(_Form):
    id_prefix = "translation"
    language = forms.ChoiceField(label=gettext_lazy("Translations into"), choices=language_choices)
    file = forms.FileField(
        label=gettext_lazy("Translation file (XLIFF 2.0 or PO)"),
        help_text=gettext_lazy("The format is recognised from the file's content."),
        validators=[_max_size(TRANSLATION_FILE_MAX_BYTES)],
    )


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)  # the views are behind login_required


def _editable_course(request: HttpRequest, code: str) -> Course:
    """The course, if `request.user` may edit it; 404 when they may not even read it, else 403."""
    course = (
        Course.objects.select_related("programme")
        .prefetch_related(Prefetch("team", queryset=Person.objects.only("pk")))
        .filter(code=code)
        .first()
    )
    if course is None or not course_readable(request.user, course):
        raise Http404
    require(request.user, Action.COURSE_EDIT, course)
    return course


def _status_counts(course: Course) -> list[dict[str, Any]]:
    """Per language: how many units stand at each status (the count the authoring pages show too)."""
    progress = translation_progress(course_ids=[course.pk], languages=LANGUAGE_CODES)[course.pk]
    return [
        {
            "code": code,
            "name": language_name(code),
            "counts": [progress[code][status] for status in TranslationStatus.values],
        }
        for code in LANGUAGE_CODES
    ]


def _page(request: HttpRequest, course: Course, status: int = 200, **forms_: Any) -> HttpResponse:
    context = {
        "course": course,
        "package_form": forms_.get("package_form") or PackageUploadForm(),
        "export_form": forms_.get("export_form") or TranslationExportForm(initial={"language": "en"}),
        "translation_form": forms_.get("translation_form") or TranslationUploadForm(initial={"language": "en"}),
        "statuses": TranslationStatus.labels,
        "status_rows": _status_counts(course),
        "max_package_bytes": PACKAGE_MAX_BYTES,
    }
    return render(request, "catalog/package_home.html", context, status=status)


@login_required
@require_GET
def course_package(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, _editable_course(request, code))


@login_required
@require_GET
def package_export(request: HttpRequest, code: str) -> FileResponse:
    course = _editable_course(request, code)
    return FileResponse(
        course_package_export(course=course),
        as_attachment=True,
        filename=package_filename(course),
        content_type="application/zip",
    )


def _preview_context(report: Any) -> dict[str, Any]:
    languages = {code: language_name(code) for code in LANGUAGE_CODES}
    changes = [
        {
            "key": c.key,
            "kind": UNIT_KINDS[c.kind],
            "language": languages.get(c.language, ""),
            "language_code": c.language,
            "text": c.text,
            "action": ACTIONS[c.action],
        }
        for c in report.changes
        if c.action in ACTIONS
    ]
    return {"report": report, "changes": changes}


@login_required
@require_POST
def package_import(request: HttpRequest, code: str) -> HttpResponse:
    course = _editable_course(request, code)
    person = _person(request)
    token = request.POST.get("token", "")
    if token:
        held = upload_held(token, person=person, course_id=course.pk, purpose="package")
        if held is None:
            messages.error(request, _("The checked package is no longer available; upload it again."))
            return redirect("catalog:package", code=course.code)
        with held:
            report = course_package_import(data=held, person=person, course=course, dry_run=False)
        if report.ok and report.course is not None:
            upload_release(token)
            messages.success(
                request,
                _("The package was imported: %(created)s new, %(updated)s updated.")
                % {"created": report.created, "updated": report.updated},
            )
            return redirect("catalog:course", code=report.course.code)
        context = {"course": course, "token": "", **_preview_context(report)}
        return render(request, "catalog/package_preview.html", context)
    form = PackageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, course, package_form=form)
    upload = form.cleaned_data["file"]
    report = course_package_import(data=upload, person=person, course=course, dry_run=True)
    token = upload_hold(file=upload, person=person, course_id=course.pk, purpose="package") if report.ok else ""
    context = {"course": course, "token": token, **_preview_context(report)}
    return render(request, "catalog/package_preview.html", context)


@login_required
@require_GET
def translation_export(request: HttpRequest, code: str) -> HttpResponse:
    course = _editable_course(request, code)
    form = TranslationExportForm(request.GET or {"language": "en", "file_format": "xliff"})
    if not form.is_valid():
        return _page(request, course, export_form=form)
    language, file_format = form.cleaned_data["language"], form.cleaned_data["file_format"]
    if file_format == "xliff":
        data, content_type, extension = xliff_export(course=course, language=language), "application/xliff+xml", "xlf"
    else:
        data, content_type, extension = po_export(course=course, language=language), "text/x-gettext-translation", "po"
    filename = f"{course.code}-{source_language(language)}-{language}.{extension}"
    response = HttpResponse(data, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _parse(data: bytes, *, course: Course, language: str) -> tuple[str, list[Any]]:
    """The file's format, recognised from its content, and its entries."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "xliff", xliff_parse(data, course=course, language=language)
    return "po", po_parse(data, course=course, language=language)


def _translation_preview(
    request: HttpRequest, course: Course, report: TranslationReport, token: str, language: str
) -> HttpResponse:
    context = {
        "course": course,
        "token": token,
        "language": language,
        "language_name": language_name(language),
        **_preview_context(report),
    }
    return render(request, "catalog/translation_preview.html", context)


@login_required
@require_POST
def translation_import(request: HttpRequest, code: str) -> HttpResponse:
    course = _editable_course(request, code)
    person = _person(request)
    token = request.POST.get("token", "")
    language = request.POST.get("language", "")
    if token and language in dict(settings.LANGUAGES):
        purpose = f"translations:{language}"
        held = upload_held(token, person=person, course_id=course.pk, purpose=purpose)
        if held is None:
            messages.error(request, _("The checked translation file is no longer available; upload it again."))
            return redirect("catalog:package", code=course.code)
        with held:
            data = held.read()
        try:
            file_format, parsed = _parse(data, course=course, language=language)
        except TranslationFileError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("catalog:package", code=course.code)
        report = translations_import(
            course=course, language=language, file_format=file_format, parsed=parsed, dry_run=False
        )
        if report.ok:
            upload_release(token)
            messages.success(
                request,
                _("The translations were imported: %(created)s new, %(updated)s updated.")
                % {"created": report.created, "updated": report.updated},
            )
            return redirect("catalog:package", code=course.code)
        return _translation_preview(request, course, report, "", language)
    form = TranslationUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, course, translation_form=form)
    language = form.cleaned_data["language"]
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        file_format, parsed = _parse(data, course=course, language=language)
    except TranslationFileError as error:
        for message in error.messages:
            form.add_error("file", message)
        return _page(request, course, translation_form=form)
    report = translations_import(course=course, language=language, file_format=file_format, parsed=parsed, dry_run=True)
    token = ""
    if report.ok:
        token = upload_hold(file=upload, person=person, course_id=course.pk, purpose=f"translations:{language}")
    return _translation_preview(request, course, report, token, language)
