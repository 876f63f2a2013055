"""Downloads of the forum's files: its rules document and the minutes of its meetings, served as
attachments under the type sniffed at upload (the file is not read to serve it) and a name made
from the record, never the uploaded one."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from opengov.uploads import attachment_response, may_download

from ..models import Forum, ForumMeeting

# kind -> (model, its file field, its content type field, what select_related reaches)
FILES = {
    "rules": (Forum, "rules_document", "rules_content_type", ("council",)),
    "minutes": (ForumMeeting, "minutes_file", "minutes_content_type", ("forum", "plan")),
}


@require_safe
def forum_file(request: HttpRequest, kind: str, pk: int):
    """The rules are public with the forum; minutes follow their meeting's plan: public unless
    the plan is in preparation, then only for its council's staff."""
    if kind not in FILES:
        raise Http404(gettext("No such document."))
    model, field, type_field, related = FILES[kind]
    record = model.objects.select_related(*related).filter(pk=pk).first()
    stored = getattr(record, field) if record else None
    if not stored:
        raise Http404(gettext("No such document."))
    plan = record.plan if kind == "minutes" else None
    council_id = record.council_id if kind == "rules" else record.forum.council_id
    if not may_download(request.user, record, plan, council_id):
        raise Http404(gettext("No such document."))
    try:
        return attachment_response(
            stored,
            getattr(record, type_field),
            record.download_name(),
            private=plan is not None and not plan.is_public,
        )
    except FileNotFoundError as missing:
        raise Http404(gettext("No such document.")) from missing
