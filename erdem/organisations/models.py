from django.db import models
from django.utils.translation import gettext_lazy as _

from erdem.core.i18n import BilingualNameMixin, localized


class Region(BilingualNameMixin):
    """The capital or one of the 21 aimags, keyed by its ISO 3166-2:MN code."""

    class Kind(models.TextChoices):
        CAPITAL = "capital", _("capital city")
        AIMAG = "aimag", _("aimag")

    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=8, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["kind", "name_en"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Institution(BilingualNameMixin):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("university")
        INSTITUTE = "institute", _("institute")
        COLLEGE = "college", _("college")

    class Ownership(models.TextChoices):
        STATE = "state", _("state")
        PRIVATE = "private", _("private")
        OTHER = "other", _("other")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    short_name_mn = models.CharField(_("short name (Mongolian)"), max_length=40)
    short_name_en = models.CharField(_("short name (English)"), max_length=40)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("region"))
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    @property
    def short_name(self) -> str:
        return localized(self, "short_name")
