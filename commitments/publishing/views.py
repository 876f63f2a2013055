"""The download of a published plan document."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from opengov.uploads import attachment_response

from ..models import PlanDocument
from ..views import _plan_or_404


@require_safe
def plan_document(request: HttpRequest, council_slug: str, start_year: int, pk: int):
    """A published PDF of a public plan, any version, as a download with a readable name."""
    plan = _plan_or_404(council_slug, start_year)
    try:
        document = plan.documents.select_related("plan__council").get(pk=pk)
    except PlanDocument.DoesNotExist as missing:
        raise Http404(gettext("No such document.")) from missing
    try:
        response = attachment_response(document.file, "application/pdf", document.download_name())
    except FileNotFoundError as missing:
        raise Http404(gettext("No such document.")) from missing
    response["Cache-Control"] = "public, max-age=86400, immutable"
    return response
