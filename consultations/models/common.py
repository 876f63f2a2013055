"""Small pieces the consultations models share: upload names, year bounds."""

import uuid
from pathlib import Path

from django.core.validators import MaxValueValidator, MinValueValidator

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
