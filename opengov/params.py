"""Numbers typed into URLs and forms: "42" is an id; "²", "٤٢" or "4.2" are not (str.isdigit()
accepts superscripts and other scripts' digits, which int() then refuses or reads otherwise)."""

import re

_ASCII_INTEGER = re.compile(r"[0-9]{1,18}")


def ascii_int(value) -> int | None:
    """The integer written in ASCII digits (at most 18, so it fits a bigint), or None."""
    text = str(value if value is not None else "")
    return int(text) if _ASCII_INTEGER.fullmatch(text) else None
