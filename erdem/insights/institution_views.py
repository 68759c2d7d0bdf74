"""One institution's dashboard, for its coordinators and the national admins (INSTITUTION_PEOPLE_VIEW).

The same figures, funnel, trends and breakdowns as the national dashboard, for the institution's
educators only, exact (its readers may see its staff's names anyway), and below them the staff table
with names (`staff.staff_context`).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from erdem.access.policy import Action, require
from erdem.cascade.trainer_views import programme_for
from erdem.insights import rollups, staff
from erdem.insights.measures import Dimension
from erdem.insights.national_views import dashboard_context
from erdem.insights.selectors import Scope
from erdem.organisations.models import Institution

INSTITUTION_DIMENSIONS = (
    Dimension.DISCIPLINE,
    Dimension.GENDER,
    Dimension.LANGUAGE,
    Dimension.COURSE,
    Dimension.MONTH,
)


@login_required
@require_GET
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(Institution.objects.select_related("region"), pk=pk)
    require(request.user, Action.INSTITUTION_PEOPLE_VIEW, institution)
    programme = programme_for(request.user)
    if programme is None:
        raise Http404
    rollups.rollup_refresh_if_stale(programme=programme, started_by=request.user)
    context = dashboard_context(
        request,
        programme=programme,
        scope=Scope(institution_id=institution.pk),
        dimensions=INSTITUTION_DIMENSIONS,
        default_by=Dimension.DISCIPLINE,
    )
    context["institution"] = institution
    context["export_query"] = f"{context['export_query']}&institution={institution.pk}"
    context["export_base"] = f"{context['export_base']}&institution={institution.pk}"
    context.update(staff.staff_context(request=request, programme=programme, institution=institution))
    return render(request, "insights/institution.html", context)
