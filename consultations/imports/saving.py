"""From the preview to the database: the rows travel signed (opengov.imports.signing), so what
is saved is exactly what was previewed, checked again, all in one transaction or nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from opengov import imports as spreadsheet

from ..models import Proposal, Workshop
from .checking import build_proposal, check_rows, closed_plan_error
from .table import SHEET, SIGNING_SALT, ParseResult


def sign_rows(workshop: Workshop, result: ParseResult) -> str:
    return spreadsheet.sign_rows(SIGNING_SALT, workshop.pk, {SHEET.key: result.rows})


def unsign_rows(workshop: Workshop, token: str) -> ParseResult | None:
    """The rows of a signed preview, checked again against today's data; None if tampered with
    or made for another workshop."""
    sheets = spreadsheet.unsign_rows(SIGNING_SALT, workshop.pk, token)
    if sheets is None:
        return None
    return check_rows(workshop, sheets.get(SHEET.key, []))


@transaction.atomic
def import_rows(workshop: Workshop, result: ParseResult) -> list[Proposal]:
    """Save every row, or none: any error raises before the transaction commits (a closed
    plan, whose workshops take no new proposal, included)."""
    closed = closed_plan_error(workshop)
    if closed is not None:
        raise closed
    if not result.ok:
        raise ValidationError(gettext("The file has errors; nothing was imported."))
    proposals = []
    for row in result.rows:
        proposal = build_proposal(row, workshop)
        proposal.full_clean()
        proposal.save()
        proposals.append(proposal)
    return proposals
