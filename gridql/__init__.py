"""gridql: one GraphQL API over PJM, ERCOT, CAISO and NYISO.

The repository keeps its folders at the top (graph/, resolvers/, adapters/, client/); this package links
them under one installed name, so gridql never installs top-level packages another distribution
could also use.
"""
