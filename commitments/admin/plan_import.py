"""The admin page "Import commitments from a spreadsheet" (commitments.imports), on a plan's
change page: coordinators of the plan's council send the workbook (or one CSV per sheet), see
every row that will be created with its errors, and confirm; the confirmation re-checks the
signed rows and saves all of them or nothing. The templates are made for the plan (their
example's dates fall in its first year)."""

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from consultations.models import ActionPlan
from opengov.imports import preview_rows
from opengov.imports.flow import import_step
from opengov.imports.forms import SpreadsheetField
from opengov.imports.responses import template_response

from .. import imports

# What a user needs besides changing the plan: adding what the file creates.
IMPORT_PERMISSIONS = (
    "commitments.add_commitment",
    "commitments.add_milestone",
    "commitments.add_indicator",
)


class PlanImportForm(forms.Form):
    workbook = SpreadsheetField(
        label=_("Excel workbook"),
        required=False,
        workbook_only=True,
        help_text=_("Its three sheets: commitments, milestones and indicators."),
    )
    commitments = SpreadsheetField(label=_("Commitments (CSV)"), required=False)
    milestones = SpreadsheetField(label=_("Milestones (CSV)"), required=False)
    indicators = SpreadsheetField(label=_("Indicators (CSV)"), required=False)

    CSV_FIELDS = ("commitments", "milestones", "indicators")

    def clean(self):
        data = super().clean()
        csvs = [name for name in self.CSV_FIELDS if data.get(name)]
        if data.get("workbook") and csvs:
            raise ValidationError(gettext("Send either the Excel workbook or CSV files, not both."))
        if not self.errors and not data.get("workbook") and not csvs:
            raise ValidationError(gettext("Choose the Excel workbook or at least one CSV file."))
        return data

    def uploads(self) -> tuple[tuple[str, bytes] | None, dict[str, tuple[str, bytes]]]:
        """(the workbook as (name, bytes) or None, the CSV files by sheet key)."""
        upload = self.cleaned_data.get("workbook")
        workbook = (upload.name, upload.read()) if upload else None
        csvs = {}
        for name in self.CSV_FIELDS:
            upload = self.cleaned_data.get(name)
            if upload:
                csvs[name] = (upload.name, upload.read())
        return workbook, csvs


def plan_for_import(request: HttpRequest, model_admin, object_id: str) -> ActionPlan:
    """The plan, if the user may import into it: 404 when it is not theirs to see, 403 when
    they may not add commitments or change it (a closed plan is read-only)."""
    if not all(request.user.has_perm(p) for p in IMPORT_PERMISSIONS):
        raise PermissionDenied
    plan = model_admin.get_object(request, unquote(object_id))
    if plan is None:
        raise Http404(gettext("This object does not exist or is not yours to see."))
    if not model_admin.has_change_permission(request, plan):
        raise PermissionDenied
    return plan


def plan_import_view(request: HttpRequest, object_id: str, *, model_admin) -> HttpResponse:
    plan = plan_for_import(request, model_admin, object_id)
    change_url = reverse("admin:consultations_actionplan_change", args=[plan.pk])

    def save(result) -> str:
        done = imports.import_plan(plan=plan, result=result)
        return gettext(
            "Imported into “%(plan)s”: %(commitments)d commitment(s), %(milestones)d "
            "milestone(s), %(indicators)d indicator(s)."
        ) % {
            "plan": plan,
            "commitments": len(done.commitments),
            "milestones": len(done.milestones),
            "indicators": len(done.indicators),
        }

    step = import_step(
        request,
        form_class=PlanImportForm,
        parse=lambda form: imports.parse_files(plan, *form.uploads()),
        sign=lambda result: imports.sign_rows(plan, result),
        unsign=lambda token: imports.unsign_rows(plan, token),
        save=save,
        done_url=change_url,
    )
    if step.done:
        return step.done
    result = step.result
    sheets = [
        {
            "label": sheet.label,
            "columns": sheet.columns,
            "rows": preview_rows(sheet, result.rows(sheet.key)),
        }
        for sheet in imports.SHEETS
        if result and result.rows(sheet.key)
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Import commitments from a spreadsheet"),
        "opts": model_admin.model._meta,
        "original": plan,
        "change_url": change_url,
        "form": step.form,
        "result": result,
        "token": step.token,
        "sheets": sheets,
        "summary": "{} {}.".format(
            gettext("These rows will be created in the plan:"),
            ", ".join(f"{len(sheet['rows'])} {sheet['label']}" for sheet in sheets),
        ),
    }
    return render(request, "admin/consultations/actionplan/import.html", context)


TEMPLATES = {
    "plan.xlsx": lambda plan: imports.template_xlsx(plan.start_year),
    **{
        f"{sheet.key}.csv": (lambda plan, key=sheet.key: imports.template_csv(key, plan.start_year))
        for sheet in imports.SHEETS
    },
}


def plan_import_template_view(
    request: HttpRequest, object_id: str, name: str, *, model_admin
) -> HttpResponse:
    """A template for this plan: the workbook (plan.xlsx) or one sheet as CSV."""
    plan = plan_for_import(request, model_admin, object_id)
    if name not in TEMPLATES:
        raise Http404
    stem, fmt = name.rsplit(".", 1)
    return template_response(
        fmt, {fmt: lambda: TEMPLATES[name](plan)}, f"{stem}-template-{plan.start_year}"
    )
