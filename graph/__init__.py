"""The GraphQL surface: types, the schema, the ASGI app and the command line."""
