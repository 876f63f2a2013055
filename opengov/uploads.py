"""Uploaded files: what a file is, judged by its bytes; how it is stored; how it is served.

A file is accepted only as one of a few kinds recognised by its first bytes (`sniff`). Its stored
name is random, with the extension of the sniffed type (never the one typed), and the sniffed type
is kept on the row: a download reads it from there and never opens the file's content again.

ZIP-based documents (OOXML, OpenDocument) are checked member by member by
opengov.archives.check_archive before anything else reads them.

`SniffedFileField` puts all of this in the model: its validation gives form errors, and its
FieldFile refuses and renames on every save path (admin, services, imports, the shell). Its `url`
is the safe download view of the row (`download_url()`), so no page, admin widget or read-only
field links to a user's file under /media; logos, which pages show inline, keep their /media
address (they are raster images verified with Pillow).
"""

from __future__ import annotations

import contextlib
import dataclasses
import struct
import zipfile
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from .archives import ZIP_MAGIC, check_archive
from .validators import validate_file_size

# How much of a file the type sniffer reads.
SNIFF_BYTES = 4096
# A logo is drawn small; bigger images are refused before anyone decodes them in full.
MAX_IMAGE_PIXELS = 4000 * 4000

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
OLE = "application/vnd.ms-office"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"

# The stored and downloaded extension of each accepted type.
EXTENSIONS = {
    PDF: "pdf",
    PNG: "png",
    JPEG: "jpg",
    GIF: "gif",
    WEBP: "webp",
    OLE: "doc",
    DOCX: "docx",
    XLSX: "xlsx",
    PPTX: "pptx",
    ODT: "odt",
    ODS: "ods",
    ODP: "odp",
}
# Old MS Office files are one container format: the typed extension is kept if it is one of these.
OLE_EXTENSIONS = ("doc", "xls", "ppt")

SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
)
OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}

# What each kind of field accepts. SVG, HTML and scripts are never in any of them: they have no
# signature above, so they are never sniffed as anything.
ACCEPT = {
    "document": frozenset(EXTENSIONS),
    "image": frozenset({PNG, JPEG, WEBP}),
    "pdf": frozenset({PDF}),
}
NOT_ACCEPTED = {
    "document": _("This file is not a PDF, an image or an office document."),
    "image": _("Only PNG, JPEG and WebP images are accepted."),
    "pdf": _("This file is not a PDF."),
}

NOT_AN_IMAGE = _("This file is not an image.")
IMAGE_TOO_LARGE = _(
    "This image is %(width)d by %(height)d pixels; a logo may have at most 16 million pixels "
    "(for example 4000 by 4000)."
)


@dataclasses.dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def _zip_type_from_prefix(head: bytes) -> str | None:
    """Walk the local file headers found in `head` (no inflating): the OpenDocument "mimetype"
    member is stored first and uncompressed; OOXML parts are recognised by their names."""
    position = 0
    names = []
    while head[position : position + 4] == ZIP_MAGIC and position + 30 <= len(head):
        flags, method = struct.unpack("<HH", head[position + 6 : position + 10])
        compressed, _size, name_length, extra_length = struct.unpack(
            "<IIHH", head[position + 18 : position + 30]
        )
        name = head[position + 30 : position + 30 + name_length].decode("utf-8", "replace")
        data = position + 30 + name_length + extra_length
        if name == "mimetype" and method == zipfile.ZIP_STORED:
            # Its size may be in a data descriptor after it: compare with the known values.
            stored = head[data : data + 60]
            return next((t for t in (ODT, ODS, ODP) if stored.startswith(t.encode())), None)
        names.append(name)
        if flags & 0x08:  # sizes follow the data: look for the next header (names only)
            position = head.find(ZIP_MAGIC, data)
            if position < 0:
                break
        else:
            position = data + compressed
    return _ooxml_type(names)


def _odf_type(mimetype: bytes) -> str | None:
    value = mimetype.decode("ascii", "replace").strip()
    return value if value in (ODT, ODS, ODP) else None


def _ooxml_type(names) -> str | None:
    if "[Content_Types].xml" not in names:
        return None
    for prefix, content_type in OOXML_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return content_type
    return None


def sniff_content_type(head: bytes) -> str | None:
    """The accepted type the first bytes of a file show, or None. Reads `head` only (pass at
    most SNIFF_BYTES): nothing is inflated or parsed."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(ZIP_MAGIC):
        return _zip_type_from_prefix(head)
    return None


def _verify_image(file: BinaryIO, content_type: str) -> None:
    """Pillow must read the image as the sniffed format, within MAX_IMAGE_PIXELS (read from the
    header: the pixels are never decoded)."""
    from PIL import Image

    formats = {PNG: "PNG", JPEG: "JPEG", WEBP: "WEBP"}
    file.seek(0)
    try:
        with Image.open(file, formats=[formats[content_type]]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    IMAGE_TOO_LARGE,
                    code="image_too_large",
                    params={"width": width, "height": height},
                )
            image.verify()
    except ValidationError:
        raise
    except Exception as error:  # anything Pillow cannot read is not an image
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from error
    finally:
        file.seek(0)


def sniff(file: BinaryIO, accept: str, name: str = "") -> Sniffed:
    """What an upload is, or ValidationError: its type from a bounded prefix, ZIPs checked by
    `check_archive` (their type from the central directory), images verified with Pillow.
    The answer is kept on the file object, so validation and saving judge it once."""
    cached = getattr(file, "_infitah_sniffed", None)
    if cached is not None and cached[0] == accept:
        return cached[1]
    if hasattr(file, "size"):
        validate_file_size(file)  # before reading anything
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    content_type = sniff_content_type(head)
    if head.startswith(ZIP_MAGIC):
        report = check_archive(file)
        content_type = _odf_type(report.mimetype) or _ooxml_type(report.names)
    if content_type is None or content_type not in ACCEPT[accept]:
        raise ValidationError(NOT_ACCEPTED[accept], code="bad_content")
    if accept == "image":
        _verify_image(file, content_type)
    extension = EXTENSIONS[content_type]
    typed = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if content_type == OLE and typed in OLE_EXTENSIONS:
        extension = typed
    result = Sniffed(content_type, extension)
    with contextlib.suppress(AttributeError):  # objects without a __dict__: judged again
        file._infitah_sniffed = (accept, result)
    return result


class SniffedFieldFile(FieldFile):
    def save(self, name, content, save=True):
        """Every way of storing a file comes here: the content is judged (ValidationError if
        refused) and the stored name gets the sniffed type's extension."""
        sniffed = sniff(content, self.field.accept, name or "")
        if self.field.content_type_field:
            setattr(self.instance, self.field.content_type_field, sniffed.content_type)
        super().save(f"upload.{sniffed.extension}", content, save)

    @property
    def url(self) -> str:
        # The row's safe download view (attachment, stored type, sandbox), where it has one.
        download_url = getattr(self.instance, "download_url", None)
        if download_url is None:
            return super().url
        self._require_file()
        return download_url() if self.instance.pk else ""


class SniffedFileField(models.FileField):
    """A FileField whose content is judged by its bytes (see the module docstring).

    accept: "document", "image" or "pdf" (ACCEPT). content_type_field: the model field that
    keeps the sniffed type; declare it after this field, so that the save that stores the file
    writes it too."""

    attr_class = SniffedFieldFile

    def __init__(self, *args, accept: str = "document", content_type_field: str = "", **kwargs):
        self.accept = accept
        self.content_type_field = content_type_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["accept"] = self.accept
        if self.content_type_field:
            kwargs["content_type_field"] = self.content_type_field
        return name, path, args, kwargs

    def validate(self, value, model_instance) -> None:
        super().validate(value, model_instance)
        if value and not getattr(value, "_committed", True):
            sniffed = sniff(value.file, self.accept, value.name or "")
            if self.content_type_field:
                setattr(model_instance, self.content_type_field, sniffed.content_type)


def sniff_stored(name: str) -> str:
    """The type of a file stored before types were kept, from its first SNIFF_BYTES only
    (nothing inflated); "" when unknown or missing, which downloads as application/octet-stream.
    For the data migrations."""
    from django.core.files.storage import default_storage

    try:
        with default_storage.open(name, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except (FileNotFoundError, OSError):
        return ""
    return sniff_content_type(head) or ""


def content_type_field(verbose_name=None) -> models.CharField:
    return models.CharField(
        verbose_name or _("content type"), max_length=100, blank=True, editable=False
    )


def attachment_response(
    field_file, content_type: str, filename: str, *, private: bool = False
) -> FileResponse:
    """A stored upload as a download: the type recorded at upload (the content is not read
    again), attachment, no sniffing, and a sandbox policy in case a browser renders it anyway.
    `private`: kept out of shared caches (a draft's file served to staff).
    Raises FileNotFoundError when the file is gone."""
    handle = field_file.open("rb")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


def download_extension(content_type: str, stored_name: str = "") -> str:
    """The extension a download gets: the stored type's (old MS Office files keep the one
    they were stored under: .doc, .xls or .ppt)."""
    stored = stored_name.rsplit(".", 1)[-1].lower() if "." in stored_name else ""
    if content_type == OLE and stored in OLE_EXTENSIONS:
        return stored
    return EXTENSIONS.get(content_type, "bin")


def may_download(user, record: models.Model, plan, council_id: int | None) -> bool:
    """The rule of every upload download: anyone for what the public may read (no plan, or a
    plan past preparation); for a plan in preparation, staff of the record's council who may
    view that model in the admin (network administrators: every council)."""
    from .roles import works_for

    if plan is None or plan.stage != plan.Stage.PREPARATION:
        return True
    opts = record._meta
    return (
        user.is_authenticated
        and user.is_staff
        and works_for(user, council_id)
        and (
            user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
            or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        )
    )
