"""schema.graphql is the code's SDL, and it holds every name of the public contract."""

from __future__ import annotations

import pytest
from graphql import (
    EnumTypeDefinitionNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    build_schema,
    introspection_types,
    parse,
    print_ast,
    specified_scalar_types,
)

from gridql.graph.schema import sdl

from .conftest import REPO

TIME_SELECTION = "start: DateTime, end: DateTime, date: Date, days: Int = 1"


CONTRACT = REPO.parent / "shared" / "contract.graphql"


def contract_document() -> str:
    if not CONTRACT.is_file():
        pytest.skip(f"the public contract is not beside this checkout ({CONTRACT}); the schema drift test still runs")
    text = CONTRACT.read_text()
    # The contract abbreviates the shared time selection arguments as "...".
    return text.replace("...", TIME_SELECTION)


def test_checked_in_schema_matches_the_code() -> None:
    checked_in = (REPO / "schema.graphql").read_text()
    assert checked_in == sdl(), "schema.graphql is stale: run `gridql schema > schema.graphql`"


def test_schema_contains_the_public_contract() -> None:
    ours = build_schema((REPO / "schema.graphql").read_text())
    missing: list[str] = []
    for definition in parse(contract_document()).definitions:
        if isinstance(definition, ScalarTypeDefinitionNode):
            if definition.name.value not in ours.type_map:
                missing.append(f"scalar {definition.name.value}")
        elif isinstance(definition, EnumTypeDefinitionNode):
            enum = ours.type_map.get(definition.name.value)
            values = [v.name.value for v in definition.values or ()]
            if not isinstance(enum, GraphQLEnumType) or not set(values) <= set(enum.values):
                missing.append(f"enum {definition.name.value} {values}")
        elif isinstance(definition, ObjectTypeDefinitionNode):
            obj = ours.type_map.get(definition.name.value)
            if not isinstance(obj, GraphQLObjectType):
                missing.append(f"type {definition.name.value}")
                continue
            for field in definition.fields or ():
                name = f"{definition.name.value}.{field.name.value}"
                mine = obj.fields.get(field.name.value)
                if mine is None or str(mine.type) != print_ast(field.type):
                    missing.append(f"{name}: {print_ast(field.type)}")
                    continue
                for arg in field.arguments or ():
                    my_arg = mine.args.get(arg.name.value)
                    if my_arg is None or str(my_arg.type) != print_ast(arg.type):
                        missing.append(f"{name}({arg.name.value}: {print_ast(arg.type)})")
                    elif arg.default_value is not None:
                        mine_default = my_arg.ast_node.default_value if my_arg.ast_node else None
                        if mine_default is None or print_ast(mine_default) != print_ast(arg.default_value):
                            missing.append(f"{name}({arg.name.value} = {print_ast(arg.default_value)})")
    assert missing == []


def test_node_connection_follows_relay() -> None:
    ours = build_schema((REPO / "schema.graphql").read_text())
    shapes = {
        "NodeConnection": {"edges": "[NodeEdge!]!", "pageInfo": "PageInfo!"},
        "NodeEdge": {"cursor": "String!", "node": "Node!"},
        "PageInfo": {
            "hasNextPage": "Boolean!",
            "hasPreviousPage": "Boolean!",
            "startCursor": "String",
            "endCursor": "String",
        },
    }
    for type_name, fields in shapes.items():
        obj = ours.type_map[type_name]
        assert isinstance(obj, GraphQLObjectType)
        assert {name: str(obj.fields[name].type) for name in fields} == fields


def undocumented(schema: GraphQLSchema) -> list[str]:
    """Every type, field, argument, enum value and input field without a description; the built-in
    scalars and the introspection types are GraphQL's own."""
    missing: list[str] = []
    for name, kind in sorted(schema.type_map.items()):
        if name in specified_scalar_types or name in introspection_types:
            continue
        if not kind.description:
            missing.append(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [f"{name}.{field_name}({arg})" for arg, value in field.args.items() if not value.description]
        elif isinstance(kind, GraphQLInputObjectType):
            missing += [f"{name}.{field}" for field, value in kind.fields.items() if not value.description]
        elif isinstance(kind, GraphQLEnumType):
            missing += [f"{name}.{value}" for value, member in kind.values.items() if not member.description]
    return missing


def test_every_schema_element_is_described() -> None:
    missing = undocumented(build_schema((REPO / "schema.graphql").read_text()))
    assert missing == [], f"{len(missing)} undocumented in schema.graphql: {', '.join(missing)}"


def test_undocumented_finds_each_kind_of_element() -> None:
    bare = build_schema(
        """
        type Query { a(x: Int): E  b(y: In): I }
        enum E { V }
        input In { f: Int }
        interface I { g: String }
        scalar S
        """
    )
    expected = ["E", "E.V", "I", "I.g", "In", "In.f", "Query", "Query.a", "Query.a(x)", "Query.b", "Query.b(y)", "S"]
    assert undocumented(bare) == expected
