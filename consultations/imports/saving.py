"""From the preview to the database: the rows travel signed, so what is saved is exactly what
was previewed, checked again, all in one transaction or nothing."""

from __future__ import annotations

from dataclasses import asdict

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from ..models import Proposal, Workshop
from .checking import build_proposal, closed_plan_error, parse_rows
from .table import COLUMNS, SIGNING_SALT, ParseResult


def sign_rows(workshop: Workshop, result: ParseResult) -> str:
    payload = {"workshop": workshop.pk, "rows": [asdict(r)["values"] for r in result.rows]}
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def unsign_rows(workshop: Workshop, token: str) -> ParseResult | None:
    """The rows of a signed preview, checked again against today's data; None if tampered with
    or made for another workshop."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=3600)
    except signing.BadSignature:
        return None
    if payload.get("workshop") != workshop.pk:
        return None
    rows = payload.get("rows") or []
    keys = [c.key for c in COLUMNS]
    table = [keys] + [[str(row.get(k, "")) for k in keys] for row in rows]
    return parse_rows(workshop, table)


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
