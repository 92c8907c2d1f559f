"""A feed: one of an ISO's published datasets and the parser for its body as the ISO serves it.

`gridql parse ISO FEED FILE` runs these parsers over a downloaded file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .model import ISO


@dataclass(frozen=True, slots=True)
class Feed:
    iso: ISO
    name: str  # the ISO's own name for it, e.g. "damlbmp", "da_hrl_lmps", "NP6-788-CD", "PRC_LMP"
    description: str
    parse: Callable[[bytes], Sequence[Any]]  # body bytes -> normalized records (dataclasses)
