"""The search form: what the search page reads from its query string, checked once (opengov.params
for the numbers); a value that does not parse is ignored with a translated note, never an
error page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opengov.params import SEARCH_MAX_LENGTH, ascii_int

from .results import KINDS


def kind_labels() -> dict[str, str]:
    """The name of each kind of result, plural, as the page's filters and groups show it."""
    return {
        "council": _("Councils"),
        "plan": _("Action plans"),
        "commitment": _("Commitments"),
        "milestone": _("Milestones"),
        "workshop": _("Workshops"),
        "working_group": _("Working groups"),
        "proposal": _("Proposals"),
        "comment": _("Comments"),
    }


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(required=False, choices=[(k, k) for k in KINDS])
    council = forms.SlugField(required=False, max_length=100)
    plan = forms.CharField(required=False, max_length=18)
    # "1": search the words as typed, without the "did you mean" correction.
    exact = forms.BooleanField(required=False)

    def clean_plan(self):
        value = self.cleaned_data["plan"]
        if value in ("", None):
            return None
        number = ascii_int(value)
        if number is None:
            raise forms.ValidationError(_("Not a plan number."), code="invalid")
        return number

    def values(self) -> dict:
        """The valid values, each one that failed left out (so the rest still searches)."""
        self.is_valid()
        data = {}
        for name in self.fields:
            if name not in self.errors and name in self.cleaned_data:
                data[name] = self.cleaned_data[name]
        if "q" in self.errors:  # too long: searched cut to the limit, as the engine reads it
            data["q"] = " ".join(str(self.data.get("q", "")).split())[:SEARCH_MAX_LENGTH]
        return data
