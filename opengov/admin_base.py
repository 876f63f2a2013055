"""Building blocks shared by every ModelAdmin of the portal.

- `ModelErrorsForm`: a model's clean() may name fields that a given admin form does not show
  (the council derived from a workshop, say). Django would crash on such an error; this form shows
  it at the top of the form instead, so every rule reaches the user as a message. Dates that may
  be months are typed as a month or a day (opengov.dateforms).
- `PortalAdmin` / `PortalHistoryAdmin`: council scoping (opengov.scoping), translation tabs for the
  Arabic and French fields, a real 404 for objects the user may not see (Django's admin redirects
  to the index instead), and for tracked models the history pages, scoped the same way.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from simple_history.admin import SimpleHistoryAdmin

from .dateforms import MonthDatesFormMixin
from .scoping import CouncilScopedAdminMixin


class ModelErrorsForm(MonthDatesFormMixin, forms.ModelForm):
    """Model validation errors about fields the form does not show become form-wide errors."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            shown, hidden = {}, []
            for field, messages in errors.error_dict.items():
                if field == NON_FIELD_ERRORS or field in self.fields:
                    shown[field] = messages
                else:
                    label = self.instance._meta.get_field(field).verbose_name
                    hidden += [
                        ValidationError(f"{label}: {message}")
                        for error in messages
                        for message in error.messages
                    ]
            if hidden:
                shown.setdefault(NON_FIELD_ERRORS, [])
                shown[NON_FIELD_ERRORS] = list(shown[NON_FIELD_ERRORS]) + hidden
            errors = ValidationError(shown)
        super()._update_errors(errors)


class NotFoundInsteadOfRedirectMixin:
    """An object the user may not see (another council's, or none at all) is simply not
    found: 404, as for a crafted URL anywhere else on the site."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(gettext("This object does not exist or is not yours to see."))


class PortalAdmin(NotFoundInsteadOfRedirectMixin, CouncilScopedAdminMixin, TabbedTranslationAdmin):
    form = ModelErrorsForm
    list_per_page = 50


class PortalHistoryAdmin(
    NotFoundInsteadOfRedirectMixin,
    CouncilScopedAdminMixin,
    SimpleHistoryAdmin,
    TabbedTranslationAdmin,
):
    """For models whose changes are kept (django-simple-history)."""

    form = ModelErrorsForm
    list_per_page = 50

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the historical rows when the object is not in the
        # queryset, which would show another council's history: look in the scoped queryset.
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(gettext("This object does not exist or is not yours to see."))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(gettext("This object does not exist or is not yours to see."))
        return super().history_form_view(request, object_id, version_id, extra_context)


class PortalStackedInline(CouncilScopedAdminMixin, TranslationStackedInline):
    form = ModelErrorsForm
    extra = 0


class PortalTabularInline(CouncilScopedAdminMixin, TranslationTabularInline):
    form = ModelErrorsForm
    extra = 0


def view_on_site(request, content_type_id, object_id):
    """Django's "view on site" shortcut, limited to what the user's councils own: the plain one
    looks up any council's object and redirects to its public address."""
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.contenttypes.views import shortcut

    from .scoping import scope_queryset

    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    if model is None:
        raise Http404
    try:
        visible = scope_queryset(model._default_manager.all(), request.user)
        allowed = visible.filter(pk=unquote(object_id)).exists()
    except (ValueError, ValidationError):
        allowed = False
    if not allowed:
        raise Http404
    return shortcut(request, content_type_id, object_id)


class PortalAdminSite(admin.AdminSite):
    """The admin site, with the "view on site" shortcut scoped to the user's councils."""

    def get_urls(self):
        urls = super().get_urls()
        for position, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[position] = path(
                    "r/<int:content_type_id>/<path:object_id>/",
                    self.admin_view(view_on_site),
                    name="view_on_site",
                )
        return urls
