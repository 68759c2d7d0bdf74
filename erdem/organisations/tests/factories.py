import factory

from erdem.organisations.models import Institution, Region


def region(iso_code: str = "MN-1") -> Region:
    """Regions are reference data loaded by a migration; tests look them up."""
    return Region.objects.get(iso_code=iso_code)


class InstitutionFactory(factory.django.DjangoModelFactory[Institution]):
    class Meta:
        model = Institution

    code = factory.Sequence(lambda n: f"inst-{n}")
    name_mn = factory.Sequence(lambda n: f"Их сургууль {n}")
    name_en = factory.Sequence(lambda n: f"University {n}")
    short_name_mn = factory.Sequence(lambda n: f"ИС{n}")
    short_name_en = factory.Sequence(lambda n: f"U{n}")
    kind = Institution.Kind.UNIVERSITY
    ownership = Institution.Ownership.STATE
    region = factory.LazyFunction(region)
