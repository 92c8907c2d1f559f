"""ISO adapters: each ISO's endpoints and wire format -> normalized records.

Nothing here imports `graph` or `resolvers`; data flows up from here, never down.
"""
