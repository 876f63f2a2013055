"""Forms of the consultation admin pages that are not plain model forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opengov.imports.forms import SpreadsheetField
from opengov.widgets import QuickSelect

from .models import ActionPlan, Council, Theme
from .selectors import ProposalFilters


class ProposalImportForm(forms.Form):
    file = SpreadsheetField(
        label=_("Spreadsheet of proposals"),
        help_text=_("CSV (UTF-8 or Windows-1256) or Excel .xlsx, one proposal per row."),
    )


class ProposalFilterForm(forms.Form):
    """The filters of the public proposals list (GET). An unknown value is reported and ignored."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    # QuickSelect: the council menu lists every council of the network (1,590 at national scale).
    council = forms.ModelChoiceField(
        label=_("Council"), queryset=None, required=False, widget=QuickSelect
    )
    plan = forms.ModelChoiceField(
        label=_("Action plan"), queryset=None, required=False, widget=QuickSelect
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=None, required=False, widget=QuickSelect
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    origin = forms.ChoiceField(
        label=_("Origin"),
        required=False,
        choices=[("", _("All")), ("online", _("Sent online")), ("workshop", _("From a workshop"))],
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("recent", _("Most recent first")), ("support", _("Most supported first"))],
    )

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["council"].queryset = Council.objects.all()
        self.fields["council"].choices = everything + choices["councils"]
        self.fields["plan"].queryset = ActionPlan.objects.public()
        self.fields["plan"].choices = everything + [(p.pk, str(p)) for p in choices["plans"]]
        if not choices["plans"]:
            self.fields["plan"].help_text = _("Choose a council first to list its plans.")
        self.fields["theme"].queryset = Theme.objects.all()
        self.fields["theme"].choices = everything + [(t.pk, str(t)) for t in choices["themes"]]
        self.fields["kind"].choices = everything + list(choices["kinds"])
        self.fields["status"].choices = everything + list(choices["statuses"])
        self.fields["q"].widget.attrs.update({"type": "search", "dir": "auto"})

    def filters(self):
        """The valid filters; invalid fields are left out (their errors stay on the form)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ProposalFilters(
            council=data.get("council"),
            plan=data.get("plan"),
            theme=data.get("theme"),
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            text=data.get("q") or "",
            origin=data.get("origin") or "",
            sort=data.get("sort") or "recent",
        )


class CouncilFilterForm(forms.Form):
    """The filters of the public council directory (GET)."""

    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Council.objects.filter(kind=Council.Kind.REGION),
        required=False,
        to_field_name="slug",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *Council.Kind.choices]
        self.fields["region"].empty_label = _("All")
        self.fields["q"].widget.attrs.update({"type": "search", "dir": "auto"})
