"""Validators shared by the apps: the upload fields' size limit (what a file is, and its stored
name, are decided by its content in opengov.uploads, SniffedFileField) and the address of a page
on OGP's site (a plan's or a commitment's)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# The extension validators below judged the typed name; no field uses them any more. They stay
# because earlier migrations name them.
DOCUMENT_EXTENSIONS = ["pdf", "doc", "docx", "odt", "xls", "xlsx", "ods", "ppt", "pptx", "odp"]
IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]

validate_document_or_image_extension = FileExtensionValidator(
    allowed_extensions=DOCUMENT_EXTENSIONS + IMAGE_EXTENSIONS,
    message=_(
        "Files of type “%(extension)s” are not accepted. Accepted types: %(allowed_extensions)s."
    ),
)
validate_image_extension = FileExtensionValidator(
    allowed_extensions=IMAGE_EXTENSIONS,
    message=_("Only images are accepted (%(allowed_extensions)s)."),
)


@deconstructible
class MaxFileSizeValidator:
    """Refuses files larger than settings.MAX_UPLOAD_BYTES (read when validating)."""

    def __call__(self, file) -> None:
        limit = settings.MAX_UPLOAD_BYTES
        if file.size is not None and file.size > limit:
            raise ValidationError(
                _("This file is %(size)s; the largest accepted is %(limit)s."),
                code="file_too_large",
                params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, MaxFileSizeValidator)


validate_file_size = MaxFileSizeValidator()


def validate_evidence_content(file) -> None:
    """Kept for the migrations that name it: the upload fields are now SniffedFileFields, which
    judge content themselves (opengov.uploads)."""
    from .uploads import sniff

    sniff(file, "document", getattr(file, "name", "") or "")


OGP_HOST = "opengovpartnership.org"


def validate_ogp_url(value: str) -> None:
    """An https address on OGP's own site (opengovpartnership.org or www.)."""
    parts = urlsplit(value or "")
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or host not in (OGP_HOST, f"www.{OGP_HOST}"):
        raise ValidationError(
            _("Give the page on OGP's site, starting with https://www.%(host)s/."),
            code="not_ogp",
            params={"host": OGP_HOST},
        )
