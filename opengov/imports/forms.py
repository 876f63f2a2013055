"""The upload field of the spreadsheet imports: size, type and, for a workbook, the archive
checks, all before anything parses the file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .reading import (
    CSV_EXTENSIONS,
    XLSX_EXTENSIONS,
    FileProblem,
    check_workbook,
    size_problem,
)


class SpreadsheetField(forms.FileField):
    """A CSV or XLSX upload (`workbook_only`: XLSX only). A workbook is checked member by
    member (opengov.archives) before openpyxl ever opens it; anything else named .xlsx is
    reported by the preview as unreadable."""

    default_error_messages = {
        "wrong_type": _("Send a .csv or .xlsx file."),
        "not_a_workbook": _("Send an Excel workbook (.xlsx)."),
    }

    def __init__(self, *args, workbook_only: bool = False, **kwargs):
        self.workbook_only = workbook_only
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        problem = size_problem(upload.size)
        if problem is not None:
            raise forms.ValidationError(str(problem))
        accepted = XLSX_EXTENSIONS if self.workbook_only else CSV_EXTENSIONS + XLSX_EXTENSIONS
        if not upload.name.lower().endswith(accepted):
            code = "not_a_workbook" if self.workbook_only else "wrong_type"
            raise forms.ValidationError(self.error_messages[code], code=code)
        upload.seek(0)
        if upload.read(4) == b"PK\x03\x04":
            try:
                check_workbook(upload)
            except FileProblem as problem:
                raise forms.ValidationError(str(problem)) from problem
        upload.seek(0)
        return upload
