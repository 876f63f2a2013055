"""The Follow form, and the choices of the page where an address manages its follows."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..comments.services import mailbox_refusal
from ..models import Follow


class FollowForm(forms.Form):
    """Follow a council, a plan or a commitment by e-mail. `website` is a honeypot: people do
    not see it, robots fill it."""

    email = forms.EmailField(
        label=_("Your e-mail"),
        help_text=_("We send a link to confirm. Never shown."),
        max_length=254,
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Follow.Frequency.choices,
        initial=Follow.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often you want to be told.")},
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my e-mail is kept to tell me what happens on what I follow, as the "
            "notice below explains (law 09-08)."
        ),
        error_messages={"required": _("Your consent is needed to follow.")},
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def clean_email(self):
        email = self.cleaned_data["email"]
        refusal = mailbox_refusal(email)
        if refusal:
            raise forms.ValidationError(refusal)
        return email

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class FrequencyForm(forms.Form):
    """A change of frequency on the manage page: which follow, and how often."""

    follow = forms.IntegerField()
    frequency = forms.ChoiceField(choices=Follow.Frequency.choices)
