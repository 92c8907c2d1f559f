"""PJM's RPM capacity auction results: the "Resource Clearing Prices for all RPM Auctions held to date"
workbook (rpm-auctions-resource-clearing-price-summary.xlsx, linked from pjm.com/markets-and-operations/rpm).

Layout (a public connector that parses it, NOTES): a header row whose second cell is "Capacity Product
Type", the LDAs from the third column on (RTO first); then per delivery year a "DY yy/yy" label row,
and under it a row per auction (BRA, then the incremental auctions) and product (a single "*"
product before 2014/15, "Annual", "Ext Summer", "Limited", "CP", "Base Gen", "Base DR/EE" ...). A
cell "**" is an LDA PJM did not model that year: not a price. A delivery year runs June 1 to May 31.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import UpstreamBadResponse
from ..model import ISO, CapacityPriceRecord
from ..workbook import sheet_rows, text

TZ = ZoneInfo("America/New_York")
HEADER = "Capacity Product Type"
NOT_MODELED = "**"
_YEAR = re.compile(r"^DY ?(\d{2})/(\d{2})$")


def _bad(message: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(ISO.PJM, f"RPM clearing price workbook: {message}")


def _june(year: int) -> datetime:
    return datetime(year, 6, 1, tzinfo=TZ).astimezone(UTC)


def parse(body: bytes) -> list[Any]:
    rows = sheet_rows(ISO.PJM, body)
    header = next((i for i, row in enumerate(rows) if len(row) > 2 and text(row[1]).startswith(HEADER)), None)
    if header is None:
        raise _bad(f"no row with {HEADER!r} in its second column; the layout changed")
    ldas = {c: text(v) for c, v in enumerate(rows[header]) if c >= 2 and text(v)}
    if ldas.get(2) != "RTO":
        raise _bad(f"the first LDA column is {ldas.get(2)!r}, not 'RTO'")
    out: list[Any] = []
    year: int | None = None
    auction = ""
    for line, row in enumerate(rows[header + 1 :], start=header + 2):
        label = text(row[0]) if row else ""
        if found := _YEAR.match(label):
            first, second = 2000 + int(found.group(1)), 2000 + int(found.group(2))
            if second != first + 1:
                raise _bad(f"row {line}: {label!r} is not a delivery year")
            year, auction = first, ""
            continue
        product = text(row[1]) if len(row) > 1 else ""
        if not product:
            continue  # notes and spacer rows
        auction = label or auction  # a label names the rows of its auction's products below it
        if year is None or not auction:
            raise _bad(f"row {line}: a price row before any 'DY yy/yy' label or auction")
        name = f"{year}/{year + 1} {auction}"
        for column, lda in ldas.items():
            value = text(row[column]) if column < len(row) else ""
            if value in ("", NOT_MODELED):
                continue
            try:
                price = round(float(value), 2)  # the sheet stores 95.78999999999999 for 95.79
            except ValueError:
                raise _bad(f"row {line} {lda}: {value!r} is not a price") from None
            out.append(CapacityPriceRecord(name, lda, _june(year), _june(year + 1), price, "$/MW-day", product))
    if not out:
        raise _bad("no prices")
    return out
