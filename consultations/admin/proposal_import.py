"""Admin pages of the consultation side that are not plain model forms: the import of a
workshop's proposals from a spreadsheet, with a preview, and its template files."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from opengov.imports import preview_rows
from opengov.imports.flow import import_step
from opengov.imports.responses import template_response

from .. import imports
from ..forms import ProposalImportForm


def _workshop_for_import(request: HttpRequest, model_admin, object_id: str):
    workshop = model_admin.get_object(request, unquote(object_id))
    if workshop is None:
        raise Http404(gettext("This object does not exist or is not yours to see."))
    if not (
        request.user.has_perm("consultations.add_proposal")
        and model_admin.has_change_permission(request, workshop)
    ):
        raise PermissionDenied
    return workshop


def import_proposals_view(request: HttpRequest, object_id: str, *, model_admin) -> HttpResponse:
    workshop = _workshop_for_import(request, model_admin, object_id)
    change_url = reverse("admin:consultations_workshop_change", args=[workshop.pk])

    def parse(form):
        upload = form.cleaned_data["file"]
        return imports.parse_file(workshop, upload.name, upload.read())

    def save(result) -> str:
        count = len(imports.import_rows(workshop, result))
        return ngettext("%(count)d proposal imported.", "%(count)d proposals imported.", count) % {
            "count": count
        }

    step = import_step(
        request,
        form_class=ProposalImportForm,
        parse=parse,
        sign=lambda result: imports.sign_rows(workshop, result),
        unsign=lambda token: imports.unsign_rows(workshop, token),
        save=save,
        done_url=change_url,
    )
    if step.done:
        return step.done
    result = step.result
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Import proposals"),
        "opts": model_admin.model._meta,
        "workshop": workshop,
        "change_url": change_url,
        "original": workshop,
        "form": step.form,
        "result": result,
        "token": step.token,
        "columns": imports.COLUMNS,
        "rows": preview_rows(imports.SHEET, result.rows if result else []),
    }
    return render(request, "admin/consultations/workshop/import_proposals.html", context)


def import_template_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if not request.user.has_perm("consultations.add_proposal"):
        raise PermissionDenied
    return template_response(
        fmt,
        {"csv": imports.template_csv, "xlsx": imports.template_xlsx},
        "proposals-template",
    )
