from typing import Any, cast

import factory
from django.utils import timezone

from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.models import Person


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.mn")
    family_name = "Батболд"
    given_name = factory.Sequence(lambda n: f"Сараа{n}")
    family_name_latin = "Batbold"
    given_name_latin = factory.Sequence(lambda n: f"Saraa{n}")
    institution = factory.SubFactory(InstitutionFactory)
    consent_at = factory.LazyFunction(timezone.now)
    consent_version = "2026-01"
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @classmethod
    def _after_postgeneration(cls, instance: Person, create: bool, results: dict | None = None) -> None:
        if create:
            instance.save()


def make_person(**fields: Any) -> Person:
    """PersonFactory typed as what it returns, for tests that read the person's fields."""
    return cast(Person, PersonFactory(**fields))
