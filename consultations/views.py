"""Public pages of the consultation side: a council, a workshop, the proposals list."""

from dataclasses import replace

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language_bidi, gettext
from django.views.decorators.http import require_safe

from opengov import sections
from opengov.pagecache import cached_page, integer, one_of, text, word
from opengov.params import page_number
from opengov.search.vocabulary import suggestion
from opengov.uploads import attachment_response, may_download

from . import selectors
from .charts import workshop_attendance_chart
from .forms import CouncilFilterForm, ProposalFilterForm
from .models import Council, CouncilProgramme, Workshop, WorkshopDocument

# The query parameters each listing reads (its filter form's fields and the page number), with
# their normalisers: anything else is served without the page cache (opengov.pagecache).
COUNCIL_LIST_PARAMS = {"q": text, "kind": word, "region": word, "page": integer}


PROPOSAL_LIST_PARAMS = {
    "q": text,
    "council": integer,
    "plan": integer,
    "theme": integer,
    "kind": word,
    "status": word,
    "origin": one_of(*selectors.ORIGINS),
    "sort": one_of(*selectors.SORTS),
    "page": integer,
    "exact": integer,  # 1: search the words as typed, without "did you mean"
}


@require_safe
@cached_page(params=COUNCIL_LIST_PARAMS)
def council_list(request: HttpRequest) -> HttpResponse:
    form = CouncilFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    councils = selectors.council_directory(
        kind=data.get("kind") or "", region=data.get("region"), text=data.get("q") or ""
    )
    page = Paginator(councils, selectors.COUNCILS_PER_PAGE).get_page(
        page_number(request.GET.get("page"))
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consultations/council_list.html",
        {"form": form, "page": page, "councils": page.object_list, "query": query.urlencode()},
    )


@require_safe
@cached_page(council="slug")
def council_detail(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_object_or_404(Council.objects.select_related("parent"), slug=slug)
    plans = selectors.council_plans(council)
    workshops = selectors.council_workshops(council)
    programmes = selectors.council_programmes(council)
    return render(
        request,
        "consultations/council_detail.html",
        {
            "council": council,
            "plans": plans,
            "workshops": workshops,
            "programmes": programmes,
            # What upper apps show of the council (the forum): opengov.sections.
            "sections": sections.for_page("council", council=council),
        },
    )


@require_safe
@cached_page
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        workshop = selectors.workshop_public(pk)
    except Workshop.DoesNotExist as missing:
        raise Http404(gettext("No such workshop.")) from missing
    context = {
        "workshop": workshop,
        "groups": selectors.workshop_groups(workshop),
        "ungrouped": selectors.workshop_proposals_without_group(workshop),
        "attendance_chart": workshop_attendance_chart(workshop, rtl=get_language_bidi()),
    }
    return render(request, "consultations/workshop_detail.html", context)


@require_safe
@cached_page(params=PROPOSAL_LIST_PARAMS)
def proposal_list(request: HttpRequest) -> HttpResponse:
    choices = selectors.filter_choices(request.GET.get("council"), request.GET.get("plan"))
    form = ProposalFilterForm(request.GET or None, choices=choices)
    filters = form.filters() if request.GET else selectors.ProposalFilters()
    paginator = selectors.CappedPaginator(
        selectors.proposals_public(filters),
        selectors.per_page(),
        searching=bool(filters.text),
        known_count=selectors.proposals_public_count(filters),
    )
    page = paginator.get_page(page_number(request.GET.get("page")))
    corrected = None
    if filters.text and not paginator.count and request.GET.get("exact") != "1":
        # Nothing found: the same search with the words corrected ("did you mean"), said so.
        corrected = suggestion(filters.text)
        if corrected:
            filters = replace(filters, text=corrected)
            paginator = selectors.CappedPaginator(
                selectors.proposals_public(filters), selectors.per_page(), searching=True
            )
            page = paginator.get_page(page_number(request.GET.get("page")))
    query = request.GET.copy()
    query.pop("page", None)
    exact = query.copy()
    exact["exact"] = "1"
    return render(
        request,
        "consultations/proposal_list.html",
        {
            "form": form,
            "page": page,
            "proposals": page.object_list,
            "query": query.urlencode(),
            "filters": filters,
            "corrected": corrected,
            "typed": request.GET.get("q", ""),
            "exact_query": exact.urlencode(),
        },
    )


@require_safe
def workshop_document(request: HttpRequest, pk: int):
    """A workshop's document or photo, as an attachment under the type sniffed at upload (the
    file is not read to serve it). Public with its workshop; a document of a workshop under a
    plan in preparation only for its council's staff."""
    document = WorkshopDocument.objects.select_related("workshop__plan").filter(pk=pk).first()
    plan = document.workshop.plan if document else None
    if document is None or not document.file:
        raise Http404(gettext("No such document."))
    if not may_download(request.user, document, plan, document.workshop.council_id):
        raise Http404(gettext("No such document."))
    try:
        return attachment_response(
            document.file,
            document.content_type,
            document.download_name(),
            private=plan is not None and not plan.is_public,
        )
    except FileNotFoundError as missing:
        raise Http404(gettext("No such document.")) from missing


@require_safe
def programme_document(request: HttpRequest, pk: int):
    """A council programme's document, as an attachment under the type sniffed at upload. A
    programme is public as soon as it is entered (it belongs to no plan)."""
    programme = CouncilProgramme.objects.filter(pk=pk).first()
    if programme is None or not programme.document:
        raise Http404(gettext("No such document."))
    try:
        return attachment_response(
            programme.document, programme.document_content_type, programme.download_name()
        )
    except FileNotFoundError as missing:
        raise Http404(gettext("No such document.")) from missing
