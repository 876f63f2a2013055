"""The United Nations Sustainable Development Goals a commitment serves: seventeen rows, seeded
by a data migration with the UN's official names in Arabic, French and English, and never
edited from the portal."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

SDG_COUNT = 17


class SustainableDevelopmentGoal(models.Model):
    """One of the seventeen goals, by its number (its key) and its official names."""

    # Rows made by a migration, not data: restore_dataset and generate_scale --flush leave the
    # table to the migration (opengov reads this flag without naming the app).
    SEEDED_BY_MIGRATION = True

    number = models.PositiveSmallIntegerField(
        _("number"),
        primary_key=True,
        validators=[MinValueValidator(1), MaxValueValidator(SDG_COUNT)],
    )
    name_ar = models.CharField(_("name in Arabic"), max_length=120)
    name_fr = models.CharField(_("name in French"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)

    class Meta:
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=SDG_COUNT),
                name="sustainabledevelopmentgoal_number_1_to_17",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        """The official name in the active language (English outside Arabic and French)."""
        language = (translation.get_language() or "").split("-")[0]
        return getattr(self, f"name_{language}", None) or self.name_en
