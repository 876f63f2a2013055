"""Middleware shared by the whole site."""

import logging

from django.db import connection
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    """Answers /healthz before host validation and the HTTPS redirect, so container and load
    balancer probes (which call the process by its internal address, over plain HTTP) get a
    real answer: 200 when the database answers, 503 otherwise."""

    path = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != self.path:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:  # any database failure means "not healthy"
            response = JsonResponse({"status": "unavailable"}, status=503)
        else:
            response = JsonResponse({"status": "ok"})
        response["Cache-Control"] = "no-store"
        return response


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached (a restart, a failover), answer 503 with a page that
    says so truthfully — what the reader just sent was not saved — and a Retry-After, instead of
    the generic error page. The page is rendered without touching the database."""

    retry_after_seconds = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError
        from django.template.loader import render_to_string

        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning(
            "Database unavailable for %s %s: %s", request.method, request.path, exception
        )
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(self.retry_after_seconds)
        response["Cache-Control"] = "no-store"
        return response
