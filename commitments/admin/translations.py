"""The admin page "Awaiting translation": per plan, every text written in one language that
waits for its translation (opengov.translations), each linked to the form where it is
translated; limited to the staff member's councils, filtered by plan and target language."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.http import require_safe

from consultations.models import ActionPlan
from opengov import translations
from opengov.scoping import scope_queryset


class AwaitingTranslationFilter(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Action plan"), queryset=ActionPlan.objects.none(), required=False
    )
    language = forms.ChoiceField(label=_("Waiting for a translation into"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        plans = scope_queryset(ActionPlan.objects.open_for_changes(), user)
        self.fields["plan"].queryset = plans.select_related("council").order_by(
            "council__slug", "-start_year"
        )
        self.fields["language"].choices = [
            ("", gettext("any language")),
            *((code, translations.language_name(code)) for code in translations.languages()),
        ]


def _change_url(obj) -> str:
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def _groups(rows) -> list[dict]:
    """The rows grouped by plan (a workshop of no plan in a group of its own), plans in the
    order of the plans filter."""
    groups: dict[int | None, dict] = {}
    for row in rows:
        key = row.plan.pk if row.plan is not None else None
        group = groups.setdefault(
            key,
            {
                "plan": row.plan,
                "url": _change_url(row.plan) if row.plan is not None else "",
                "rows": [],
            },
        )
        group["rows"].append(
            {
                "kind": row.obj._meta.verbose_name,
                "object": row.obj,
                "url": _change_url(row.obj),
                "fields": [str(row.obj._meta.get_field(name).verbose_name) for name in row.fields],
                "languages": sorted(
                    {translations.language_name(c) for codes in row.fields.values() for c in codes}
                ),
            }
        )
    return sorted(groups.values(), key=lambda g: (g["plan"] is None, str(g["plan"] or "")))


@require_safe
def awaiting_translation_view(request: HttpRequest, *, model_admin) -> HttpResponse:
    """GET only (a filter form): staff who may see plans; each sees their councils' texts."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form = AwaitingTranslationFilter(request.GET or None, user=request.user)
    plan_id = language = None
    if form.is_bound and form.is_valid():
        plan = form.cleaned_data["plan"]
        plan_id = plan.pk if plan is not None else None
        language = form.cleaned_data["language"] or None
    rows = (
        []
        if form.is_bound and form.errors
        else translations.pending_rows(request.user, plan_id=plan_id, language=language)
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Awaiting translation"),
        "opts": model_admin.model._meta,
        "form": form,
        "groups": _groups(rows),
        "count": len(rows),
    }
    return render(request, "admin/consultations/actionplan/translations.html", context)
