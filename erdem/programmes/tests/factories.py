import datetime

import factory

from erdem.organisations.tests.factories import InstitutionFactory
from erdem.programmes.models import Programme


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name_mn = factory.Sequence(lambda n: f"Хөтөлбөр {n}")
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    national_centre = factory.SubFactory(InstitutionFactory)
    starts_on = datetime.date(2024, 9, 1)
