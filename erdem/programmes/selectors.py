from erdem.programmes.models import Programme


def programme_current() -> Programme | None:
    """The active programme that started last: the one new educators join and the landing page presents."""
    return (
        Programme.objects.filter(is_active=True).select_related("national_centre").order_by("-starts_on", "-pk").first()
    )
