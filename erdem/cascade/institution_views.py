"""The cascade at one institution, for its coordinators and the national admins.

Who trains and mentors there (current appointments held by its staff) and how far each reached; how
many of its staff the cascade has reached and who trained them; the mentoring pairs involving its
staff; and the gaps, such as no active trainer working there. A fixed number of queries whatever the
number of staff: reach is counted in the database, the staff list is paginated.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from erdem.access.policy import Action, require
from erdem.cascade.models import Appointment, LineageNode, MentorAssignment, Tier
from erdem.cascade.trainer_views import certified_exists, programme_for
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.programmes.models import Programme

STAFF_PER_PAGE = 50
TRAINER_TIERS = (Tier.MASTER_TEACHER, Tier.REGIONAL_TRAINER)


def _branch_count(programme: Programme, *, direct: bool) -> Coalesce:
    """People below the appointment holder's lineage node (or trained by them directly), as a subquery."""
    nodes = LineageNode.objects.filter(programme=programme)
    if direct:
        nodes = nodes.filter(trainer_id=OuterRef("person_id"))
    else:
        own_path = LineageNode.objects.filter(programme=programme, person_id=OuterRef(OuterRef("person_id")))
        nodes = nodes.filter(path__startswith=Subquery(own_path.values("path")[:1])).exclude(
            person_id=OuterRef("person_id")
        )
    counted = nodes.order_by().values("programme").annotate(people=Count("id")).values("people")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def institution_appointments(*, programme: Programme, institution: Institution) -> list[Appointment]:
    """Current appointments held by the institution's staff, each with `direct` and `reach`: one query."""
    today = timezone.localdate()
    return list(
        Appointment.objects.filter(
            programme=programme,
            person__institution=institution,
            ended_at__isnull=True,
            term_ends_on__gte=today,
            starts_on__lte=today,
        )
        .select_related("person")
        .annotate(direct=_branch_count(programme, direct=True), reach=_branch_count(programme, direct=False))
        .order_by("tier", "person__family_name", "person__given_name", "pk")
    )


def _reached(programme: Programme) -> Exists:
    """In the lineage below a master teacher: someone the cascade reached."""
    return Exists(LineageNode.objects.filter(programme=programme, person_id=OuterRef("pk"), depth__gt=0))


def institution_staff(*, programme: Programme, institution: Institution) -> Any:
    """The institution's active staff, each with `reached`, reached first."""
    return (
        Person.objects.filter(institution=institution, is_active=True)
        .annotate(reached=_reached(programme))
        .order_by("-reached", "family_name", "given_name", "pk")
    )


@login_required
@require_GET
def institution(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(Institution.objects.select_related("region"), pk=pk)
    require(request.user, Action.CASCADE_INSTITUTION_VIEW, institution)
    programme = programme_for(request.user)
    if programme is None:
        raise Http404
    appointments = institution_appointments(programme=programme, institution=institution)
    staff = institution_staff(programme=programme, institution=institution)
    counts = Person.objects.filter(institution=institution, is_active=True).aggregate(
        total=Count("pk"), reached=Count("pk", filter=Q(_reached(programme)))
    )
    page = Paginator(staff, STAFF_PER_PAGE).get_page(request.GET.get("page"))
    people = list(page.object_list)
    nodes = {
        node.person_id: node
        for node in LineageNode.objects.filter(programme=programme, person__in=people)
        .select_related("trainer")
        .annotate(is_certified=certified_exists(programme))
    }
    rows = [{"person": person, "node": nodes.get(person.pk)} for person in people]
    pairs = list(
        MentorAssignment.objects.filter(programme=programme, ended_at__isnull=True)
        .filter(Q(mentor__institution=institution) | Q(mentee__institution=institution))
        .select_related("mentor__institution", "mentee__institution")
        .annotate(session_count=Count("sessions"))
        .order_by("mentor__family_name", "mentee__family_name", "pk")
    )
    trainers = [a for a in appointments if a.tier in TRAINER_TIERS]
    mentors = [a for a in appointments if a.tier == Tier.MENTOR]
    gaps = []
    if not trainers:
        gaps.append("no_trainer")
    if not mentors:
        gaps.append("no_mentor")
    context = {
        "programme": programme,
        "institution": institution,
        "appointments": appointments,
        "staff_total": counts["total"],
        "staff_reached": counts["reached"],
        "staff_not_reached": counts["total"] - counts["reached"],
        "page": page,
        "rows": rows,
        "pairs": pairs,
        "gaps": gaps,
    }
    return render(request, "cascade/institution.html", context)
