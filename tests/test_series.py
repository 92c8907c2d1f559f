"""The columnar form carries exactly what the typed lists carry."""

from __future__ import annotations

from gridql.adapters.model import ISO

from .sandbox_app import Stack

BOTH = """
query($id: ID!, $run: MarketRun!) {
  node(id: $id) {
    prices(run: $run, date: "2025-11-02") { start end lmp energy congestion loss }
    priceSeries(run: $run, date: "2025-11-02") { length start end lmp energy congestion loss node area }
  }
}
"""


async def test_price_series_equals_the_typed_prices() -> None:
    stack = Stack()
    for node_id, run in [("NYISO:61761", "REAL_TIME_5_MIN"), ("PJM:51288", "DAY_AHEAD_HOURLY")]:
        body = await stack.query(BOTH, {"id": node_id, "run": run})
        assert "errors" not in body
        node = body["data"]["node"]  # type: ignore[index]
        rows, columns = node["prices"], node["priceSeries"]
        assert columns["length"] == len(rows) == (300 if run == "REAL_TIME_5_MIN" else 25)
        for field in ("start", "end", "lmp", "energy", "congestion", "loss"):
            assert columns[field] == [row[field] for row in rows], field
        assert set(columns["node"]) == {node_id.split(":")[1]}
        assert columns["area"] is None  # prices have no area column
    # Both fields of a node share the loader: one upstream request per ISO.
    assert dict(stack.counts) == {ISO.NYISO: 1, ISO.PJM: 1}


async def test_a_series_builds_the_columns_asked_for_in_any_spelling() -> None:
    """Only selected columns are built: aliases, a repeated field, fragments and @skip get the same
    numbers as the full selection."""
    full = await Stack().query(BOTH, {"id": "NYISO:61761", "run": "REAL_TIME_5_MIN"})
    expected = full["data"]["node"]["priceSeries"]  # type: ignore[index]
    query = """query($id: ID!) { node(id: $id) {
      a: priceSeries(run: REAL_TIME_5_MIN, date: "2025-11-02") { price: lmp lmp congestion @skip(if: true) }
      b: priceSeries(run: REAL_TIME_5_MIN, date: "2025-11-02") { ...Cols ... on Series { loss } }
    } } fragment Cols on Series { end energy }"""
    body = await Stack().query(query, {"id": "NYISO:61761"})
    assert "errors" not in body
    node = body["data"]["node"]  # type: ignore[index]
    assert node["a"] == {"price": expected["lmp"], "lmp": expected["lmp"]}
    assert node["b"] == {"end": expected["end"], "energy": expected["energy"], "loss": expected["loss"]}


async def test_series_refuses_a_filter_the_dataset_does_not_have() -> None:
    body = await Stack().query(
        '{ market(iso: NYISO) { series(dataset: LOAD, fuel: "Nuclear", date: "2025-07-01") { length } } }'
    )
    [error] = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "LOAD has no fuel to filter on"


async def test_market_series_equals_the_typed_dataset_field() -> None:
    stack = Stack()
    body = await stack.query(
        """{ market(iso: NYISO) {
             load(date: "2025-11-02", area: "N.Y.C.") { start end area mw }
             series(dataset: LOAD, date: "2025-11-02", area: "N.Y.C.") { length start end area mw fuel }
           } }"""
    )
    assert "errors" not in body
    market = body["data"]["market"]  # type: ignore[index]
    rows, columns = market["load"], market["series"]
    assert columns["length"] == len(rows) > 0
    for field in ("start", "end", "area", "mw"):
        assert columns[field] == [row[field] for row in rows], field
    assert columns["fuel"] is None
    assert dict(stack.counts) == {ISO.NYISO: 1}  # both fields share one fetch


async def test_every_market_lists_what_it_serves() -> None:
    body = await Stack().query("{ markets { iso datasets { name runs } } }")
    served = {m["iso"]: {d["name"] for d in m["datasets"]} for m in body["data"]["markets"]}  # type: ignore[index]
    for iso, names in served.items():
        assert {"prices", "load", "loadForecast", "fuelMix"} <= names, iso
