"""The public Propose and Support forms. Each has a honeypot (`website`: people do not see it,
robots fill it) and the time stamp of when it was shown (opengov.formtime): a post sooner than a
person could write is shown again, with what was typed, asking to check and send it."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy as _

from consultations.models import Proposal, Theme
from opengov import formtime

from ..comments.services import clean_text, mailbox_refusal
from .services import (
    BODY_MAX_LENGTH,
    ORGANISATION_MAX_LENGTH,
    RESIDENCE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)


class TimedForm(forms.Form):
    """A public form with a honeypot and a minimum time between showing and posting."""

    min_seconds_setting = ""

    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "dir": "ltr"})

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_email(self):
        email = self.cleaned_data["email"]
        refusal = mailbox_refusal(email)
        if refusal:
            raise forms.ValidationError(refusal)
        return email

    def clean(self):
        cleaned = super().clean()
        elapsed = formtime.seconds_since(self.data.get(formtime.FIELD))
        if elapsed is None:
            raise forms.ValidationError(
                gettext(
                    "This form was open for too long, or did not come from this site. Check "
                    "what you wrote and send it again."
                ),
                code="stale",
            )
        if elapsed < getattr(settings, self.min_seconds_setting):
            raise forms.ValidationError(
                gettext("That was very quick: check what you wrote and send it again."),
                code="too_quick",
            )
        return cleaned


class ProposalForm(TimedForm):
    """A citizen's proposal, sent online to a plan, in the language of the page."""

    min_seconds_setting = "PROPOSAL_FORM_MIN_SECONDS"

    kind = forms.ChoiceField(
        label=_("What you are sending"),
        choices=Proposal.Kind.choices,
        initial=Proposal.Kind.PROPOSAL,
        error_messages={"required": _("Choose what you are sending.")},
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.order_by("position", "slug"),
        required=False,
        empty_label=_("No particular theme"),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=_("Your text"),
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        max_length=BODY_MAX_LENGTH,
    )
    organisation = forms.CharField(
        label=_("Organisation (optional)"),
        help_text=_("An association, a collective, a company… if you write on its behalf."),
        max_length=ORGANISATION_MAX_LENGTH,
        required=False,
    )
    residence = forms.CharField(
        label=_("Municipality where you live (optional)"),
        max_length=RESIDENCE_MAX_LENGTH,
        required=False,
    )
    email = forms.EmailField(
        label=_("Your e-mail"),
        help_text=_("To confirm your proposal and tell you what became of it. Never shown."),
        max_length=254,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my proposal (with the organisation and municipality I gave) is "
            "published and that my e-mail is kept to confirm it and tell me what became of it, "
            "as the notice below explains (law 09-08)."
        ),
        error_messages={"required": _("Your consent is needed to send a proposal.")},
    )

    field_order = ["kind", "theme", "title", "body", "organisation", "residence", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "organisation", "residence"):
            self.fields[name].widget.attrs["dir"] = "auto"

    def _text(self, name: str, message: str) -> str:
        text = clean_text(self.cleaned_data.get(name, ""))
        if not text:
            raise forms.ValidationError(message)
        return text

    def clean_title(self):
        return self._text("title", gettext("Give your proposal a title."))

    def clean_body(self):
        return self._text("body", gettext("Write your proposal."))

    def clean_organisation(self):
        return clean_text(self.cleaned_data.get("organisation", ""))

    def clean_residence(self):
        return clean_text(self.cleaned_data.get("residence", ""))


class SupportForm(TimedForm):
    """Support a proposal with a confirmed e-mail (one support per mailbox)."""

    min_seconds_setting = "SUPPORT_FORM_MIN_SECONDS"

    email = forms.EmailField(
        label=_("Your e-mail"),
        help_text=_("To confirm your support: it is then erased, only a fingerprint is kept."),
        max_length=254,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my e-mail is used to confirm my support, as the notice below "
            "explains (law 09-08)."
        ),
        error_messages={"required": _("Your consent is needed to support a proposal.")},
    )
