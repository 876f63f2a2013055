"""The citizen's comment form."""

from django import forms
from django.utils.translation import gettext, gettext_lazy as _

from ..models import COMMENT_MAX_LENGTH
from .services import clean_text, mailbox_refusal


class CommentForm(forms.Form):
    """A citizen's comment. `website` is a honeypot: people do not see it, robots fill it."""

    author_name = forms.CharField(label=_("Your name"), max_length=80)
    email = forms.EmailField(
        label=_("Your e-mail"),
        help_text=_("To confirm your comment. Never shown."),
        max_length=254,
    )
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        max_length=COMMENT_MAX_LENGTH,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my name and comment are published and that my e-mail is kept to "
            "confirm it, as the notice below explains (law 09-08)."
        ),
        error_messages={"required": _("Your consent is needed to post a comment.")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author_name"].widget.attrs.update({"autocomplete": "name", "dir": "auto"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "dir": "ltr"})
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_author_name(self):
        name = clean_text(self.cleaned_data["author_name"])
        if not name:
            raise forms.ValidationError(gettext("Write your name."))
        return name

    def clean_email(self):
        email = self.cleaned_data["email"]
        refusal = mailbox_refusal(email)
        if refusal:
            raise forms.ValidationError(refusal)
        return email

    def clean_body(self):
        body = clean_text(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError(gettext("Write your comment."))
        return body

    @property
    def posted_parent(self) -> str:
        """The comment a posted reply answers, as posted ("" for a new comment or an unbound
        form): which of a page's comment forms shows this post again with its errors."""
        return str(self.data.get("parent", "") or "").strip()

    def show_as_new_comment(self) -> None:
        """Show this post again in the page's new-comment form (with its errors and text): for
        a reply refused for what it answers (a reply, a closed conversation, a comment that is
        gone), whose own reply form may not be on the page at all."""
        self.data = self.data.copy()
        self.data["parent"] = ""

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))
