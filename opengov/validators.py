"""Validators shared by the apps' upload fields."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

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


# What an evidence file may be, recognised by its first bytes (not its name): PDF, images, and
# office documents (OOXML and OpenDocument are ZIP files with a known first entry; old MS Office
# files are OLE compound files).
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/vnd.ms-office"),
)
ZIP_OFFICE = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def sniff_content_type(head: bytes, file=None) -> str | None:
    """The content type the bytes show, or None when they are not an accepted kind."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04") and file is not None:
        import zipfile

        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype.startswith("application/vnd.oasis.opendocument."):
                        return mimetype
                if "[Content_Types].xml" in names:
                    for prefix, content_type in ZIP_OFFICE.items():
                        if any(name.startswith(prefix) for name in names):
                            return content_type
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
        finally:
            file.seek(0)
    return None


def validate_evidence_content(file) -> None:
    """Accept PDF, images and office documents, judged by content: a renamed executable or an
    HTML page is refused whatever its extension."""
    file.seek(0)
    head = file.read(16)
    content_type = sniff_content_type(head, file)
    file.seek(0)
    if content_type is None:
        raise ValidationError(
            _("This file is not a PDF, an image or an office document."), code="bad_content"
        )
