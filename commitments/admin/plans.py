"""The action plan admin as coordinators use it: the one registered by consultations, with the
stage actions that check their preconditions, the readiness checklist (both here: the checks
read commitments) and the publication as PDF (commitments/publishing/admin.py)."""

from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy as _

from consultations.admin import ActionPlanAdmin as BaseActionPlanAdmin
from consultations.models import ActionPlan
from opengov.admin_language import change_arrow

from .. import services
from ..forum.admin import PlanEndorsementInline
from ..publishing.admin import PlanPublishingAdminMixin
from ..selectors import plan_readiness
from .followers import PlanFollowersAdminMixin
from .plan_import import plan_import_template_view, plan_import_view
from .plan_record import plan_record_view
from .translations import awaiting_translation_view

Stage = ActionPlan.Stage


def _stage_action(to_stage: str, description):
    def action(modeladmin, request, queryset):
        moved = 0
        for plan in queryset:
            try:
                services.plan_change_stage(plan=plan, to_stage=to_stage, by=request.user)
            except ValidationError as error:
                modeladmin.message_user(
                    request,
                    format_html(
                        "{} <ul>{}</ul>",
                        gettext("“%(plan)s” cannot move to “%(stage)s”:")
                        % {"plan": plan, "stage": Stage(to_stage).label},
                        format_html_join("", "<li>{}</li>", ((m,) for m in error.messages)),
                    ),
                    level=messages.ERROR,
                )
            else:
                moved += 1
        if moved:
            modeladmin.message_user(
                request,
                gettext("%(count)d plan(s) moved to “%(stage)s”.")
                % {"count": moved, "stage": Stage(to_stage).label},
                level=messages.SUCCESS,
            )

    action.__name__ = f"move_to_{to_stage}"
    action.short_description = description
    action.allowed_permissions = ("change_plan_stage",)
    return action


class PlanWorkflowAdminMixin:
    """Stage actions, the readiness checklist, the stage history, the page that records a
    plan adopted outside the portal and the import of its commitments from a spreadsheet, for
    the ActionPlan admin."""

    change_form_template = "admin/consultations/actionplan/change_form.html"

    actions = [
        _stage_action(Stage.CONSULTATION, _("Open the consultation")),
        _stage_action(Stage.PREPARATION, _("Return to preparation")),
        _stage_action(Stage.ADOPTED, _("Adopt the plan")),
        _stage_action(Stage.IMPLEMENTATION, _("Start implementation")),
        _stage_action(Stage.CLOSED, _("Close the plan")),
    ]

    def has_change_plan_stage_permission(self, request):
        return request.user.has_perm("consultations.change_plan_stage")

    @admin.display(description=_("Readiness checklist"))
    def readiness_checklist(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Save the plan first.")
        rows = []
        for item in plan_readiness(obj):
            try:
                url = reverse(item.fix_url_name) + (f"?{item.fix_query}" if item.fix_query else "")
            except NoReverseMatch:
                url = ""
            rows.append(
                format_html(
                    '<li class="readiness readiness-{}"><strong>{} {}</strong>{}{}{}</li>',
                    "ok" if item.ok else "todo",
                    "✔" if item.ok else "✘",
                    item.label,
                    format_html_join("", "<br>· {}", ((p,) for p in item.problems)),
                    format_html_join(
                        "",
                        '<br><span class="readiness-warning">⚠ {}: {}</span>',
                        ((gettext("Recommended"), w) for w in item.warnings),
                    ),
                    format_html(' <a href="{}">{}</a>', url, gettext("Fix this"))
                    if url and (item.problems or item.warnings)
                    else "",
                )
            )
        return format_html(
            '<ul class="readiness-checklist">{}</ul>',
            format_html_join("", "{}", ((r,) for r in rows)),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "translations/",
                wrap(self.translations_view),
                name="consultations_actionplan_translations",
            ),
            path(
                "<path:object_id>/record/",
                wrap(self.record_view),
                name="consultations_actionplan_record",
            ),
            path(
                "<path:object_id>/import/",
                wrap(partial(plan_import_view, model_admin=self)),
                name="consultations_actionplan_import",
            ),
            path(
                "<path:object_id>/import/<str:name>",
                wrap(partial(plan_import_template_view, model_admin=self)),
                name="consultations_actionplan_import_template",
            ),
            *super().get_urls(),
        ]

    def record_view(self, request, object_id):
        return plan_record_view(request, object_id, model_admin=self)

    def translations_view(self, request):
        return awaiting_translation_view(request, model_admin=self)

    @admin.display(description=_("Stage history"))
    def stage_history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        changes = obj.stage_changes.select_related("changed_by").order_by("changed_at", "id")
        if not changes:
            return gettext("No stage change yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((_change_line(c),) for c in changes)),
        )


def _change_line(change) -> str:
    """One move of the stage history; a recorded one says so, with its real date and who
    recorded it when."""
    moved = format_html(
        "{} {} {}", change.get_from_stage_display(), change_arrow(), change.get_to_stage_display()
    )
    by = change.changed_by or "—"
    if change.recorded:
        return format_html(
            "{} {}",
            moved,
            gettext("on %(date)s (recorded on %(recorded_on)s by %(user)s)")
            % {
                "date": date_format(change.happened_on, "SHORT_DATE_FORMAT"),
                "recorded_on": date_format(
                    timezone.localtime(change.changed_at), "SHORT_DATE_FORMAT"
                ),
                "user": by,
            },
        )
    return format_html("{}: {} ({})", change.changed_at.strftime("%Y-%m-%d %H:%M"), moved, by)


class ActionPlanAdmin(
    PlanFollowersAdminMixin, PlanWorkflowAdminMixin, PlanPublishingAdminMixin, BaseActionPlanAdmin
):
    list_display = (*BaseActionPlanAdmin.list_display, "followers")
    readonly_fields = (
        "stage",
        "readiness_checklist",
        "stage_history",
        "publications",
        "followers",
        "council_followers",
    )
    fieldsets = (
        *BaseActionPlanAdmin.fieldsets,
        (_("Workflow"), {"fields": ("readiness_checklist", "stage_history")}),
        (_("Publication"), {"fields": ("publications",)}),
        PlanFollowersAdminMixin.followers_fieldset,
    )
    actions = [*PlanWorkflowAdminMixin.actions, "publish_pdf"]
    inlines = [*BaseActionPlanAdmin.inlines, PlanEndorsementInline]
