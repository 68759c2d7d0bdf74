"""Reads for people: lists, look-ups by e-mail, the programme newcomers join."""

from collections.abc import Collection

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from erdem.core.i18n import localized_order, mongolian_order
from erdem.organisations.models import Institution
from erdem.people.models import Person, StaffImport


def institutions_for_registration() -> QuerySet[Institution]:
    """Active institutions sorted by their name in the active language."""
    return Institution.objects.filter(is_active=True).order_by(localized_order("name"), "pk")


def institutions_by_email(emails: Collection[str]) -> dict[str, int | None]:
    """For each of `emails` (lower-cased) that already has an account, the account's institution id."""
    rows = (
        Person.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=list(emails))
        .values_list("email_lower", "institution_id")
    )
    return dict(rows)


def person_by_email(email: str) -> Person | None:
    return Person.objects.filter(email__iexact=email.strip()).first()


PEOPLE_LIST_FIELDS = (
    "email",
    "family_name",
    "given_name",
    "family_name_latin",
    "given_name_latin",
    "department",
    "discipline",
    "academic_position",
    "email_confirmed_at",
    "date_joined",
    "password",
    "institution_id",
)


def institution_people(*, institution: Institution, search: str = "") -> QuerySet[Person]:
    """An institution's staff by name, optionally narrowed by a name or e-mail fragment."""
    people = Person.objects.filter(institution=institution).only(*PEOPLE_LIST_FIELDS)
    for term in search.split()[:5]:
        people = people.filter(
            Q(family_name__icontains=term)
            | Q(given_name__icontains=term)
            | Q(family_name_latin__icontains=term)
            | Q(given_name_latin__icontains=term)
            | Q(email__icontains=term)
        )
    return people.order_by(mongolian_order("family_name"), mongolian_order("given_name"), "pk")


def staff_imports_of(*, institution: Institution) -> QuerySet[StaffImport]:
    return (
        StaffImport.objects.filter(institution=institution)
        .select_related("uploaded_by")
        .defer("rows", "report")
        .order_by("-created_at")
    )
