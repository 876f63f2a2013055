"""Request body limits: a body larger than its route accepts is refused with 413 before anything
reads it, and no body from the public is ever written to disk.

Two sizes. Every route open to the public (comment, reply and report forms, the language switch,
anything else a visitor can post) accepts PUBLIC_MAX_BODY_BYTES, a few times the largest comment.
The admin accepts STAFF_MAX_BODY_BYTES (MAX_UPLOAD_BYTES and a margin for the form around the
file), but only from a signed-in, active staff account: the middleware reads the session named by
the cookie itself, because it runs first, before the session and authentication middleware. An
anonymous request to the admin (its sign-in page) gets the public size.

Three checks, all before Django parses a byte:
- a declared Content-Length above the route's size: 413 at once, the body left unread;
- a body without a length (Transfer-Encoding: chunked, which browsers never send for a form):
  read into memory up to the public size and handed on with its length; one byte more and it is
  refused, the rest never read. (Django itself reads nothing of a body without a length.)
- requests held to the public size parse file parts with a memory-only handler, so Django's
  temporary-file handler, which writes each part to disk as it reads it, is never reached by them.

The middleware must come first: any middleware before it that touched request.POST would read
the body unchecked. Its failure mode is a staff upload larger than STAFF_MAX_BODY_BYTES (several
files in one form): refused with a page that says how much is accepted; saving the files one at a
time works. Slow bodies are the proxy's job (deploy/: it buffers the whole body before gunicorn
sees it); this module only bounds how much is read."""

from __future__ import annotations

import io
import logging
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.handlers.wsgi import LimitedStream
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

# How much of a body without a declared length is read at a time.
_READ_CHUNK = 16 * 1024


class RequestBodyTooLarge(SuspiciousOperation):
    """A body went past its route's size while being parsed; the request ends with 413."""


def staff_path(path: str) -> bool:
    """Whether `path` is in the admin (/ar/admin/, /fr/admin/, two-factor pages included)."""
    return any(path.startswith(f"/{code}/admin/") for code, _name in settings.LANGUAGES)


def signed_in_staff(request: HttpRequest) -> bool:
    """Whether the session cookie of `request` names an active staff account, checked as the
    authentication middleware will check it (session hash included). Costs a session and a user
    lookup: called only for admin requests larger than the public size."""
    from django.contrib.auth import get_user

    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore
    user = get_user(SimpleNamespace(session=store(key)))
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def declared_length(request: HttpRequest) -> int | None:
    """The body's Content-Length; None when absent or not a number (Django then reads nothing)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


def chunked(request: HttpRequest) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


class PublicUploadHandler(MemoryFileUploadHandler):
    """Keeps every file part in memory (never a temporary file) and refuses a request whose file
    parts together pass `limit` bytes."""

    def __init__(self, request: HttpRequest, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # The parent keeps files in memory only for small bodies; the body is already capped.
        self.activated = True

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.body_refused = True
            raise RequestBodyTooLarge(f"file parts above {self.limit} bytes")
        return super().receive_data_chunk(raw_data, start)


def too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    """The 413 page, in the language of the path (the locale middleware has not run yet), made
    without the database."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        page = render_to_string("413.html", {"limit": filesizeformat(limit)})
    response = HttpResponse(page, status=413)
    response["Cache-Control"] = "no-store"
    return response


class RequestBodyLimitMiddleware:
    """Refuses bodies larger than their route accepts (413), before any reading; see the module
    docstring for the sizes and who gets which."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        public = settings.PUBLIC_MAX_BODY_BYTES
        length = declared_length(request)
        limit = public
        # The session is looked up only for a body the public size would refuse.
        if length is not None and length > public and staff_path(request.path_info):
            try:
                staff = signed_in_staff(request)
            except DatabaseError:
                # Nobody can be told apart while the database is away, and the admin answers
                # 503 anyway: the body stays bounded by the staff size.
                staff = True
            if staff:
                limit = settings.STAFF_MAX_BODY_BYTES
        if length is not None and length > limit:
            return self.refuse(request, limit, f"Content-Length {length}")
        if length is None and chunked(request):
            data = self.read_unsized(request, public)
            if data is None:
                return self.refuse(request, public, "a body without a length")
            request.META["CONTENT_LENGTH"] = str(len(data))
            request._stream = LimitedStream(io.BytesIO(data), len(data))
        if limit == public:
            request.upload_handlers = [PublicUploadHandler(request, public)]
        response = self.get_response(request)
        if getattr(request, "body_refused", False):
            return self.refuse(request, limit, "file parts")
        return response

    @staticmethod
    def read_unsized(request: HttpRequest, limit: int) -> bytes | None:
        """The body of a request that declared no length, read up to `limit` bytes; None (and
        the rest left unread) when there is more."""
        stream = request.META["wsgi.input"]
        parts, size = [], 0
        while size <= limit:
            part = stream.read(min(_READ_CHUNK, limit + 1 - size))
            if not part:
                return b"".join(parts)
            parts.append(part)
            size += len(part)
        return None

    @staticmethod
    def refuse(request: HttpRequest, limit: int, what: str) -> HttpResponse:
        logger.warning(
            "Request body refused: %s %s, %s, limit %d bytes",
            request.method,
            request.path,
            what,
            limit,
        )
        return too_large_response(request, limit)
