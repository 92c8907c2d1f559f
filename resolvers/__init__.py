"""Resolvers: GraphQL arguments -> validated requests -> batched adapter calls through DataLoaders."""
