"""Building blocks shared by every ModelAdmin of the portal.

- `ModelErrorsForm`: a model's clean() may name fields that a given admin form does not show
  (the council derived from a workshop, say). Django would crash on such an error; this form shows
  it at the top of the form instead, so every rule reaches the user as a message.
- `PortalAdmin` / `PortalHistoryAdmin`: council scoping (opengov.scoping), translation tabs for the
  Arabic and French fields, a real 404 for objects the user may not see (Django's admin redirects
  to the index instead), and for tracked models the history pages, scoped the same way.
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.utils.translation import gettext
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from simple_history.admin import SimpleHistoryAdmin

from .scoping import CouncilScopedAdminMixin


class ModelErrorsForm(forms.ModelForm):
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
