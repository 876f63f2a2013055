"""Admin of plan publication: the plan's "Publish as PDF" action (mixed into the plan admin),
and the publications and documents the worker writes (read-only)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy as _

from opengov.admin_base import (
    LargeTableAdminMixin,
    NotFoundInsteadOfRedirectMixin,
    ScopedRelatedFilter,
)
from opengov.scoping import CouncilScopedAdminMixin

from ..models import PlanPublication
from .services import plan_publish, publication_retry


class PlanPublishingAdminMixin:
    """The plan admin's "Publish the plan as PDF" action and its list of published versions."""

    def has_publish_plan_permission(self, request):
        return request.user.has_perm("consultations.publish_plan")

    @admin.action(description=_("Publish the plan as PDF"), permissions=["publish_plan"])
    def publish_pdf(self, request, queryset):
        for plan in queryset:
            try:
                publication = plan_publish(plan=plan, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    gettext("“%(plan)s” cannot be published: %(reason)s")
                    % {"plan": plan, "reason": " ".join(error.messages)},
                    level=messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    gettext(
                        "Version %(version)d of “%(plan)s” is being rendered; its progress "
                        "shows on the plan's page."
                    )
                    % {"version": publication.version, "plan": plan},
                    level=messages.SUCCESS,
                )

    @admin.display(description=_("Published versions"))
    def publications(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = [
            format_html(
                "<li>v{} · {} {}{}{}</li>",
                p.version,
                p.get_status_display(),
                f"({p.step})" if p.step else "",
                format_html(" · {}", p.finished_at.strftime("%Y-%m-%d %H:%M"))
                if p.finished_at
                else "",
                format_html('<pre class="error">{}</pre>', p.error.splitlines()[0])
                if p.status == PlanPublication.Status.FAILED and p.error
                else "",
            )
            for p in obj.publications.order_by("-version")[:10]
        ]
        if not rows:
            return gettext("Not published yet.")
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((r,) for r in rows)))


class PublicationsReadOnlyMixin:
    """Publications and documents are written by the worker, never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlanPublicationAdmin(
    NotFoundInsteadOfRedirectMixin,
    LargeTableAdminMixin,
    PublicationsReadOnlyMixin,
    CouncilScopedAdminMixin,
    admin.ModelAdmin,
):
    list_display = ("plan", "version", "status", "step", "requested_by", "attempts", "finished_at")
    list_filter = ("status", ("plan__council", ScopedRelatedFilter))
    search_fields = ("plan__title_ar", "plan__title_fr")
    list_select_related = ("plan__council", "requested_by")
    readonly_fields = (
        "plan",
        "version",
        "status",
        "step",
        "requested_by",
        "attempts",
        "started_at",
        "finished_at",
        "error",
    )
    actions = ["try_again"]

    def has_publish_plan_permission(self, request):
        return request.user.has_perm("consultations.publish_plan")

    @admin.action(description=_("Try the failed publications again"), permissions=["publish_plan"])
    def try_again(self, request, queryset):
        count = 0
        for publication in queryset.filter(status=PlanPublication.Status.FAILED):
            try:
                publication_retry(publication=publication)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(
                request,
                gettext("%(count)d publication(s) queued again.") % {"count": count},
                level=messages.SUCCESS,
            )


class PlanDocumentAdmin(
    NotFoundInsteadOfRedirectMixin,
    LargeTableAdminMixin,
    PublicationsReadOnlyMixin,
    CouncilScopedAdminMixin,
    admin.ModelAdmin,
):
    list_display = ("plan", "language", "version", "is_current", "size", "generated_at", "sha256")
    list_filter = ("language", "is_current", ("plan__council", ScopedRelatedFilter))
    search_fields = ("plan__title_ar", "plan__title_fr", "sha256")
    list_select_related = ("plan__council",)
    readonly_fields = (
        "plan",
        "publication",
        "language",
        "version",
        "file",
        "sha256",
        "size",
        "generated_at",
        "is_current",
    )
