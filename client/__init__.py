"""A Python client for gridql: `Client(url, key).query(...)` for any query, and `.prices(...)` /
`.series(...)` for pandas DataFrames indexed by interval start in UTC (`pip install 'gridql[client]'`).

It talks to a gridql server over HTTP only, so it installs and runs without the server's code.
"""

from .client import Client, GridQLError

__all__ = ["Client", "GridQLError"]
