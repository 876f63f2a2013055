"""Staff sign-in protection: django-axes' lockout policy and the page it shows.

The policy (settings LOGIN_*; the client address is opengov.clientaddress.client_address):
- a (username, address) pair is locked after AXES_FAILURE_LIMIT failures within the cool-off,
  wrong passwords and wrong two-factor codes alike;
- an address is locked for every username after LOGIN_ADDRESS_FAILURE_LIMIT failures across
  usernames (one source guessing many accounts);
- a username is never locked for everyone: once it has collected LOGIN_USERNAME_FAILURE_LIMIT
  failures from all addresses (guessing spread over many sources), each address that has failed
  on it is locked for it, so every further source gets one try, while an address with no failure
  for that username still signs in with the right password (and code). A stranger can therefore
  not keep a staff member out by failing on their username: the staff member signs in from their
  own address.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def _failures(**filters) -> int:
    return (
        AccessAttempt.objects.filter(**filters).aggregate(total=Sum("failures_since_start"))[
            "total"
        ]
        or 0
    )


class PortalAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler with the policy of the module docstring. Failures stay in
    PostgreSQL, so a Redis outage neither unlocks accounts nor stops staff from signing in."""

    def get_failures(self, request, credentials=None) -> int:
        # The pair's own count (AXES_LOCKOUT_PARAMETERS is [["username", "ip_address"]]).
        pair = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if pair >= limit:
            return pair
        since = get_cool_off_threshold(request)
        address = getattr(request, "axes_ip_address", None)
        if address and (
            _failures(ip_address=address, attempt_time__gte=since)
            >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
        ):
            return limit
        username = get_client_username(request, credentials)
        if (
            pair
            and username
            and _failures(username=username, attempt_time__gte=since)
            >= settings.LOGIN_USERNAME_FAILURE_LIMIT
        ):
            return limit
        return pair


def lockout_response(request, original_response=None, credentials=None):
    """A translated admin page (429) saying how long the lock lasts, instead of axes' plain text."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cooloff.total_seconds() / 60)) if cooloff else None
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(
        request, "admin/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
