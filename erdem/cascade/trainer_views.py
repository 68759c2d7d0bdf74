"""A trainer's own cascade: "My cascade", the same page about another trainer, and nominating a trainer.

"My cascade" shows the reach of a master teacher, trainer or mentor in the current programme: the
figures, the branch as a sunburst with its data table, and the people they trained themselves. The page
about another trainer is for the national admins, the coordinator of that trainer's institution and the
trainer; anyone else is told it does not exist. Reads come from erdem.cascade.selectors, writes from
erdem.cascade.services.
"""

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from erdem.access.models import Role, RoleAssignment
from erdem.access.policy import Action, can, grants_for
from erdem.access.selectors import programme_required
from erdem.cascade import selectors
from erdem.cascade.charts import sunburst_svg
from erdem.cascade.models import LineageNode, Nomination
from erdem.cascade.services import REASON_MAX_LENGTH, CascadeError, nomination_create
from erdem.organisations.models import Region
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.programmes.selectors import programme_current

NOMINATIONS_SHOWN = 50


def cascade_programme(person: Any, action: Action) -> Programme:
    """The programme the page is about; PermissionDenied when the person may not, 404 without any programme."""
    return programme_required(person, action)


def programme_for(person: Any) -> Programme | None:
    """The programme a page about someone else's cascade is about: the current one when the reader holds a
    role in it (or holds none anywhere), else the latest active programme in which they hold one."""
    current = programme_current()
    held = {grant.programme_id for grant in grants_for(person).grants}
    if current is None or current.pk in held or not held:
        return current
    latest = Programme.objects.filter(is_active=True, pk__in=held).order_by("-starts_on", "-pk").first()
    return latest or current


def certified_exists(programme: Programme, person_ref: str = "person_id") -> Exists:
    """True for a person holding an active micro-certificate of the programme ("certified", as the
    selectors count it)."""
    from erdem.credentials.models import Achievement, Credential

    return Exists(
        Credential.objects.filter(
            person_id=OuterRef(person_ref),
            achievement__programme=programme,
            achievement__kind=Achievement.Kind.MICRO_CERTIFICATE,
            status=Credential.Status.ACTIVE,
        )
    )


def may_view_trainer(viewer: Any, programme: Programme, person: Person) -> bool:
    """National admins of the programme, the coordinator of the trainer's institution, the trainer."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == person.pk or can(viewer, Action.CASCADE_NATIONAL_VIEW, programme):
        return True
    return person.institution_id is not None and person.institution_id in grants_for(viewer).institution_ids(
        Role.COORDINATOR
    )


@dataclass
class Generation:
    depth: int
    people: int
    certified: int


@dataclass
class Trainee:
    person: Person
    trained_at: Any
    source: str
    certified: bool
    reach: int


def generations(*, programme: Programme, node: LineageNode) -> list[Generation]:
    """People and certified people per generation below `node` (one query); generation 1 is the node's
    own trainees."""
    rows = (
        LineageNode.objects.filter(programme=programme, path__startswith=node.path, depth__gt=node.depth)
        .annotate(is_certified=certified_exists(programme))
        .values("depth")
        .annotate(people=Count("pk"), certified=Count("pk", filter=Q(is_certified=True)))
        .order_by("depth")
    )
    return [Generation(row["depth"] - node.depth, row["people"], row["certified"]) for row in rows]


def direct_trainees(*, programme: Programme, person: Person) -> list[Trainee]:
    nodes = selectors.trainees(programme=programme, person=person)
    nodes = nodes.annotate(is_certified=certified_exists(programme))
    return [
        Trainee(
            person=node.person,
            trained_at=node.trained_at,
            source=str(node.get_source_display()),
            certified=bool(node.is_certified),
            reach=int(node.reach),  # type: ignore[attr-defined]
        )
        for node in nodes
    ]


def cascade_report(*, programme: Programme, person: Person) -> dict[str, Any]:
    """Everything the page about one trainer shows; `node` is None when the person is not in the lineage."""
    node = LineageNode.objects.filter(programme=programme, person=person).select_related("trainer", "root").first()
    if node is None:
        return {"node": None, "person": person, "programme": programme}
    tree = selectors.branch_tree(programme=programme, person=person)
    return {
        "node": node,
        "person": person,
        "programme": programme,
        "reach": selectors.reach_of(programme=programme, person=person),
        "sunburst": sunburst_svg(tree),
        "generations": generations(programme=programme, node=node),
        "trainees": direct_trainees(programme=programme, person=person),
    }


def _may_nominate(person: Any, programme: Programme) -> bool:
    return can(person, Action.NOMINATION_CREATE, programme)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    person = cast(Person, request.user)
    programme = cascade_programme(person, Action.CASCADE_OWN_VIEW)
    context = cascade_report(programme=programme, person=person)
    context.update(own=True, may_nominate=_may_nominate(person, programme), may_export=True)
    return render(request, "cascade/mine.html", context)


@login_required
@require_GET
def trainer(request: HttpRequest, person_id: int) -> HttpResponse:
    viewer = cast(Person, request.user)
    programme = programme_for(viewer)
    person = Person.objects.select_related("institution").filter(pk=person_id, is_active=True).first()
    if programme is None or person is None or not may_view_trainer(viewer, programme, person):
        raise Http404
    context = cascade_report(programme=programme, person=person)
    context.update(own=person.pk == viewer.pk, may_nominate=False, may_export=False)
    return render(request, "cascade/trainer.html", context)


# --- nominating a trainer ---------------------------------------------------------------------------------------


class TraineeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        institution = obj.institution.short_name if obj.institution_id else ""
        return f"{obj.full_name} ({institution})" if institution else obj.full_name


class RegionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class NominationForm(forms.Form):
    nominee = TraineeChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=gettext_lazy("One of the people you trained"),
        empty_label=gettext_lazy("— choose —"),
    )
    email = forms.EmailField(
        required=False,
        label=gettext_lazy("Or their e-mail address"),
        help_text=gettext_lazy("Anyone taking part in the programme."),
    )
    regions = RegionChoiceField(
        queryset=Region.objects.all(),
        required=False,
        label=gettext_lazy("Regions they would train in"),
        widget=forms.CheckboxSelectMultiple,
    )
    statement = forms.CharField(
        label=gettext_lazy("Why this person"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What they have shown as an educator and why they would train others well."),
    )

    def __init__(self, *args: Any, programme: Programme, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        trained = LineageNode.objects.filter(programme=programme, trainer=person).values("person_id")
        field = cast(forms.ModelChoiceField, self.fields["nominee"])
        field.queryset = (
            Person.objects.filter(pk__in=trained, is_active=True)
            .select_related("institution")
            .order_by("family_name", "given_name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen, email = data.get("nominee"), data.get("email")
        if chosen is not None and email:
            raise forms.ValidationError(_("Choose one of the people you trained or give an e-mail address, not both."))
        if chosen is None and not email:
            if "email" not in self.errors:
                raise forms.ValidationError(_("Choose who you nominate."))
            return data
        if chosen is None:
            in_programme = Exists(
                RoleAssignment.objects.current().filter(person_id=OuterRef("pk"), programme=self.programme)
            ) | Exists(LineageNode.objects.filter(person_id=OuterRef("pk"), programme=self.programme))
            found = Person.objects.filter(in_programme, email__iexact=email, is_active=True).first()
            if found is None:
                self.add_error("email", _("Nobody taking part in the programme has this e-mail address."))
                return data
            data["nominee"] = found
        return data


def own_nominations(*, programme: Programme, person: Person) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(programme=programme, nominated_by=person)
        .select_related("nominee")
        .prefetch_related("regions")
        .order_by("-nominated_at")[:NOMINATIONS_SHOWN]
    )


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest) -> HttpResponse:
    person = cast(Person, request.user)
    programme = cascade_programme(person, Action.NOMINATION_CREATE)
    form = NominationForm(request.POST or None, programme=programme, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = nomination_create(
                programme=programme,
                nominee=form.cleaned_data["nominee"],
                nominated_by=person,
                statement=form.cleaned_data["statement"],
                regions=form.cleaned_data["regions"],
            )
        except CascadeError as error:
            field = error.field if error.field in form.fields else None
            form.add_error("email" if field == "nominee" and form.cleaned_data.get("email") else field, error.message)
        else:
            messages.success(
                request,
                _("Nomination sent: %(person)s. The national centre will decide.")
                % {"person": nomination.nominee.full_name},
            )
            return redirect("cascade:nominate")
    context = {
        "programme": programme,
        "form": form,
        "nominations": own_nominations(programme=programme, person=person),
    }
    return render(request, "cascade/nominate.html", context)
