"""The trainer's dashboard: the cohorts the signed-in person trains, each with its figures (members,
started, completed, certified, workshop attendance, course ratings) and its members by name, as the
cohort's progress page shows them. Open to those who may list cohorts (trainers, master teachers,
mentors, coordinators, national admins, and anyone training a cohort); someone training none sees a
page that says so.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from erdem.access.policy import Action, require
from erdem.core.i18n import active_language
from erdem.insights.staff import MEMBERS_SHOWN, trainer_cohorts


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.COHORT_LIST_VIEW)
    cohorts = trainer_cohorts(person=request.user, language=active_language())
    context = {
        "cohorts": cohorts,
        "members_shown": MEMBERS_SHOWN,
        "totals": {
            "members": sum(row.members for row in cohorts),
            "completed": sum(row.completed for row in cohorts),
            "certified": sum(row.certified for row in cohorts),
        },
    }
    return render(request, "insights/trainer.html", context)
