"""The councils of the network, their own programmes (PAC, PDP, PDR) and the shared themes."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opengov.admin_base import PortalAdmin, ScopedRelatedFilter

from ..models import (
    Council,
    CouncilProgramme,
    Theme,
)


class InNetworkFilter(admin.SimpleListFilter):
    title = _("in the network")
    parameter_name = "in_network"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(in_network_since__isnull=False)
        if self.value() == "no":
            return queryset.filter(in_network_since__isnull=True)
        return queryset


@admin.register(Council)
class CouncilAdmin(PortalAdmin):
    list_display = ("__str__", "kind", "code", "parent", "in_network_since")
    list_filter = ("kind", InNetworkFilter)
    search_fields = ("name_ar", "name_fr", "slug", "code")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("name_fr",)}
    autocomplete_fields = ("parent",)
    filter_horizontal = ("staff",)
    fieldsets = (
        (None, {"fields": ("kind", "name", "slug", "code", "parent", "in_network_since")}),
        (_("Contact"), {"fields": ("contact_email", "contact_phone", "website", "logo")}),
        (_("People"), {"fields": ("staff",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Only network administrators decide who works for a council.
        if request.user.is_superuser:
            return ()
        return ("staff",)


@admin.register(Theme)
class ThemeAdmin(PortalAdmin):
    list_display = ("__str__", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name_ar", "name_fr", "slug")
    prepopulated_fields = {"slug": ("name_fr",)}
    fields = ("name", "slug", "description", "position")


@admin.register(CouncilProgramme)
class CouncilProgrammeAdmin(PortalAdmin):
    """Each coordinator keeps their own council's programmes (scoped like every council row)."""

    list_display = ("__str__", "council", "kind", "start_year", "end_year")
    list_filter = ("kind", ("council", ScopedRelatedFilter))
    search_fields = ("title_ar", "title_fr", "council__name_ar", "council__name_fr")
    list_select_related = ("council",)
    autocomplete_fields = ("council",)
    fields = ("council", "kind", "title", ("start_year", "end_year"), "url", "document")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Councils' sites are https: an address typed without its scheme gets https.
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)
