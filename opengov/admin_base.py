"""Building blocks shared by every ModelAdmin of the portal.

- `ModelErrorsForm`: a model's clean() may name fields that a given admin form does not show
  (the council derived from a workshop, say). Django would crash on such an error; this form shows
  it at the top of the form instead, so every rule reaches the user as a message. Dates that may
  be months are typed as a month or a day (opengov.dateforms).
- `PortalAdmin` / `PortalHistoryAdmin`: council scoping (opengov.scoping), translation tabs for the
  Arabic and French fields, a real 404 for objects the user may not see (Django's admin redirects
  to the index instead), for tracked models the history pages, scoped the same way, and the
  lists of `LargeTableAdminMixin`.
- `LargeTableAdminMixin` and `ScopedRelatedFilter`: lists that cost the same for a table of ten
  rows and one of two million (see their docstrings).
- `TextDirectionMixin` and `LabelledHistoryHelper` (opengov.admin_language): inputs in their
  own language's direction, history in the staff's language, in every Portal* admin and inline.
"""

from urllib.parse import parse_qsl

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connections
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from simple_history.admin import SimpleHistoryAdmin

from . import paging
from .admin_language import LabelledHistoryHelper, TextDirectionMixin
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


class CappedCountPaginator(paging.CappedPaginator):
    """An admin changelist's pages (opengov.paging.CappedPaginator: 10,000 rows counted at
    most). Past the cap, a list with no condition at all (the network administrator's whole
    table) reports the planner's estimate of the table's rows (`estimated`: "about"), any other
    list reports the cap (`capped`: "more than"). Pages stop at the cap either way; filters and
    the search reach the rest."""

    estimated = False

    @cached_property
    def count(self) -> int:
        count = super().count
        queryset = self.object_list
        if self.capped and hasattr(queryset, "query") and not queryset.query.where:
            estimate = _estimated_rows(queryset)
            if estimate > self.cap:
                self.capped, self.estimated = False, True
                return estimate
        return count


def _estimated_rows(queryset) -> int:
    """The planner's estimate of the rows of the queryset's table (PostgreSQL's pg_class, kept by
    ANALYZE and autovacuum); 0 when unknown."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    return max(int(row[0]), 0) if row and row[0] is not None else 0


def related_count(rows: QuerySet, field: str) -> Coalesce:
    """An annotation: how many of `rows` have `field` pointing at the list's row. A correlated
    subquery, which PostgreSQL computes for the rows of the page only; Count("children") joins
    and groups the whole table before the first page (2 s for 32,000 working groups)."""
    per_row = rows.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("*"))
    return Coalesce(Subquery(per_row.values("n")), 0)


class LargeTableAdminMixin:
    """For every ModelAdmin of a table that grows with the network: the capped count, no second
    COUNT of the whole table for "N total" (show_full_result_count), no facet counts."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A list filter on a foreign key (or a path to one) whose choices are the related rows the
    user may see, read from the related table, not a DISTINCT over the filtered one (Django's
    RelatedOnlyFieldListFilter reads every proposal to list the councils they belong to).

    Up to MAX_CHOICES choices are listed as links, as usual; past that (1,590 councils for the
    network administrator) the filter shows a search box instead, answered by the related
    model's own admin search (its scoped queryset and search_fields), so the list is filtered
    to the rows of the related rows that match. Costs one query on the related table."""

    MAX_CHOICES = 30
    template = "admin/filter_related_search.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.model_admin = model_admin
        self.search_kwarg = f"{field_path}__search"
        values = params.get(self.search_kwarg)
        self.search_value = (values[-1] if isinstance(values, list) else values or "").strip()
        self.too_many = False
        super().__init__(field, request, params, model, model_admin, field_path)

    def expected_parameters(self):
        return [*super().expected_parameters(), self.search_kwarg]

    def _related_admin(self, field, model_admin):
        return model_admin.admin_site._registry.get(field.remote_field.model)

    def field_choices(self, field, request, model_admin):
        from .scoping import scope_queryset

        related_admin = self._related_admin(field, model_admin)
        related = field.remote_field.model
        if related_admin is not None:
            queryset = related_admin.get_queryset(request)
            selected = related_admin.get_list_select_related(request)
            if selected is True:
                queryset = queryset.select_related()
            elif selected:
                queryset = queryset.select_related(*selected)
        else:
            queryset = scope_queryset(related._default_manager.all(), request.user)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        rows = list(queryset[: self.MAX_CHOICES + 1])
        if len(rows) > self.MAX_CHOICES:
            self.too_many = True
            chosen = self.lookup_val[-1] if self.lookup_val else None
            rows = [row for row in rows if str(row.pk) == str(chosen)]
            if chosen is not None and not rows:
                rows = list(queryset.filter(pk=chosen)[:1]) if str(chosen).isdigit() else []
        return [(row.pk, str(row)) for row in rows]

    def has_output(self):
        return self.too_many or super().has_output()

    def queryset(self, request, queryset):
        # The search box's text is no lookup of the list's model: it picks related rows.
        self.used_parameters.pop(self.search_kwarg, None)
        queryset = super().queryset(request, queryset)
        if not self.search_value:
            return queryset
        related_admin = self._related_admin(self.field, self.model_admin)
        if related_admin is None:
            return queryset.none()
        related, _duplicates = related_admin.get_search_results(
            request, related_admin.get_queryset(request), self.search_value
        )
        return queryset.filter(**{f"{self.field_path}__in": related.values("pk")})

    def choices(self, changelist):
        yield from super().choices(changelist)
        if self.too_many:
            others = changelist.get_query_string(remove=[self.search_kwarg, self.lookup_kwarg])
            yield {
                "search": True,
                "name": self.search_kwarg,
                "value": self.search_value,
                "hidden": parse_qsl(others.lstrip("?")),
                "selected": bool(self.search_value),
                "display": _("Search"),
            }


class PortalAdmin(
    NotFoundInsteadOfRedirectMixin,
    LargeTableAdminMixin,
    CouncilScopedAdminMixin,
    TextDirectionMixin,
    TabbedTranslationAdmin,
):
    form = ModelErrorsForm
    list_per_page = 50


class PortalHistoryAdmin(
    NotFoundInsteadOfRedirectMixin,
    LargeTableAdminMixin,
    CouncilScopedAdminMixin,
    SimpleHistoryAdmin,
    TextDirectionMixin,
    TabbedTranslationAdmin,
):
    """For models whose changes are kept (django-simple-history)."""

    form = ModelErrorsForm
    list_per_page = 50

    def get_historical_record_context_helper(self, request, historical_record):
        return LabelledHistoryHelper(self.model, historical_record)

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


def _plain_select(field) -> bool:
    """A foreign key shown as a plain <select> of all its choices: not the hidden id of the
    inline's row (its "choices" are the whole table), nor an autocomplete (only the chosen
    value is rendered)."""
    widget = getattr(field.widget, "widget", field.widget)  # the admin's related-field wrapper
    return type(field) is forms.ModelChoiceField and type(widget) is forms.Select


class SharedChoicesInlineMixin:
    """The forms of an inline share the choices of their foreign keys: each form's select
    would otherwise run its own query (a workshop's 300 proposals, 300 times the list of its
    working groups). The choices are read once per formset, when the first form is built; what
    a posted form accepts is still checked against the field's queryset."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class SharedChoicesFormSet(formset):
            def _construct_form(self, i, **form_kwargs):
                form = super()._construct_form(i, **form_kwargs)
                shared = self.__dict__.setdefault("_shared_choices", {})
                for name, field in form.fields.items():
                    if _plain_select(field):
                        if name not in shared:
                            shared[name] = list(field.choices)
                        field.choices = shared[name]
                return form

        SharedChoicesFormSet.__name__ = formset.__name__
        return SharedChoicesFormSet


class PortalStackedInline(
    SharedChoicesInlineMixin, CouncilScopedAdminMixin, TextDirectionMixin, TranslationStackedInline
):
    form = ModelErrorsForm
    extra = 0


class PortalTabularInline(
    SharedChoicesInlineMixin, CouncilScopedAdminMixin, TextDirectionMixin, TranslationTabularInline
):
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


class CappedAutocompleteJsonView(AutocompleteJsonView):
    """The autocomplete's pages, "more" answered by the capped count: Django's exact one
    counted every proposal the user may see on each keystroke."""

    paginator_class = CappedCountPaginator


class PortalAdminSite(admin.AdminSite):
    """The admin site, with the "view on site" shortcut scoped to the user's councils and the
    autocomplete's count capped."""

    def autocomplete_view(self, request):
        return CappedAutocompleteJsonView.as_view(admin_site=self)(request)

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
