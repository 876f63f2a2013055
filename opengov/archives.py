"""ZIP-based uploads (OOXML, OpenDocument) checked member by member before anything else reads
them: the sizes the archive declares, then the sizes actually inflated, streamed in bounded chunks
and cut off as soon as a member outgrows what it declared or a limit. The same pass refuses XML
carrying a document type declaration or entities, so no XML parser downstream (openpyxl for the
proposals import) ever meets one. The failure mode this guards against is a small upload that
costs gigabytes of memory or CPU in whatever opens it next. opengov.uploads types and stores
files; this module only says whether an archive is safe to open.
"""

from __future__ import annotations

import dataclasses
import struct
import zipfile
import zlib
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ZIP_MAGIC = b"PK\x03\x04"
# Limits on ZIP-based uploads. Real office documents stay far below: XML inflates 5 to 30 times,
# embedded pictures not at all.
MAX_ARCHIVE_MEMBERS = 2000
MAX_INFLATED_BYTES = 100 * 1024 * 1024  # one member, and all members together
MAX_INFLATION_RATIO = 200  # for members that inflate past RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1024 * 1024
# Compressed bytes read, and inflated bytes produced, per step of the streamed check.
CHUNK_BYTES = 64 * 1024

# A DTD or an entity declaration, in UTF-8 and in the two UTF-16 byte orders an XML parser reads.
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_MARKER_TAIL = max(len(m) for m in _DTD_MARKERS) - 1


def _limit() -> dict:
    return {"limit": filesizeformat(MAX_INFLATED_BYTES)}


DAMAGED = _("This file is damaged or encrypted: it cannot be checked, so it is refused.")
TOO_BIG = _("This file unpacks to more than %(limit)s; it is refused.")
TOO_COMPRESSED = _("This file is compressed far more than any real document; it is refused.")
XML_DTD = _(
    "This file contains an XML document type declaration (DTD) or entities, which are not "
    "accepted. Save it again from your office program."
)


class UnsafeArchive(ValidationError):
    """A ZIP refused by `check_archive`; `inflated` is how many bytes were inflated before."""

    def __init__(self, message, code: str, params: dict | None = None, inflated: int = 0):
        super().__init__(message, code=code, params=params)
        self.inflated = inflated


@dataclasses.dataclass(frozen=True)
class ArchiveReport:
    names: tuple[str, ...]
    mimetype: bytes  # the first bytes of an OpenDocument's "mimetype" member, or b""
    inflated: int  # bytes inflated in all


def _inflate(raw: BinaryIO, info: zipfile.ZipInfo):
    """The member's inflated bytes, in chunks of at most CHUNK_BYTES, read from its local
    header on (zipfile would trust the declared sizes; this does not)."""
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise zipfile.BadZipFile("no local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    if info.compress_type == zipfile.ZIP_STORED:
        decompressor = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
    else:
        raise zipfile.BadZipFile("unsupported compression")
    left = info.compress_size
    while left > 0:
        chunk = raw.read(min(CHUNK_BYTES, left))
        if not chunk:
            raise zipfile.BadZipFile("truncated member")
        left -= len(chunk)
        if decompressor is None:
            yield chunk
            continue
        yield decompressor.decompress(chunk, CHUNK_BYTES)
        while decompressor.unconsumed_tail:
            yield decompressor.decompress(decompressor.unconsumed_tail, CHUNK_BYTES)
        if decompressor.eof:
            return


def check_archive(file: BinaryIO) -> ArchiveReport:
    """Refuse (UnsafeArchive) a ZIP that inflates too far or carries an XML DTD, before any
    parser opens it: first the sizes declared in the central directory (nothing inflated), then
    each member streamed in bounded chunks, stopped as soon as it outgrows its declared size or
    a limit. Work is bounded by MAX_INFLATED_BYTES plus one chunk, whatever the archive says."""
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise UnsafeArchive(DAMAGED, code="archive_damaged") from error
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise UnsafeArchive(
            _("This file holds more than %(limit)d parts; it is refused."),
            code="archive_members",
            params={"limit": MAX_ARCHIVE_MEMBERS},
        )
    declared = 0
    for info in infos:
        declared += info.file_size
        if info.flag_bits & 0x01:
            raise UnsafeArchive(DAMAGED, code="archive_encrypted")
        if info.file_size > MAX_INFLATED_BYTES or declared > MAX_INFLATED_BYTES:
            raise UnsafeArchive(TOO_BIG, code="archive_size", params=_limit())
        if info.file_size > RATIO_FLOOR_BYTES and (
            info.file_size > MAX_INFLATION_RATIO * max(info.compress_size, 1)
        ):
            raise UnsafeArchive(TOO_COMPRESSED, code="archive_ratio")
    inflated = 0
    mimetype = b""
    for info in infos:
        member = 0
        tail = b""
        try:
            for data in _inflate(file, info):
                member += len(data)
                inflated += len(data)
                if member > info.file_size:  # the archive lied about this member's size
                    raise UnsafeArchive(DAMAGED, code="archive_lies", inflated=inflated)
                if inflated > MAX_INFLATED_BYTES:
                    raise UnsafeArchive(
                        TOO_BIG, code="archive_size", params=_limit(), inflated=inflated
                    )
                window = tail + data
                if any(marker in window for marker in _DTD_MARKERS):
                    raise UnsafeArchive(XML_DTD, code="xml_dtd", inflated=inflated)
                tail = window[-_MARKER_TAIL:]
                if info.filename == "mimetype" and len(mimetype) < 100:
                    mimetype += data[: 100 - len(mimetype)]
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            raise UnsafeArchive(DAMAGED, code="archive_damaged", inflated=inflated) from error
        if member != info.file_size:
            raise UnsafeArchive(DAMAGED, code="archive_lies", inflated=inflated)
    file.seek(0)
    return ArchiveReport(tuple(i.filename for i in infos), mimetype, inflated)
