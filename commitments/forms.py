"""Forms of the coordinator's admin pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.models import ActionPlan, Theme

from .models import Commitment


class CommitmentFromProposalsForm(forms.Form):
    """Create a new commitment from proposals, or attach them to an existing one."""

    NEW = "new"
    EXISTING = "existing"

    mode = forms.ChoiceField(
        label=_("What to do with the selected proposals"),
        choices=[
            (NEW, _("Create a new commitment from them")),
            (EXISTING, _("Attach them to an existing commitment")),
        ],
        widget=forms.RadioSelect,
        initial=NEW,
    )
    plan = forms.ModelChoiceField(
        label=_("Action plan"), queryset=ActionPlan.objects.none(), required=False
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=32,
        required=False,
        help_text=_("Unique within the plan, e.g. TTA-2024-03."),
    )
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.all(), required=False)
    title_ar = forms.CharField(label=_("Title (Arabic)"), max_length=255, required=False)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=255, required=False)
    problem_ar = forms.CharField(
        label=_("Problem addressed (Arabic)"), widget=forms.Textarea, required=False
    )
    problem_fr = forms.CharField(
        label=_("Problem addressed (French)"), widget=forms.Textarea, required=False
    )
    description_ar = forms.CharField(
        label=_("What will be done (Arabic)"), widget=forms.Textarea, required=False
    )
    description_fr = forms.CharField(
        label=_("What will be done (French)"), widget=forms.Textarea, required=False
    )
    commitment = forms.ModelChoiceField(
        label=_("Existing commitment"), queryset=Commitment.objects.none(), required=False
    )

    def __init__(self, *args, plans, commitments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["commitment"].queryset = commitments
        self.fields["title_ar"].widget.attrs["dir"] = "rtl"
        self.fields["problem_ar"].widget.attrs["dir"] = "rtl"
        self.fields["description_ar"].widget.attrs["dir"] = "rtl"
        for name in ("title_fr", "problem_fr", "description_fr", "reference"):
            self.fields[name].widget.attrs["dir"] = "ltr"

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.EXISTING:
            if not data.get("commitment"):
                self.add_error("commitment", _("Choose the commitment to attach the proposals to."))
        else:
            if not data.get("plan"):
                self.add_error("plan", _("Choose the plan of the new commitment."))
            if not data.get("reference"):
                self.add_error("reference", _("Give the new commitment a reference."))
            if not (data.get("title_ar") or data.get("title_fr")):
                self.add_error(
                    "title_ar", _("Give the new commitment a title in Arabic or in French.")
                )
        return data

    def commitment_fields(self) -> dict:
        """The values of the new commitment, as the service expects them."""
        names = (
            "reference",
            "theme",
            "title_ar",
            "title_fr",
            "problem_ar",
            "problem_fr",
            "description_ar",
            "description_fr",
        )
        return {name: self.cleaned_data[name] for name in names}
