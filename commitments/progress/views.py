"""Public pages of implementation: a plan's progress report (page and CSV) and the evidence
files, served as downloads under the content type sniffed when they were uploaded."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from opengov.pagecache import cached_page
from opengov.scoping import council_id_of, plan_of
from opengov.spreadsheets import csv_bytes
from opengov.uploads import attachment_response, may_download

from ..models import AssessmentEvidence, MilestoneUpdate, PlanSelfAssessment
from ..views import _plan_or_404
from .selectors import plan_progress_report


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
            counts = c.milestone_counts(today)
            rows.append(
                [
                    str(theme.theme or ""),
                    c.reference,
                    c.title,
                    c.get_completion_display(),
                    c.completion_override_reason,
                    counts.done,
                    counts.total,
                    counts.overdue,
                ]
            )
    response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="progress-{plan.council.slug}-{plan.period}.csv"'
    )
    return response


# kind -> (model, its file field, the path from it to its plan)
EVIDENCE = {
    "milestone": (MilestoneUpdate, "evidence_file", "milestone__commitment__plan__council"),
    "assessment": (AssessmentEvidence, "file", "assessment__commitment__plan__council"),
}


@require_safe
def evidence_file(request: HttpRequest, kind: str, pk: int):
    """An evidence file, as an attachment under the type sniffed at upload (the file is not
    read to serve it) and a name made from the record, never the uploaded name. Public for
    plans past preparation; for a plan in preparation, its council's staff only."""
    if kind not in EVIDENCE:
        raise Http404(gettext("No such document."))
    model, field, path = EVIDENCE[kind]
    record = model.objects.select_related(path).filter(pk=pk).first()
    stored = getattr(record, field) if record else None
    if not stored or not may_download(request.user, record, plan_of(record), council_id_of(record)):
        raise Http404(gettext("No such document."))
    content_type = record.evidence_content_type if kind == "milestone" else record.content_type
    try:
        return attachment_response(
            stored,
            content_type,
            record.download_name(),
            private=not plan_of(record).is_public,
        )
    except FileNotFoundError as missing:
        raise Http404(gettext("No such document.")) from missing


@require_safe
def self_assessment_export(
    request: HttpRequest, council_slug: str, start_year: int, kind: str
) -> HttpResponse:
    """A self-assessment with the progress report, as a Markdown document to send to OGP (in
    the reader's language, falling back to the other one)."""
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
