"""The sandbox's RPM clearing price workbook, laid out as PJM's "Resource Clearing Prices for all RPM
Auctions held to date": a header row ("Capacity Product Type", then the LDAs, RTO first), then per
delivery year a "DY yy/yy" row and a row per auction and product; "**" where an LDA was not modeled.
Prices are synthetic."""

from __future__ import annotations

import io
import zlib

from openpyxl import Workbook

LDAS = ("RTO", "MAAC", "EMAAC", "SWMAAC", "PS", "DPL-SOUTH", "COMED", "BGE", "DOM")
FIRST_YEAR, LAST_YEAR = 2020, 2027  # delivery years 2020/2021 .. 2027/2028
AUCTIONS = ("BRA", "First Incremental Auction", "Second Incremental Auction", "Third Incremental Auction")


def _price(year: int, auction: str, lda: str) -> float:
    return round(30.0 + 300.0 * zlib.crc32(f"{year}|{auction}|{lda}".encode()) / 2**32, 2)


def workbook(now_year: int) -> bytes:
    """The workbook as of a year: the BRA of every delivery year held so far (three years ahead),
    incremental auctions of the years they have been held for."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["RPM Resource Clearing Prices for all RPM Auctions held to date ($/MW-day)"])
    sheet.append([])
    sheet.append(["", "Capacity Product Type", *LDAS])
    for year in range(FIRST_YEAR, min(LAST_YEAR, now_year + 2) + 1):
        sheet.append([f"DY {year % 100:02d}/{(year + 1) % 100:02d}"])
        held = AUCTIONS if year <= now_year else AUCTIONS[: max(1, 4 - (year - now_year) * 2)]
        for auction in held:
            prices = [_price(year, auction, lda) for lda in LDAS]
            cells: list[object] = [
                "**" if lda == "DPL-SOUTH" and year % 2 else p for lda, p in zip(LDAS, prices, strict=True)
            ]
            sheet.append([auction, "CP", *cells])
    sheet.append([])
    sheet.append(["** LDA was not modeled"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
