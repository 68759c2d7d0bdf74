"""A lesson's files, served to its readers, and the course team's pages to manage them.

Serving: a medium, its captions, an image or an attachment is streamed by `file_response` only
after the same checks as the lesson page (signed in, the course readable, the lesson published
or the person on its team); the object must belong to the lesson in the URL, so changing an id
reaches nothing else. Files are never reachable under MEDIA_URL.

Managing: the course team and national admins (`Action.COURSE_EDIT`); a course the person may
read but not edit answers 403, one they may not read answers 404, as the authoring pages do.

Offline copies: a lesson as one HTML file, a course as a streamed ZIP (erdem.catalog.offline).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erdem.access.policy import Action, can
from erdem.catalog import media_services
from erdem.catalog.media_forms import AttachmentForm, ImageForm, MediaForm
from erdem.catalog.media_selectors import lesson_media_managed
from erdem.catalog.models import (
    Course,
    CourseTranslation,
    Lesson,
    LessonAttachment,
    LessonImage,
    LessonMedia,
    LessonMediaTranslation,
    TranslationStatus,
)
from erdem.catalog.offline import course_offline_zip, course_summary_for_offline, lesson_offline_html
from erdem.catalog.selectors import course_readable, published_lessons, published_translations
from erdem.core.i18n import active_language
from erdem.core.uploads import KINDS, content_disposition, file_response
from erdem.people.models import Person

FILE_MAX_AGE = 24 * 60 * 60  # URLs carry a version of the stored file, so a day is safe


def _lesson(code: str, pk: int) -> Lesson:
    lesson = (
        Lesson.objects.select_related("module__course")
        .prefetch_related(Prefetch("module__course__team", queryset=Person.objects.only("pk")))
        .filter(pk=pk, module__course__code=code)
        .first()
    )
    if lesson is None:
        raise Http404
    return lesson


def _readable_lesson(request: HttpRequest, code: str, pk: int) -> tuple[Lesson, bool]:
    """The lesson if the person may read it, and whether they read it as its author (drafts too)."""
    lesson = _lesson(code, pk)
    course = lesson.module.course
    if not course_readable(request.user, course):
        raise Http404
    author = can(request.user, Action.COURSE_EDIT, course)
    if not author and not published_lessons(course_id=course.pk).filter(pk=lesson.pk).exists():
        raise Http404
    return lesson, author


def _editable_lesson(request: HttpRequest, code: str, pk: int) -> Lesson:
    lesson = _lesson(code, pk)
    course = lesson.module.course
    if not can(request.user, Action.COURSE_EDIT, course):
        if course_readable(request.user, course):
            raise PermissionDenied(Action.COURSE_EDIT.value)
        raise Http404
    return lesson


def _serve(request: HttpRequest, stored: Any, kind: str, name: str, *, inline: bool) -> HttpResponseBase:
    if not stored:
        raise Http404
    extension = KINDS[kind].extensions[0]
    return file_response(
        request,
        stored,
        filename=f"{name}.{extension}",
        content_type=KINDS[kind].mime,
        inline=inline,
        max_age=FILE_MAX_AGE,
    )


# --- serving -------------------------------------------------------------------------------------------------


@login_required
def media_file(request: HttpRequest, code: str, pk: int, media_pk: int, variant: str) -> HttpResponseBase:
    """A lesson's uploaded video or audio ("main") or its low-bandwidth alternative ("low"), with ranges."""
    lesson, _author = _readable_lesson(request, code, pk)
    media = get_object_or_404(LessonMedia, pk=media_pk, lesson=lesson)
    if variant == "main":
        return _serve(request, media.file, media.file_kind, f"{code}-{pk}-{media.pk}", inline=True)
    if variant == "low":
        name = f"{code}-{pk}-{media.pk}-low"
        return _serve(request, media.low_bandwidth_file, media.low_bandwidth_kind, name, inline=True)
    raise Http404


@login_required
def media_captions(request: HttpRequest, code: str, pk: int, media_pk: int, language: str) -> HttpResponseBase:
    lesson, author = _readable_lesson(request, code, pk)
    rows = LessonMediaTranslation.objects.filter(media_id=media_pk, media__lesson=lesson, language_code=language)
    if not author:
        rows = rows.filter(status=TranslationStatus.PUBLISHED)
    row = rows.first()
    if row is None:
        raise Http404
    return _serve(request, row.captions, "vtt", f"{code}-{pk}-{media_pk}-{language}", inline=True)


@login_required
def lesson_image(request: HttpRequest, code: str, pk: int, key: str) -> HttpResponseBase:
    lesson, _author = _readable_lesson(request, code, pk)
    image = get_object_or_404(LessonImage, lesson=lesson, key=key)
    return _serve(request, image.file, image.file_kind, f"{code}-{pk}-{key}", inline=True)


@login_required
def lesson_attachment(request: HttpRequest, code: str, pk: int, attachment_pk: int) -> HttpResponseBase:
    """Always a download (Content-Disposition: attachment), named after its title."""
    lesson, _author = _readable_lesson(request, code, pk)
    attachment = get_object_or_404(
        LessonAttachment.objects.prefetch_related("translations"), pk=attachment_pk, lesson=lesson
    )
    titles = {row.language_code: row.title for row in attachment.translations.all() if row.title}
    title = titles.get(active_language()) or next(iter(titles.values()), "") or f"{code}-{pk}-{attachment.pk}"
    return _serve(request, attachment.file, attachment.file_kind, slugify(title, allow_unicode=True), inline=False)


# --- offline copies ------------------------------------------------------------------------------------------


def _download(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition(filename, inline=False)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser show the copy in place anyway, it runs nothing and fetches nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def lesson_offline(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    """The lesson as one HTML file to keep and read without a connection."""
    lesson, author = _readable_lesson(request, code, pk)
    course = lesson.module.course
    language = active_language()
    summary = course_summary_for_offline(_course_with_texts(course.pk, author), language, preview=author)
    filename, html = lesson_offline_html(
        course=course,
        summary=summary,
        lesson_id=lesson.pk,
        language=language,
        absolute=request.build_absolute_uri,
        preview=author,
    )
    return _download(HttpResponse(html, content_type="text/html; charset=utf-8"), filename)


def _course_with_texts(course_pk: int, preview: bool) -> Course:
    return Course.objects.prefetch_related(
        Prefetch("translations", queryset=published_translations(CourseTranslation, preview=preview))
    ).get(pk=course_pk)


@login_required
def course_offline(request: HttpRequest, code: str) -> HttpResponseBase:
    """Every readable lesson of the course in a ZIP with an index.html, streamed as it is built."""
    course = (
        Course.objects.prefetch_related(Prefetch("team", queryset=Person.objects.only("pk"))).filter(code=code).first()
    )
    if course is None or not course_readable(request.user, course):
        raise Http404
    author = can(request.user, Action.COURSE_EDIT, course)
    language = active_language()
    summary = course_summary_for_offline(_course_with_texts(course.pk, author), language, preview=author)
    chunks = course_offline_zip(
        course=course, summary=summary, language=language, absolute=request.build_absolute_uri, preview=author
    )
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    return _download(response, f"{code}-{language}.zip")


# --- the course team's pages ---------------------------------------------------------------------------------


def _manage_url(lesson: Lesson) -> str:
    return reverse("catalog:lesson_media", args=[lesson.module.course.code, lesson.pk])


def _lesson_title(lesson: Lesson) -> str:
    titles = {row.language_code: row.title for row in lesson.translations.all() if row.title}
    return titles.get(active_language()) or next(iter(titles.values()), "") or str(lesson.position)


@login_required
def lesson_media(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A lesson's media, images and attachments, each with its edit and delete buttons."""
    lesson = _editable_lesson(request, code, pk)
    context = {
        "lesson": lesson,
        "course": lesson.module.course,
        "lesson_title": _lesson_title(lesson),
        "managed": lesson_media_managed(lesson=lesson, language=active_language()),
    }
    return render(request, "catalog/media/manage.html", context)


def _apply(form: Any, write: Any) -> bool:
    """Run the service; its ValidationError lands on the form's fields. True when it wrote."""
    try:
        write()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return False
    return True


def _edit(request: HttpRequest, lesson: Lesson, form: Any, write: Any, template_title: str, obj: Any) -> HttpResponse:
    if request.method == "POST" and form.is_valid() and _apply(form, lambda: write(form)):
        messages.success(request, _("Saved."))
        return redirect(_manage_url(lesson))
    context = {
        "lesson": lesson,
        "course": lesson.module.course,
        "lesson_title": _lesson_title(lesson),
        "form": form,
        "heading": template_title,
        "object": obj,
    }
    return render(request, "catalog/media/edit.html", context, status=400 if request.method == "POST" else 200)


@login_required
def lesson_media_edit(request: HttpRequest, code: str, pk: int, media_pk: int | None = None) -> HttpResponse:
    lesson = _editable_lesson(request, code, pk)
    media = (
        get_object_or_404(LessonMedia.objects.prefetch_related("translations"), pk=media_pk, lesson=lesson)
        if media_pk
        else None
    )
    form = MediaForm(request.POST or None, request.FILES or None, media=media)

    def write(form: MediaForm) -> None:
        data = form.cleaned_data
        media_services.lesson_media_save(
            lesson=lesson,
            media=media,
            kind=data["kind"],
            position=data["position"],
            file=data["file"],
            external_url=data["external_url"],
            low_bandwidth_file=data["low_bandwidth_file"],
            remove_low_bandwidth=bool(data.get("remove_low_bandwidth")),
            texts=form.texts(),
        )

    title = _("Change a video or audio") if media else _("Add a video or audio")
    return _edit(request, lesson, form, write, title, media)


@login_required
def lesson_image_edit(request: HttpRequest, code: str, pk: int, image_pk: int | None = None) -> HttpResponse:
    lesson = _editable_lesson(request, code, pk)
    image = (
        get_object_or_404(LessonImage.objects.prefetch_related("translations"), pk=image_pk, lesson=lesson)
        if image_pk
        else None
    )
    form = ImageForm(request.POST or None, request.FILES or None, image=image)

    def write(form: ImageForm) -> None:
        data = form.cleaned_data
        media_services.lesson_image_save(
            lesson=lesson, image=image, key=data["key"], file=data["file"], alt_texts=form.alt_texts()
        )

    return _edit(request, lesson, form, write, _("Change an image") if image else _("Add an image"), image)


@login_required
def lesson_attachment_edit(request: HttpRequest, code: str, pk: int, attachment_pk: int | None = None) -> HttpResponse:
    lesson = _editable_lesson(request, code, pk)
    attachment = (
        get_object_or_404(LessonAttachment.objects.prefetch_related("translations"), pk=attachment_pk, lesson=lesson)
        if attachment_pk
        else None
    )
    form = AttachmentForm(request.POST or None, request.FILES or None, attachment=attachment)

    def write(form: AttachmentForm) -> None:
        data = form.cleaned_data
        media_services.lesson_attachment_save(
            lesson=lesson, attachment=attachment, position=data["position"], file=data["file"], titles=form.titles()
        )

    title = _("Change a file") if attachment else _("Add a file")
    return _edit(request, lesson, form, write, title, attachment)


@login_required
@require_POST
def lesson_media_delete(request: HttpRequest, code: str, pk: int, media_pk: int) -> HttpResponse:
    lesson = _editable_lesson(request, code, pk)
    media_services.lesson_media_delete(media=get_object_or_404(LessonMedia, pk=media_pk, lesson=lesson))
    messages.success(request, _("The video or audio was deleted."))
    return redirect(_manage_url(lesson))


@login_required
@require_POST
def lesson_image_delete(request: HttpRequest, code: str, pk: int, image_pk: int) -> HttpResponse:
    lesson = _editable_lesson(request, code, pk)
    media_services.lesson_image_delete(image=get_object_or_404(LessonImage, pk=image_pk, lesson=lesson))
    messages.success(request, _("The image was deleted."))
    return redirect(_manage_url(lesson))


@login_required
@require_POST
def lesson_attachment_delete(request: HttpRequest, code: str, pk: int, attachment_pk: int) -> HttpResponse:
    lesson = _editable_lesson(request, code, pk)
    media_services.lesson_attachment_delete(
        attachment=get_object_or_404(LessonAttachment, pk=attachment_pk, lesson=lesson)
    )
    messages.success(request, _("The file was deleted."))
    return redirect(_manage_url(lesson))
