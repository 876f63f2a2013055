"""Fields and helpers the API's serializers share."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from opengov.dates import iso_of
from opengov.translations import pending_languages


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class TranslationPendingField(serializers.Field):
    """The languages a text of the object waits to be translated into (language codes)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> list[str]:
        return pending_languages(value)


def bilingual(*names: str) -> list[str]:
    return [f"{name}_{code}" for name in names for code in ("ar", "fr")]


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{4}-\d{2}(-\d{2})?$",
        "example": "2024-03",
        "description": "A day (2024-03-15) or a month (2024-03), as `<name>_precision` says.",
    }
)
class MonthOrDayField(serializers.Field):
    """A date that may be a month (opengov.dates): "2024-03" or "2024-03-15"."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return iso_of(obj, self.field_name) or None
