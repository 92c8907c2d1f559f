"""W5: turning recorded ISO price files into normalized records, next to pandas doing the same."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from gridql.adapters import registry
from gridql.adapters.model import ISO
from gridql.adapters.sandbox import nyiso as nyiso_sandbox


def _best(fn: Callable[[], Any], budget: float) -> float:
    """Best time of repeated runs within `budget` seconds (at least 3 runs)."""
    times: list[float] = []
    began = time.perf_counter()
    while len(times) < 3 or time.perf_counter() - began < budget:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def _pandas(kind: str, body: bytes) -> Any:
    import pandas as pd

    if kind == "nyiso":
        df = pd.read_csv(io.BytesIO(body))
        stamps = pd.to_datetime(df["Time Stamp"], format="mixed")
        df["start"] = stamps.dt.tz_localize("America/New_York", ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
        return df
    if kind == "pjm":
        df = pd.read_csv(io.BytesIO(body))
        df["start"] = pd.to_datetime(df["datetime_beginning_utc"], format="%m/%d/%Y %I:%M:%S %p").dt.tz_localize("UTC")
        return df
    if kind == "ercot":
        df = pd.read_csv(io.BytesIO(body))
        stamps = pd.to_datetime(df["SCEDTimestamp"], format="%m/%d/%Y %H:%M:%S")
        df["start"] = stamps.dt.tz_localize(
            "America/Chicago", ambiguous=(df["RepeatedHourFlag"] == "N").to_numpy()
        ).dt.tz_convert("UTC")
        return df
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        df = pd.read_csv(io.BytesIO(archive.read(archive.namelist()[0])))
    df["start"] = pd.to_datetime(df["INTERVALSTARTTIME_GMT"], utc=True)
    return df.pivot_table(index=["NODE", "start"], columns="LMP_TYPE", values="MW").reset_index()


# (recorded file, ISO, feed, pandas kind): the ISOs' own files, each read by its feed's parser.
RECORDED = (
    ("nyiso/vincal848_realtime_zone_20251102_CAPITL.csv", ISO.NYISO, "realtime", "nyiso"),
    ("nyiso/vincal848_damlbmp_zone_20251102_trimmed.csv", ISO.NYISO, "damlbmp", "nyiso"),
    ("pjm/dm2_da_hrl_lmps_hubs_2025-05-01_2025-05-02.csv", ISO.PJM, "da_hrl_lmps", "pjm"),
    ("pjm/dm2_rt_hrl_lmps_hubs_2025-05-01_2025-05-02.csv", ISO.PJM, "rt_hrl_lmps", "pjm"),
    ("ercot/mis_np6-788-cd_LMPSROSNODENP6788_20260625_004018_trimmed.csv", ISO.ERCOT, "NP6-788-CD", "ercot"),
    ("caiso/oasis_PRC_LMP_DAM_all_apnodes_20200102_gmt.zip", ISO.CAISO, "PRC_LMP", "caiso"),
)


def cases(samples: Path) -> list[tuple[str, ISO, str, str, bytes]]:
    """(label, iso, feed, pandas kind, body): the recorded files, then a large generated day."""
    recorded = [
        (f"{path} (recorded)", iso, feed, kind, (samples / path).read_bytes()) for path, iso, feed, kind in RECORDED
    ]
    big_day = nyiso_sandbox.day_csv("realtime", "gen", date(2025, 7, 1))
    return [*recorded, ("NYISO realtime_gen day, 15,840 rows (sandbox)", ISO.NYISO, "realtime", "nyiso", big_day)]


def run(samples: Path, budget: float) -> list[dict[str, Any]]:
    feeds = {(f.iso, f.name): f for f in registry.feeds()}
    results = []
    for label, iso, feed_name, kind, body in cases(samples):
        feed = feeds[(iso, feed_name)]
        count = len(feed.parse(body))
        ours = _best(lambda feed=feed, body=body: feed.parse(body), budget)
        theirs = _best(lambda kind=kind, body=body: _pandas(kind, body), budget)
        results.append(
            {
                "file": label,
                "records": count,
                "gridql_rows_per_s": round(count / ours),
                "pandas_rows_per_s": round(count / theirs),
                "speedup": round(theirs / ours, 2),
            }
        )
    return results
