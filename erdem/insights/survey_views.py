"""Follow-up survey pages: the builder, sending and results for national admins (PROGRAMME_MANAGE on the
survey's programme), and the answering page for the invited person (the signed link names the invitation;
nobody else signed in may use it). Thin: reads and writes are in erdem.insights.surveys."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from erdem.access.policy import Action, require
from erdem.access.selectors import programme_required
from erdem.core.i18n import active_language, localized
from erdem.insights import surveys as services
from erdem.insights.models import Survey, SurveyQuestion
from erdem.insights.survey_forms import AnswerForm, QuestionForm, SurveyForm
from erdem.insights.tasks import survey_sending_task
from erdem.jobs.models import Job
from erdem.jobs.services import job_enqueue


def _survey(request: HttpRequest, pk: int) -> Survey:
    """The survey `pk`, for a national admin of its own programme."""
    survey = get_object_or_404(Survey.objects.select_related("programme"), pk=pk)
    require(request.user, Action.PROGRAMME_MANAGE, survey.programme)
    return survey


def _title(survey: Survey) -> str:
    return localized(survey, "title")


@login_required
@require_GET
def surveys(request: HttpRequest) -> HttpResponse:
    programme = programme_required(request.user, Action.PROGRAMME_MANAGE)
    rows = [
        {
            "survey": survey,
            "title": _title(survey),
            "rate": services.response_percent(answered=survey.answered, sent=survey.sent),  # type: ignore[attr-defined]
        }
        for survey in services.surveys_of(programme=programme)
    ]
    return render(request, "insights/surveys.html", {"programme": programme, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    programme = programme_required(request.user, Action.PROGRAMME_MANAGE)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = services.survey_create(programme=programme, created_by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("The survey was created. Add its questions, then start sending it."))
        return redirect("insights:survey", pk=survey.pk)
    return render(request, "insights/survey_form.html", {"programme": programme, "form": form})


DETAIL_ACTIONS = ("save", "activate", "close", "up", "down", "delete")


@login_required
@require_http_methods(["GET", "POST"])
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = SurveyForm(instance=survey)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "save":
            # A copy: the form writes what was typed onto its instance, even when it is refused.
            form = SurveyForm(request.POST, instance=Survey.objects.get(pk=survey.pk))
            if form.is_valid():
                services.survey_update(survey=form.instance, **form.cleaned_data)
                messages.success(request, _("The survey's settings were saved."))
                return redirect("insights:survey", pk=survey.pk)
        elif action in DETAIL_ACTIONS:
            _detail_action(request, survey, action)
            return redirect("insights:survey", pk=survey.pk)
        else:
            messages.error(request, _("Nothing was changed."))
            return redirect("insights:survey", pk=survey.pk)
    questions = [
        {
            "question": question,
            "text": localized(question, "text"),
            "choices": [(localized(choice, "label"), choice.integrating) for choice in question.choices.all()],
        }
        for question in services.survey_questions(survey=survey)
    ]
    counts = services.surveys_of(programme=survey.programme).get(pk=survey.pk)
    return render(
        request,
        "insights/survey_detail.html",
        {
            "survey": survey,
            "title": _title(survey),
            "form": form,
            "questions": questions,
            "problems": services.survey_problems(survey=survey),
            "counts": counts,
            "rate": services.response_percent(answered=counts.answered, sent=counts.sent),  # type: ignore[attr-defined]
        },
    )


def _detail_action(request: HttpRequest, survey: Survey, action: str) -> None:
    try:
        if action == "activate":
            services.survey_activate(survey=survey)
            messages.success(request, _("The survey is being sent: invitations go out with the daily sending."))
        elif action == "close":
            services.survey_close(survey=survey)
            messages.success(request, _("The survey is closed: no more invitations or answers."))
        else:
            question = survey.questions.filter(pk=request.POST.get("question") or 0).first()
            if question is None:
                messages.error(request, _("That question is no longer in the survey."))
            elif action == "delete":
                services.question_delete(question=question)
                messages.success(request, _("The question was removed."))
            else:
                services.question_move(question=question, direction="up" if action == "up" else "down")
    except services.SurveyError as error:
        messages.error(request, str(error))


def _question_page(request: HttpRequest, survey: Survey, question: SurveyQuestion | None) -> HttpResponse:
    form = QuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_save(
                survey=survey,
                question=question,
                kind=data["kind"],
                text_mn=data["text_mn"],
                text_en=data["text_en"],
                required=data["required"],
                choices_mn=data["labels_mn"],
                choices_en=data["labels_en"],
                integrating=data["integrating"],
            )
        except services.SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The question was saved."))
            return redirect("insights:survey", pk=survey.pk)
    return render(
        request,
        "insights/survey_question.html",
        {"survey": survey, "title": _title(survey), "question": question, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _question_page(request, _survey(request, pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int, question_id: int) -> HttpResponse:
    survey = _survey(request, pk)
    question = get_object_or_404(SurveyQuestion.objects.prefetch_related("choices"), pk=question_id, survey=survey)
    return _question_page(request, survey, question)


@login_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    return render(
        request,
        "insights/survey_results.html",
        {"survey": survey, "title": _title(survey), "results": services.survey_results(survey=survey)},
    )


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    if survey.status != Survey.Status.ACTIVE:
        messages.error(request, _("Only a survey being sent has invitations to send: start sending it first."))
        return redirect("insights:survey", pk=survey.pk)
    job = job_enqueue(
        task=survey_sending_task,
        kind=Job.Kind.SURVEY_SENDING,
        started_by=request.user,
        programme_id=survey.programme_id,
    )
    return redirect("jobs:detail", pk=job.pk)


# --- answering -------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_from_token(token=token)
    if invitation is None:
        raise Http404
    if request.user.is_authenticated and request.user.pk != invitation.person_id:
        raise PermissionDenied
    survey = invitation.survey
    context: dict[str, Any] = {
        "survey": survey,
        "title": _title(survey),
        "intro": localized(survey, "intro"),
        "first_name": invitation.person.given_name,
    }
    response = getattr(invitation, "response", None)
    if response is not None:
        return render(request, "insights/survey_answered.html", {**context, "response": response})
    if survey.status != Survey.Status.ACTIVE:
        return render(request, "insights/survey_closed.html", context)
    questions = services.survey_questions(survey=survey)
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(invitation=invitation, answers=form.answers(), language_code=active_language())
        except services.SurveyAnswered as refused:
            return render(request, "insights/survey_answered.html", {**context, "response": refused.response})
        except services.SurveyError as error:
            if Survey.objects.filter(pk=survey.pk, status=Survey.Status.ACTIVE).exists():
                form.add_error(None, str(error))
            else:
                return render(request, "insights/survey_closed.html", context)
        else:
            return redirect("insights:survey_answer", token=token)
    return render(request, "insights/survey_answer.html", {**context, "form": form})
