"""The columns the client asks `Series` for: a column the dataset does not have would cost as much
as one it has, so each dataset asks for its own (a test holds these to the server's records)."""

from __future__ import annotations

PRICE_COLUMNS = ("lmp", "energy", "congestion", "loss")

# By DatasetKind, besides `start` and `end`, in the server's record order.
DATASET_COLUMNS: dict[str, tuple[str, ...]] = {
    "LOAD": ("area", "mw"),
    "LOAD_FORECAST": ("area", "mw", "publishedAt", "model"),
    "FUEL_MIX": ("fuel", "mw"),
    "ANCILLARY_PRICES": ("product", "area", "price"),
    "CONSTRAINTS": ("name", "shadowPrice", "limitMw", "flowMw"),
    "RENEWABLES": ("source", "area", "mw", "forecast", "publishedAt", "model"),
    "INTERFACE_FLOWS": ("interface", "flowMw", "positiveLimitMw", "negativeLimitMw"),
    "TRANSMISSION_RIGHTS": (
        "auction",
        "node",
        "price",
        "timeOfUse",
        "hedgeType",
        "sourceNode",
        "sinkNode",
        "period",
        "tradeType",
        "bidMw",
    ),
    "FTR_CONGESTION_PRICES": ("node", "timeOfUse", "price", "simulated"),
    "CAPACITY_PRICES": ("auction", "area", "price", "unit", "product"),
    "SYSTEM_LAMBDA": ("price",),
}

# Columns of ISO 8601 instants, read into UTC timestamps.
TIME_COLUMNS = frozenset({"start", "end", "publishedAt"})
# Columns of numbers, NaN where null.
FLOAT_COLUMNS = frozenset(
    {*PRICE_COLUMNS, "mw", "price", "shadowPrice", "limitMw", "flowMw", "positiveLimitMw", "negativeLimitMw", "bidMw"}
)
