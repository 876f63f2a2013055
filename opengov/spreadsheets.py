"""CSV as the portal writes it: UTF-8 with a byte order mark, so Excel opens Arabic correctly."""

import csv
import io
from collections.abc import Iterable


def csv_bytes(rows: Iterable[list], delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
