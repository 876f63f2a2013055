"""From a preview to its confirmation: the rows travel signed (django.core.signing) in the
confirmation form, tied to the object they were previewed for, so what is saved is exactly what
was previewed. The confirmation checks them again against the data of that moment."""

from __future__ import annotations

from django.core import signing

from .table import ParsedRow

MAX_AGE_SECONDS = 3600


def sign_rows(salt: str, owner_pk: int, sheets: dict[str, list[ParsedRow]]) -> str:
    payload = {
        "owner": owner_pk,
        "sheets": {key: [[r.row, r.values] for r in rows] for key, rows in sheets.items()},
    }
    return signing.dumps(payload, salt=salt, compress=True)


def unsign_rows(salt: str, owner_pk: int, token: str) -> dict[str, list[ParsedRow]] | None:
    """The rows of a signed preview, by sheet; None if the token was altered, has expired
    (MAX_AGE_SECONDS) or was made for another object."""
    try:
        payload = signing.loads(token, salt=salt, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("owner") != owner_pk:
        return None
    sheets = {}
    for key, rows in (payload.get("sheets") or {}).items():
        sheets[key] = [
            ParsedRow(row=int(number), values={str(k): str(v) for k, v in values.items()})
            for number, values in rows
        ]
    return sheets
