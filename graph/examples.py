"""The example queries GraphiQL opens with, one tab each; tests/test_graphiql.py runs every one in the sandbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Example:
    title: str
    query: str
    variables: dict[str, object] = field(default_factory=dict)


SPRING_FORWARD = """# Day-ahead prices at one hub or zone in each ISO, for the 2025 spring-forward day
# (23 hourly intervals everywhere). extensions.gridql shows one upstream request per ISO.
# Press the Run button (or Ctrl-Enter); the other tabs hold more examples.
query SpringForward {
  nodes(ids: ["PJM:51288", "ERCOT:HB_HOUSTON", "CAISO:TH_NP15_GEN-APND", "NYISO:61761"]) {
    id
    name
    prices(run: DAY_AHEAD_HOURLY, date: "2025-03-09") { start end lmp energy congestion loss }
  }
}
"""

MONTH_OF_5_MINUTE_PRICES = """# A month of 5-minute real-time prices at CAISO's NP15 hub as columns (Series): one JSON
# array per field, 8,928 entries each. Columns are the fast form for long series.
query MonthOf5MinutePrices($id: ID!, $date: Date!) {
  node(id: $id) {
    name
    priceSeries(run: REAL_TIME_5_MIN, date: $date, days: 31) { length start lmp congestion }
  }
}
"""

FUEL_MIX_TODAY = """# Today's generation by fuel in ERCOT, MW, as columns. The operating day runs midnight to
# midnight in America/Chicago; intervals not published yet are left out, with a notice in
# extensions.gridql.notices.
query FuelMixToday($date: Date!) {
  market(iso: ERCOT) {
    timezone
    series(dataset: FUEL_MIX, date: $date) { length start fuel mw }
  }
}
"""

LOAD_AGAINST_FORECAST = """# New York City's hourly load against the forecast published before noon the day before.
# Market.labels(dataset: LOAD) lists the area names each ISO uses.
query LoadAgainstForecast($date: Date!, $dayBefore: DateTime!) {
  market(iso: NYISO) {
    load(area: "N.Y.C.", run: REAL_TIME_HOURLY, date: $date) { start mw }
    loadForecast(area: "N.Y.C.", date: $date, publishedBefore: $dayBefore) { start mw publishedAt }
  }
}
"""


def examples(today: date) -> list[Example]:
    """The tabs, in order; the first is the one the editor shows. `today` is ERCOT's operating day for the fuel mix."""
    return [
        Example("Spring forward", SPRING_FORWARD),
        Example(
            "A month of 5-minute prices",
            MONTH_OF_5_MINUTE_PRICES,
            {"id": "CAISO:TH_NP15_GEN-APND", "date": "2025-07-01"},
        ),
        Example("Today's fuel mix", FUEL_MIX_TODAY, {"date": today.isoformat()}),
        Example(
            "Load against forecast",
            LOAD_AGAINST_FORECAST,
            {"date": "2025-07-15", "dayBefore": "2025-07-14T12:00:00-04:00"},
        ),
    ]
