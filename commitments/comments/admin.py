"""The moderation queue: comments waiting for a moderator and reported ones first; publish,
hide with a reason, reply as the council; CSV/XLSX export of a plan's comments. The consultation's
comments and the questions during implementation share the queue (filter by phase)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from opengov.admin_base import (
    LargeTableAdminMixin,
    NotFoundInsteadOfRedirectMixin,
    ScopedRelatedFilter,
)
from opengov.scoping import CouncilScopedAdminMixin

from ..models import Comment
from ..models.comments import moderation_urgency
from . import services
from .exports import comments_export_response


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Waiting for moderation")),
            ("reported", _("Reported")),
            ("pending", _("Not confirmed by their author")),
            ("unanswered", _("Published, without an official reply")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(state=Comment.State.CONFIRMED)
        if self.value() == "reported":
            return queryset.filter(report_count__gt=0).exclude(state=Comment.State.HIDDEN)
        if self.value() == "pending":
            return queryset.filter(state=Comment.State.PENDING)
        if self.value() == "unanswered":
            return queryset.filter(state=Comment.State.PUBLISHED, official_reply="")
        return queryset


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are these comments hidden?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text=_("Kept with the comment; the author is not told."),
    )


class CommentAdminForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ("official_reply",)
        widgets = {"official_reply": forms.Textarea(attrs={"rows": 4, "dir": "auto"})}


class CommentAdmin(
    NotFoundInsteadOfRedirectMixin,
    LargeTableAdminMixin,
    CouncilScopedAdminMixin,
    admin.ModelAdmin,
):
    form = CommentAdminForm
    list_display = (
        "__str__",
        "plan",
        "commitment",
        "phase",
        "state",
        "report_count",
        "created_at",
    )
    list_filter = (QueueFilter, "phase", "state", ("plan", ScopedRelatedFilter))
    search_fields = ("author_name", "body")
    list_select_related = ("plan__council", "commitment")
    actions = ["publish", "hide", "export_csv", "export_xlsx"]
    readonly_fields = (
        "plan",
        "commitment",
        "parent",
        "phase",
        "author_name",
        "body",
        "language",
        "state",
        "created_at",
        "confirmed_at",
        "published_at",
        "report_count",
        "hidden_reason",
        "moderated_by",
        "replied_by",
        "replied_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "plan",
                    "commitment",
                    "parent",
                    "phase",
                    "author_name",
                    "body",
                    "language",
                    "state",
                    "report_count",
                )
            },
        ),
        (
            _("Moderation"),
            {"fields": ("hidden_reason", "moderated_by", "confirmed_at", "published_at")},
        ),
        (
            _("Official reply of the council"),
            {"fields": ("official_reply", "replied_by", "replied_at")},
        ),
    )

    def get_queryset(self, request):
        # Waiting and reported comments first: the top of the list is the queue.
        # (The order is indexed: comment_queue_idx.)
        return super().get_queryset(request).by_urgency()

    def get_ordering(self, request):
        # The list's own order, not the model's (plan first, which put every plan's comments
        # before the queue and sorted all two million of them for the first page).
        return (moderation_urgency().asc(), "-created_at")

    def has_add_permission(self, request):
        return False  # comments come from citizens

    def save_model(self, request, obj, form, change):
        if "official_reply" in form.changed_data:
            try:
                services.comment_reply(
                    comment=obj, text=form.cleaned_data["official_reply"], by=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected comments"), permissions=["change"])
    def publish(self, request, queryset):
        done = 0
        for comment in queryset:
            try:
                services.comment_publish(comment=comment, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{comment}: {' '.join(error.messages)}", level=messages.WARNING
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d comment published.", "%(count)d comments published.", done)
                % {"count": done},
                level=messages.SUCCESS,
            )

    @admin.action(
        description=_("Hide the selected comments (with a reason)"), permissions=["change"]
    )
    def hide(self, request, queryset):
        form = HideForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            for comment in queryset:
                services.comment_hide(
                    comment=comment, reason=form.cleaned_data["reason"], by=request.user
                )
            self.message_user(
                request,
                ngettext("%(count)d comment hidden.", "%(count)d comments hidden.", len(queryset))
                % {"count": len(queryset)},
                level=messages.SUCCESS,
            )
            return HttpResponseRedirect(request.get_full_path())
        return render(
            request,
            "admin/commitments/comment/hide.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Hide comments"),
                "opts": self.model._meta,
                "comments": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Export the selected comments (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        return comments_export_response(queryset, "csv")

    @admin.action(description=_("Export the selected comments (Excel)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return comments_export_response(queryset, "xlsx")
