from django.db import models
from django.utils.translation import gettext_lazy as _

from erdem.core.i18n import BilingualNameMixin, localized


class Programme(BilingualNameMixin):
    """A national programme run by a national centre; several can run side by side."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    description_mn = models.TextField(_("description (Mongolian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    national_centre = models.ForeignKey(
        "organisations.Institution",
        on_delete=models.PROTECT,
        related_name="programmes_run",
        verbose_name=_("national centre"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    @property
    def description(self) -> str:
        return localized(self, "description")
