"""Workshop pages: upcoming workshops, detail, registration, management, the roster, self
check-in, paper sheets and the attendance summary. Thin: permissions from erdem.access.policy,
writes in services, reads in selectors."""

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from erdem.access.models import Role
from erdem.access.policy import Action, can, grants_for, require
from erdem.access.selectors import programme_for_action
from erdem.catalog.models import Course, CourseTranslation, TranslationStatus
from erdem.catalog.translations import translation_pick
from erdem.core.i18n import active_language
from erdem.learning.models import Cohort
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.selectors import programme_current
from erdem.workshops import checkin as checkin_codes
from erdem.workshops import paper
from erdem.workshops.forms import CodeForm, FilterForm, SheetForm, WorkshopForm
from erdem.workshops.models import Attendance, AttendanceSource, AttendanceStatus, Registration, Workshop
from erdem.workshops.selectors import (
    attendance_summary,
    cohort_member,
    registration_of,
    registrations_of,
    roster_rows,
    seats_left,
    trainer_candidates,
    upcoming_workshops,
    waitlist_position,
    with_course_titles,
    workshop_for_view,
    workshop_with_seats,
    workshops_led_by,
)
from erdem.workshops.services import (
    REMINDER_LEAD,
    WORKSHOP_FIELDS,
    AttendanceRefused,
    RegistrationRefused,
    attendance_mark,
    registration_cancel,
    registration_create,
    workshop_cancel,
    workshop_create,
    workshop_update,
)

PAGE_SIZE = 20

# Names of the time zones a platform in Mongolia may run in, for people rather than machines.
TIME_ZONE_LABELS = {
    "Asia/Ulaanbaatar": gettext_lazy("Ulaanbaatar time"),
    "Asia/Hovd": gettext_lazy("Khovd time"),
    "Asia/Choibalsan": gettext_lazy("Choibalsan time"),
    "UTC": gettext_lazy("UTC"),
}


def time_zone_label() -> str:
    """The platform's time zone as people say it ("Ulaanbaatar time"), else its identifier."""
    return str(TIME_ZONE_LABELS.get(settings.TIME_ZONE, settings.TIME_ZONE))


def _workshop(pk: int) -> Workshop:
    workshop = workshop_for_view(workshop_id=pk)
    if workshop is None:
        raise Http404
    return workshop


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _programme_to_schedule(person: Any) -> Programme | None:
    """The programme a new workshop belongs to: the current one, or else the latest active
    programme in which `person` may schedule workshops."""
    return programme_for_action(person, Action.WORKSHOP_CREATE)


def _course_choices(programme: Programme | None) -> tuple[Any, dict[int, str]]:
    """The programme's published courses and their titles in the reader's language."""
    courses = Course.objects.filter(status=Course.Status.PUBLISHED)
    courses = courses.filter(programme=programme) if programme is not None else courses.none()
    courses = courses.prefetch_related(
        Prefetch("translations", queryset=CourseTranslation.objects.filter(status=TranslationStatus.PUBLISHED))
    ).order_by("code")
    language = active_language()
    titles = {}
    for course in courses:
        picked = translation_pick(course.translations.all(), language=language)
        titles[course.pk] = picked.translation.title if picked else course.code
    return courses, titles


# --- finding and reading workshops ----------------------------------------------------------------------


@login_required
def workshop_list(request: HttpRequest) -> HttpResponse:
    programme = programme_current()
    courses, titles = _course_choices(programme)
    form = FilterForm(request.GET or None, courses=courses, course_titles=titles)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "course_id": data["course"].pk if data["course"] else None,
            "region_id": data["region"].pk if data["region"] else None,
            "mode": data["mode"],
        }
    page = Paginator(upcoming_workshops(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    workshops = with_course_titles(page.object_list, language=active_language())
    for workshop in workshops:
        workshop.seats_left = seats_left(workshop)  # type: ignore[attr-defined]
    person = _person(request)
    return render(
        request,
        "workshops/list.html",
        {
            "form": form,
            "page": page,
            "workshops": workshops,
            "led": workshops_led_by(person_id=person.pk),
            "registrations": registrations_of(person_id=person.pk),
            "can_create": can(person, Action.WORKSHOP_CREATE, _programme_to_schedule(person)),
        },
    )


@login_required
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = workshop_with_seats(workshop_id=pk)
    if workshop is None:
        raise Http404
    person = _person(request)
    with_course_titles([workshop], language=active_language())
    registration = registration_of(workshop=workshop, person_id=person.pk)
    in_cohort = workshop.cohort_id is not None and cohort_member(cohort_id=workshop.cohort_id, person_id=person.pk)
    registered = registration is not None and registration.status == Registration.Status.REGISTERED
    takes_attendance = can(person, Action.WORKSHOP_ATTENDANCE_TAKE, workshop)
    leads = any(trainer.pk == person.pk for trainer in workshop.trainers.all())
    opens_at = timezone.localtime(checkin_codes.checkin_opens_at(workshop))
    context = {
        "workshop": workshop,
        "seats_left": seats_left(workshop),
        "registration": registration,
        "waitlist_position": (
            waitlist_position(registration=registration)
            if registration is not None and registration.status == Registration.Status.WAITLISTED
            else None
        ),
        "in_cohort": in_cohort,
        "show_link": registered or in_cohort or takes_attendance or can(person, Action.WORKSHOP_EDIT, workshop),
        "leads": leads,
        "can_register": (
            not leads and can(person, Action.WORKSHOP_REGISTER, workshop) and workshop.ends_at > timezone.now()
        ),
        "is_over": workshop.ends_at <= timezone.now(),
        "takes_attendance": takes_attendance,
        "views_attendance": can(person, Action.WORKSHOP_ATTENDANCE_VIEW, workshop),
        "can_edit": can(person, Action.WORKSHOP_EDIT, workshop),
        "checkin_open": checkin_codes.checkin_open(workshop),
        "checkin_state": checkin_codes.checkin_state(workshop),
        "opens_at": opens_at,
        "opens_today": opens_at.date() == timezone.localdate(),
        "my_attendance": Attendance.objects.filter(workshop=workshop, person_id=person.pk).first(),
        "time_zone": time_zone_label(),
    }
    return render(request, "workshops/detail.html", context)


# --- registration --------------------------------------------------------------------------------------


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(pk)
    require(request.user, Action.WORKSHOP_REGISTER, workshop)
    try:
        registration = registration_create(workshop=workshop, person=_person(request))
    except RegistrationRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("workshops:detail", pk=workshop.pk)
    if registration.status == Registration.Status.REGISTERED:
        messages.success(request, _registered_message(workshop))
    else:
        messages.info(
            request, _("Every seat is taken: you are on the waiting list. We will e-mail you if a seat frees up.")
        )
    return redirect("workshops:detail", pk=workshop.pk)


def _registered_message(workshop: Workshop) -> str:
    """What happens next: a reminder only when there is still time to send it."""
    now = timezone.now()
    if workshop.starts_at - now > REMINDER_LEAD:
        return _("You are registered. We will remind you by e-mail the day before.")
    if workshop.starts_at > now:
        starts = timezone.localtime(workshop.starts_at)
        when = date_format(starts, "TIME_FORMAT" if starts.date() == timezone.localdate() else "DATETIME_FORMAT")
        return _("You are registered. The workshop starts soon, at %(time)s (%(zone)s).") % {
            "time": when,
            "zone": time_zone_label(),
        }
    return _("You are registered. The workshop is under way: check in with the code on the trainer's screen.")


@login_required
@require_POST
def unregister(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(pk)
    registration = registration_of(workshop=workshop, person_id=_person(request).pk)
    if registration is None or registration.status == Registration.Status.CANCELLED:
        messages.info(request, _("You were not registered for this workshop."))
    else:
        registration_cancel(workshop=workshop, person=_person(request))
        messages.success(request, _("Your registration is cancelled."))
    return redirect("workshops:detail", pk=workshop.pk)


# --- creating, changing, cancelling ---------------------------------------------------------------------


def _form(request: HttpRequest, programme: Programme, instance: Workshop | None) -> WorkshopForm:
    """The workshop form narrowed to what the person may choose: a coordinator schedules
    workshops of their own institution and its cohorts; a national admin any."""
    grants = grants_for(request.user)
    courses, titles = _course_choices(programme)
    institutions = Institution.objects.filter(is_active=True).order_by("name_mn")
    cohorts = Cohort.objects.filter(programme=programme).order_by("name")
    if not grants.has(Role.NATIONAL_ADMIN, programme_id=programme.pk) and not request.user.is_superuser:
        own = grants.institution_ids(Role.COORDINATOR)
        institutions, cohorts = institutions.filter(pk__in=own), cohorts.filter(institution_id__in=own)
    form = WorkshopForm(
        request.POST or None,
        instance=instance,
        initial={"region": request.GET.get("region", "")[:12]} if instance is None else None,
        courses=courses,
        course_titles=titles,
        cohorts=cohorts,
        institutions=institutions,
        trainers=trainer_candidates(programme_id=programme.pk),
    )
    if not grants.has(Role.NATIONAL_ADMIN, programme_id=programme.pk) and not request.user.is_superuser:
        form.fields["institution"].required = True
    return form


def _fields(form: WorkshopForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in WORKSHOP_FIELDS}


@login_required
def workshop_new(request: HttpRequest) -> HttpResponse:
    programme = _programme_to_schedule(request.user)
    require(request.user, Action.WORKSHOP_CREATE, programme)
    if programme is None:  # `require` refuses without a programme; this tells the type checker
        raise Http404
    form = _form(request, programme, None)
    if request.method == "POST" and form.is_valid():
        workshop = workshop_create(programme=programme, trainers=form.cleaned_data["trainers"], **_fields(form))
        messages.success(request, _("The workshop is scheduled."))
        return redirect("workshops:detail", pk=workshop.pk)
    return render(request, "workshops/form.html", {"form": form, "workshop": None, "time_zone": time_zone_label()})


@login_required
def workshop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(pk)
    require(request.user, Action.WORKSHOP_EDIT, workshop)
    if workshop.is_cancelled:
        messages.error(request, _("A cancelled workshop cannot be changed."))
        return redirect("workshops:detail", pk=workshop.pk)
    form = _form(request, workshop.programme, workshop)
    if request.method == "POST" and form.is_valid():
        workshop_update(workshop=workshop, trainers=form.cleaned_data["trainers"], **_fields(form))
        messages.success(request, _("The workshop is saved."))
        return redirect("workshops:detail", pk=workshop.pk)
    return render(request, "workshops/form.html", {"form": form, "workshop": workshop, "time_zone": time_zone_label()})


@login_required
@require_POST
def workshop_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(pk)
    require(request.user, Action.WORKSHOP_EDIT, workshop)
    told = workshop_cancel(workshop=workshop)
    messages.success(
        request,
        ngettext(
            "The workshop is cancelled; %(count)d person was told by e-mail.",
            "The workshop is cancelled; %(count)d people were told by e-mail.",
            told,
        )
        % {"count": told},
    )
    return redirect("workshops:detail", pk=workshop.pk)


# --- attendance: the roster ------------------------------------------------------------------------------


@login_required
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    """The trainer's roster: one radio group per participant, one submit; works without JS."""
    workshop = _workshop(pk)
    require(request.user, Action.WORKSHOP_ATTENDANCE_TAKE, workshop)
    rows = roster_rows(workshop=workshop)
    if request.method == "POST":
        marker = _person(request)
        now = timezone.now()
        changed, refused = 0, []
        for row in rows:
            value = request.POST.get(f"status-{row.person.pk}", "")
            if value not in AttendanceStatus.values or value == row.status:
                continue
            try:
                result = attendance_mark(
                    workshop=workshop, person=row.person, status=value, source=AttendanceSource.ROSTER,
                    marked_at=now, marked_by=marker,
                )  # fmt: skip
            except AttendanceRefused as refusal:
                refused.append(f"{row.person.full_name}: {' '.join(refusal.messages)}")
                continue
            changed += result.outcome == "applied"
        for message in refused:
            messages.error(request, message)
        if changed:
            messages.success(
                request,
                ngettext("Attendance saved for %(count)d person.", "Attendance saved for %(count)d people.", changed)
                % {"count": changed},
            )
        elif not refused:
            messages.info(request, _("Nothing changed."))
        return redirect("workshops:roster", pk=workshop.pk)
    return render(
        request,
        "workshops/roster.html",
        {"workshop": workshop, "rows": rows, "statuses": AttendanceStatus.choices},
    )


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(pk)
    require(request.user, Action.WORKSHOP_ATTENDANCE_VIEW, workshop)
    summary = attendance_summary(workshop=workshop)
    return render(
        request,
        "workshops/attendance.html",
        {
            "workshop": workshop,
            "summary": summary,
            "takes_attendance": can(request.user, Action.WORKSHOP_ATTENDANCE_TAKE, workshop),
        },
    )


# --- attendance: self check-in ---------------------------------------------------------------------------


@login_required
@never_cache
def checkin_screen(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(pk)
    require(request.user, Action.WORKSHOP_ATTENDANCE_TAKE, workshop)
    return render(
        request,
        "workshops/checkin_screen.html",
        {
            "workshop": workshop,
            "screen": checkin_codes.screen_code(workshop),
            "open": checkin_codes.checkin_open(workshop),
        },
    )


@login_required
@never_cache
def checkin_code(request: HttpRequest, pk: int) -> JsonResponse:
    """The check-in screen's code, link and QR code, polled by its script."""
    workshop = _workshop(pk)
    require(request.user, Action.WORKSHOP_ATTENDANCE_TAKE, workshop)
    screen = checkin_codes.screen_code(workshop)
    return JsonResponse(
        {
            "code": screen.code,
            "url": screen.url,
            "svg": screen.svg,
            "seconds_left": screen.seconds_left,
            "open": checkin_codes.checkin_open(workshop),
        }
    )


@login_required
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's side: the link in the QR code, or the code typed in."""
    workshop = _workshop(pk)
    form = CodeForm(request.POST or None, initial={"code": request.GET.get("code", "")[:12]})
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = checkin_codes.checkin(workshop=workshop, person=_person(request), code=form.cleaned_data["code"])
        except checkin_codes.CheckinRefused as refusal:
            error = refusal.message
        else:
            if result.outcome == "already":
                messages.info(request, _("You have already checked in to this workshop."))
            elif result.attendance.status == AttendanceStatus.LATE:
                messages.success(request, _("You are checked in, marked as late."))
            else:
                messages.success(request, _("You are checked in. Welcome!"))
            return redirect("workshops:detail", pk=workshop.pk)
    state = checkin_codes.checkin_state(workshop)
    opens_at = timezone.localtime(checkin_codes.checkin_opens_at(workshop))
    return render(
        request,
        "workshops/checkin.html",
        {
            "workshop": workshop,
            "form": form,
            "error": error,
            "state": state,
            "opens_at": opens_at,
            "opens_today": opens_at.date() == timezone.localdate(),
            "time_zone": time_zone_label(),
        },
    )


# --- attendance: paper sheets ------------------------------------------------------------------------------


def _sheet_key(workshop: Workshop) -> str:
    return f"workshops-sheet-{workshop.pk}"


@login_required
def paper_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a sheet and see what would be recorded, row by row; nothing is written yet."""
    workshop = _workshop(pk)
    require(request.user, Action.WORKSHOP_ATTENDANCE_TAKE, workshop)
    form = SheetForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > paper.MAX_BYTES:
            form.add_error("file", paper.too_large(upload.size))
        else:
            try:
                preview = paper.sheet_preview(workshop=workshop, data=upload.read(), file_name=upload.name)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                request.session[_sheet_key(workshop)] = preview.as_session()
    labels = dict(AttendanceStatus.choices)
    rows = [
        (row, labels.get(row.status, row.values.get("status", "")), [paper.problem_message(p) for p in row.problems])
        for row in (preview.rows if preview else [])
    ]
    return render(
        request, "workshops/paper.html", {"workshop": workshop, "form": form, "preview": preview, "rows": rows}
    )


@login_required
@require_POST
def paper_commit(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(pk)
    require(request.user, Action.WORKSHOP_ATTENDANCE_TAKE, workshop)
    stored = request.session.get(_sheet_key(workshop))
    if stored is None:
        messages.error(request, _("Upload the sheet first; the preview was not found or has been used."))
        return redirect("workshops:paper_upload", pk=workshop.pk)
    preview = paper.SheetPreview.from_session(stored)
    try:
        report = paper.sheet_commit(workshop=workshop, preview=preview, marked_by=_person(request))
    except AttendanceRefused as refusal:
        messages.error(
            request,
            _("Nothing was recorded: %(reason)s Upload the sheet again to see the rows as they are now.")
            % {"reason": " ".join(refusal.messages)},
        )
        return redirect("workshops:paper_upload", pk=workshop.pk)
    del request.session[_sheet_key(workshop)]
    messages.success(
        request,
        _(
            "Sheet recorded: %(applied)d marks applied, %(superseded)d kept in the history behind later marks, "
            "%(duplicate)d already recorded from an earlier upload, %(skipped)d rows skipped."
        )
        % {
            "applied": report.applied,
            "superseded": report.superseded,
            "duplicate": report.duplicate,
            "skipped": report.skipped,
        },
    )
    return redirect("workshops:attendance", pk=workshop.pk)
