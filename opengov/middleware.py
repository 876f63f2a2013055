"""Middleware shared by the whole site."""

from django.db import connection
from django.http import JsonResponse


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
