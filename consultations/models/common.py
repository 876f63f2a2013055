"""Small pieces the consultations models share: upload names, year bounds, the comparison of a
row with its stored values."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def random_upload_name(prefix: str, filename: str) -> str:
    """A storage name under prefix made of random hex, keeping only the (lowercased) extension,
    so that nothing a user typed in a file name reaches the file system."""
    extension = Path(filename).suffix.lower()
    if not extension[1:].isalnum() or len(extension) > 6:
        extension = ""
    return f"{prefix}/{uuid.uuid4().hex}{extension}"


# More people than any workshop could hold, far below the 32-bit sum the database checks.
MAX_PARTICIPANTS = 1_000_000


def council_logo_path(_instance, filename: str) -> str:
    return random_upload_name("councils/logos", filename)


def workshop_document_path(_instance, filename: str) -> str:
    return random_upload_name("workshops/documents", filename)


def differs_from_stored(obj: models.Model) -> bool:
    """Whether a saved row's editable values differ from its stored ones. A translated field
    is compared language by language (its untranslated twin follows the active language)."""
    names = {field.name for field in obj._meta.concrete_fields}
    fields = [
        field
        for field in obj._meta.concrete_fields
        if field.editable
        and not field.primary_key
        and not any(f"{field.name}_{code}" in names for code, _name in settings.LANGUAGES)
    ]
    stored = (
        type(obj)
        ._base_manager.filter(pk=obj.pk)
        .values_list(*[field.attname for field in fields])
        .first()
    )
    if stored is None:
        return True
    return any(
        getattr(obj, field.attname) != value for field, value in zip(fields, stored, strict=True)
    )
