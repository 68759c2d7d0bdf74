"""Test data for the portfolio: a portfolio, entries (with AI CFT competencies by code) and endorsements."""

from typing import Any, cast

import factory

from erdem.frameworks.models import Competency
from erdem.frameworks.selectors import UNESCO_AI_CFT
from erdem.people.tests.factories import PersonFactory
from erdem.portfolio.models import Endorsement, Entry, Portfolio


class PortfolioFactory(factory.django.DjangoModelFactory[Portfolio]):
    class Meta:
        model = Portfolio
        django_get_or_create = ("person",)

    person = factory.SubFactory(PersonFactory)
    headline = "Багш, мэдээллийн технологи"
    summary = "Хичээлдээ хиймэл оюуныг хариуцлагатай ашигладаг."


class EntryFactory(factory.django.DjangoModelFactory[Entry]):
    class Meta:
        model = Entry
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    kind = Entry.Kind.LESSON_PLAN
    title = factory.Sequence(lambda n: f"Хичээлийн төлөвлөгөө {n}")
    body = "Сурагчид **ChatGPT**-ээр эх сурвалж шалгав."
    language = "mn"
    course_taught = "Мэдээлэл зүй, 10-р анги"
    visibility = Entry.Visibility.PRIVATE

    @factory.post_generation
    def competency_codes(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        """`EntryFactory(competency_codes=["1.1", "2.3"])` tags the entry with those AI CFT competencies."""
        if create and extracted:
            entry = cast(Entry, self)
            entry.competencies.set(Competency.objects.filter(framework__code=UNESCO_AI_CFT, code__in=list(extracted)))


class EndorsementFactory(factory.django.DjangoModelFactory[Endorsement]):
    """An endorsement asked for and not yet answered (a given one needs a signed document: use the service)."""

    class Meta:
        model = Endorsement

    entry = factory.SubFactory(EntryFactory)
    endorser = factory.SubFactory(PersonFactory)
    relation = Endorsement.Relation.PEER
    status = Endorsement.Status.REQUESTED
    request_note = "Энэ хичээлийн төлөвлөгөөг үнэлж өгнө үү."


def make_entry(**fields: Any) -> Entry:
    """EntryFactory typed as what it returns."""
    return cast(Entry, EntryFactory(**fields))
