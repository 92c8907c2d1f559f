"""The coded GraphQL errors clients see. Every error carries `extensions.code`."""

from __future__ import annotations

from graphql import GraphQLError

from gridql.adapters.errors import UpstreamError

BAD_USER_INPUT = "BAD_USER_INPUT"
NOT_FOUND = "NOT_FOUND"
DATASET_NOT_SERVED = "DATASET_NOT_SERVED"


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": BAD_USER_INPUT})


def not_found(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": NOT_FOUND})


def dataset_not_served(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": DATASET_NOT_SERVED})


def from_upstream(exc: UpstreamError) -> GraphQLError:
    return GraphQLError(str(exc), extensions={"code": exc.code, "iso": exc.iso.value})
