"""Forms of the consultation admin pages that are not plain model forms."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_lazy as _


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
        return upload
