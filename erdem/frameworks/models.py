from django.db import models
from django.utils.translation import gettext_lazy as _

from erdem.core.i18n import BilingualNameMixin


class Framework(BilingualNameMixin):
    """A reference competency framework (UNESCO AI CFT, UNESCO ICT CFT, DigCompEdu, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    version = models.CharField(_("version"), max_length=20)
    publisher = models.CharField(_("publisher"), max_length=100)
    url = models.URLField(_("reference"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")


class Dimension(BilingualNameMixin):
    """An aspect (UNESCO) or area (DigCompEdu) grouping competencies."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="dimensions", verbose_name=_("competency framework")
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="dimension_code_unique")]
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")


class Level(BilingualNameMixin):
    """A progression level: Acquire/Deepen/Create, or A1 to C2."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="levels", verbose_name=_("competency framework")
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="level_code_unique")]
        verbose_name = _("level")
        verbose_name_plural = _("levels")


class Competency(BilingualNameMixin):
    """One competency, addressed elsewhere by its framework-qualified code (e.g. `unesco-ai-cft:2.1`).

    In the UNESCO frameworks a competency sits at one aspect and one level; in
    DigCompEdu a competence spans all proficiency levels, so `level` is empty.
    """

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="competencies", verbose_name=_("competency framework")
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="competencies", verbose_name=_("aspect")
    )
    level = models.ForeignKey(
        Level,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="competencies",
        verbose_name=_("level"),
    )
    code = models.CharField(_("code"), max_length=20)
    description_mn = models.TextField(_("description (Mongolian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["framework", "dimension__position", "level__position", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="competency_code_unique")]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    @property
    def qualified_code(self) -> str:
        return f"{self.framework.code}:{self.code}"
