"""Open-data pages: the list of downloads, each dataset as CSV or JSON (with the filters of the
public pages), the Decidim results CSV and the ZIP of everything."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import condition, require_safe

from consultations.forms import ProposalFilterForm
from consultations.models import ActionPlan
from consultations.selectors import filter_choices, proposals_public
from opengov.dataversion import data_version
from opengov.params import ascii_int

from .api.base import licence_link
from .bundle import ZIP_NAME, zip_rebuild
from .datasets import DATASETS, rows, to_csv, to_json
from .decidim import decidim_results


def _etag(request, *args, **kwargs):
    return f'"{data_version()[0]}-{request.get_full_path()}"'


def _last_modified(request, *args, **kwargs):
    return data_version()[1]


@require_safe
def opendata_index(request: HttpRequest) -> HttpResponse:
    zip_ready = default_storage.exists(ZIP_NAME)
    return render(
        request,
        "opendata/dataset_list.html",
        {
            "datasets": DATASETS.values(),
            "zip_ready": zip_ready,
            "licence": settings.OPEN_DATA_LICENCE,
        },
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Link"] = licence_link()
    return response


@require_safe
@condition(etag_func=_etag, last_modified_func=_last_modified)
def dataset_download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    dataset = DATASETS.get(name)
    if dataset is None or fmt not in ("csv", "json"):
        raise Http404
    if fmt == "json":
        return _download(to_json(dataset), f"{name}.json", "application/json")
    queryset = None
    if name == "proposals" and request.GET:
        form = ProposalFilterForm(
            request.GET, choices=filter_choices(request.GET.get("council"), request.GET.get("plan"))
        )
        ids = proposals_public(form.filters()).values("pk")
        queryset = dataset.queryset().filter(pk__in=ids)
    elif dataset.plan_lookup and (plan_id := ascii_int(request.GET.get("plan"))) is not None:
        queryset = dataset.queryset().filter(**{dataset.plan_lookup: plan_id})
    content = to_csv(rows(dataset, queryset))
    return _download(content, f"{name}.csv", "text/csv; charset=utf-8")


@require_safe
@condition(etag_func=_etag, last_modified_func=_last_modified)
def results_decidim(request: HttpRequest) -> HttpResponse:
    plan = None
    if (plan_id := ascii_int(request.GET.get("plan"))) is not None:
        plan = ActionPlan.objects.public().filter(pk=plan_id).first()
        if plan is None:
            raise Http404
    table = decidim_results(plan)
    return _download(to_csv(table, delimiter=";"), "results_decidim.csv", "text/csv; charset=utf-8")


@require_safe
def opendata_zip(request: HttpRequest):
    if not default_storage.exists(ZIP_NAME):
        zip_rebuild()  # the first time only; then the beat task keeps it fresh
    handle = default_storage.open(ZIP_NAME, "rb")
    stamp = timezone.localdate().isoformat()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"infitah-opendata-{stamp}.zip",
        content_type="application/zip",
    )
    response["Link"] = licence_link()
    return response
