"""ERCOT's public-API archive: the postings of a report (`/archive/<emil>`) and their downloads.

The live report endpoints only hold recent days; the archive keeps every posted file, listed by
posting time and downloaded one zip per `docId`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .parse import bad_response, read_json


@dataclass(frozen=True, slots=True)
class Posting:
    doc_id: str
    posted: datetime  # Central wall time, as the listing gives it (no offset)
    name: str  # ERCOT's friendly name of the file, e.g. "2_Day_AS_Disclosure"


def window(first: date, last: date) -> dict[str, str]:
    """Listing filter for the postings made on days first..last (Central wall times)."""
    return {
        "postDatetimeFrom": f"{first.isoformat()}T00:00:00",
        "postDatetimeTo": f"{(last + timedelta(days=1)).isoformat()}T00:00:00",
    }


def listing(body: bytes, source: str) -> tuple[list[Posting], int]:
    """One listing page: its postings, oldest first, and the number of pages the listing has."""
    payload = read_json(body, source)
    meta, archives = payload.get("_meta"), payload.get("archives")
    pages = meta.get("totalPages") if isinstance(meta, dict) else None
    if not isinstance(pages, int) or not isinstance(archives, list):
        detail = payload.get("message")
        raise bad_response(f"{source}: not an archive listing" + (f": {str(detail)[:200]}" if detail else ""))
    postings: list[Posting] = []
    for number, entry in enumerate(archives, 1):
        try:
            doc_id, posted = entry["docId"], entry["postDatetime"]
            if isinstance(doc_id, bool) or not isinstance(doc_id, int | str) or not str(doc_id).isdigit():
                raise ValueError(f"docId {doc_id!r}")
            postings.append(
                Posting(str(doc_id), datetime.fromisoformat(str(posted)), str(entry.get("friendlyName", "")))
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise bad_response(f"{source}: archive entry {number} is unreadable ({exc})") from None
    return sorted(postings, key=lambda p: p.posted), pages
