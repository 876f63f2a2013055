"""Public pages of implementation: a plan's progress report (page and CSV) and the evidence
files, served with a content type taken from their content and as a download."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from opengov.pagecache import cached_page
from opengov.spreadsheets import csv_bytes
from opengov.validators import sniff_content_type

from .models import AssessmentEvidence, MilestoneUpdate
from .progress import plan_progress_report
from .views import _plan_or_404


@require_safe
@cached_page(council="council_slug")
def progress_report(request: HttpRequest, council_slug: str, start_year: int) -> HttpResponse:
    plan = _plan_or_404(council_slug, start_year)
    report = plan_progress_report(plan)
    return render(
        request,
        "commitments/progress_report.html",
        {"plan": plan, "council": plan.council, "report": report, "today": timezone.localdate()},
    )


@require_safe
def progress_report_csv(request: HttpRequest, council_slug: str, start_year: int):
    plan = _plan_or_404(council_slug, start_year)
    report = plan_progress_report(plan)
    rows = [
        [
            gettext("Theme"),
            gettext("Reference"),
            gettext("Commitment"),
            gettext("Completion"),
            gettext("Completion set by hand because"),
            gettext("Milestones completed"),
            gettext("Milestones"),
            gettext("Overdue milestones"),
        ]
    ]
    today = timezone.localdate()
    for theme in report["themes"]:
        for c in theme.commitments:
            milestones = [m for m in c.milestones.all() if m.status != "cancelled"]
            rows.append(
                [
                    str(theme.theme or ""),
                    c.reference,
                    c.title,
                    c.get_completion_display(),
                    c.completion_override_reason,
                    sum(1 for m in milestones if m.status == "completed"),
                    len(milestones),
                    sum(1 for m in milestones if m.is_overdue(on=today)),
                ]
            )
    response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="progress-{plan.council.slug}-{plan.period}.csv"'
    )
    return response


# The download's extension follows the content, never the uploaded name.
EVIDENCE_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.ms-office": "doc",
}


@require_safe
def evidence_file(request: HttpRequest, kind: str, pk: int):
    """An evidence file of a public plan. The content type comes from the file's bytes, the
    download name from the record (never the uploaded name), and the browser is told not to
    sniff or display it in the page."""
    if kind == "milestone":
        record = (
            MilestoneUpdate.objects.select_related("milestone__commitment__plan")
            .filter(pk=pk)
            .first()
        )
        plan = record.milestone.commitment.plan if record else None
        stored = record.evidence_file if record else None
    elif kind == "assessment":
        record = (
            AssessmentEvidence.objects.select_related("assessment__commitment__plan")
            .filter(pk=pk)
            .first()
        )
        plan = record.assessment.commitment.plan if record else None
        stored = record.file if record else None
    else:
        raise Http404
    if record is None or not stored or plan.stage == plan.Stage.PREPARATION:
        raise Http404(gettext("No such document."))
    try:
        handle = stored.open("rb")
    except FileNotFoundError as missing:
        raise Http404(gettext("No such document.")) from missing
    content_type = sniff_content_type(handle.read(16), handle) or "application/octet-stream"
    handle.seek(0)
    extension = EVIDENCE_EXTENSIONS.get(content_type, "bin")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"evidence-{kind}-{pk}.{extension}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_safe
def self_assessment_export(
    request: HttpRequest, council_slug: str, start_year: int, kind: str
) -> HttpResponse:
    """A self-assessment with the progress report, as a Markdown document to send to OGP (in
    the reader's language, falling back to the other one)."""
    from django.template.loader import render_to_string

    from .models import PlanSelfAssessment

    plan = _plan_or_404(council_slug, start_year)
    assessment = plan.self_assessments.filter(kind=kind).first()
    if kind not in PlanSelfAssessment.Kind.values or assessment is None:
        raise Http404(gettext("No such self-assessment."))
    text = render_to_string(
        "commitments/self_assessment.md",
        {
            "plan": plan,
            "assessment": assessment,
            "report": plan_progress_report(plan),
            "today": timezone.localdate(),
        },
        request=request,
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{kind}-{plan.council.slug}-{plan.period}.md"'
    )
    return response
