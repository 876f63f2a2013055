"""Forms of the consultation admin pages that are not plain model forms."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_lazy as _

from opengov.widgets import QuickSelect

from .imports import FileProblem, check_workbook
from .models import ActionPlan, Council, Theme
from .selectors import ProposalFilters


class ProposalImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of proposals"),
        help_text=_("CSV (UTF-8 or Windows-1256) or Excel .xlsx, one proposal per row."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                gettext("This file is %(size)s; the largest accepted is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
                }
            )
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(gettext("Send a .csv or .xlsx file."))
        upload.seek(0)
        if upload.read(4) == b"PK\x03\x04":
            # A workbook is checked before openpyxl ever opens it: sizes member by member, no
            # XML DTD. (Anything else named .xlsx is reported by the preview as unreadable.)
            try:
                check_workbook(upload)
            except FileProblem as problem:
                raise forms.ValidationError(str(problem)) from problem
        upload.seek(0)
        return upload


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

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["council"].queryset = Council.objects.all()
        self.fields["council"].choices = everything + [(c.pk, str(c)) for c in choices["councils"]]
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
