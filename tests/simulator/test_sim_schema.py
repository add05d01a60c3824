"""The simulator's SDL is a faithful subset of Decidim's own schema for each release."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_schema
from graphql.type import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from connector.simulator import RELEASES, schema_sdl
from connector.simulator import build_schema as build_sim_schema

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "decidim"
REFERENCE_FILES = {
    "0.27": "schema-0.27-default.graphql",
    "0.28": "schema-0.28-default.graphql",
    "0.29": "schema-0.29-default.graphql",
    "0.30": "schema-0.30.0.dev-20250109-default.graphql",
}
#: Decidim's generic type for plugin components: in real introspection dumps, but the
#: reconstructed default-module SDL has no plugin, so it is not printed there.
NOT_IN_REFERENCE = {"Component"}


def reference_schema(release: str) -> GraphQLSchema:
    path = SHARED / REFERENCE_FILES[release]
    if not path.exists():
        pytest.skip(f"reference SDL {path} not found (needs shared/decidim beside the repo)")
    return build_schema(path.read_text("utf-8"))


def field_signatures(named_type) -> dict[str, str]:
    """``{"proposals": "ProposalConnection(after: String, ...)"}`` for fields or input fields."""
    signatures = {}
    for name, field in named_type.fields.items():
        args = getattr(field, "args", {}) or {}
        arg_text = ", ".join(f"{a}: {args[a].type}" for a in sorted(args))
        signatures[name] = f"{field.type}({arg_text})"
    return signatures


def kind(named_type) -> str:
    return type(named_type).__name__


@pytest.mark.parametrize("release", RELEASES)
def test_every_type_and_field_exists_identically_in_decidim(release):
    assert sdl_problems(build_schema(schema_sdl(release)), reference_schema(release)) == []


def test_the_comparison_catches_a_wrong_signature():
    theirs = reference_schema("0.29")
    wrong = schema_sdl("0.29").replace("withdrawn: Boolean", "withdrawn: Boolean!")
    wrong = wrong.replace("version: String!", "version: String!\n  rubyVersion: String")
    assert sdl_problems(build_schema(wrong), theirs) == [
        "Decidim.rubyVersion: ours String(), Decidim None",
        "Proposal.withdrawn: ours Boolean!(), Decidim Boolean()",
        "Meeting.withdrawn: ours Boolean!(), Decidim Boolean()",
    ]


def sdl_problems(ours: GraphQLSchema, theirs: GraphQLSchema) -> list[str]:
    """Every type, field, argument and interface of ``ours`` that Decidim lacks or types
    differently."""
    problems = []
    for name, our_type in ours.type_map.items():
        if name.startswith("__") or name in NOT_IN_REFERENCE:
            continue
        their_type = theirs.type_map.get(name)
        if their_type is None:
            problems.append(f"type {name} is not in Decidim")
            continue
        if kind(our_type) != kind(their_type):
            problems.append(f"{name} is a {kind(our_type)}, Decidim has {kind(their_type)}")
            continue
        if isinstance(our_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            their_fields = field_signatures(their_type)
            for field, signature in field_signatures(our_type).items():
                if their_fields.get(field) != signature:
                    problems.append(
                        f"{name}.{field}: ours {signature}, Decidim {their_fields.get(field)}"
                    )
        if isinstance(our_type, GraphQLObjectType | GraphQLInterfaceType):
            their_interfaces = {i.name for i in their_type.interfaces}
            for interface in our_type.interfaces:
                if interface.name not in their_interfaces:
                    problems.append(f"{name} implements {interface.name} only here")
    return problems


@pytest.mark.parametrize("release", RELEASES)
def test_plugin_component_type_matches_the_component_interface(release):
    ours = build_schema(schema_sdl(release))
    interface = field_signatures(ours.type_map["ComponentInterface"])
    assert field_signatures(ours.type_map["Component"]) == interface


def test_release_differences_in_the_sdl():
    def fields(release: str, type_name: str) -> set[str]:
        return set(build_schema(schema_sdl(release)).type_map[type_name].fields)

    assert "withdrawn" not in fields("0.28", "Proposal")
    assert {"withdrawn", "withdrawnAt"} <= fields("0.29", "Proposal")
    assert "taxonomies" not in fields("0.29", "Proposal")
    assert {"taxonomies"} <= fields("0.30", "Proposal") - {"category", "scope"}
    assert "category" not in fields("0.30", "Proposal")
    assert "Scope" not in build_schema(schema_sdl("0.30")).type_map
    assert "Taxonomy" not in build_schema(schema_sdl("0.29")).type_map


def test_unknown_release_is_refused():
    with pytest.raises(ValueError, match="unknown Decidim release"):
        schema_sdl("0.26")


@pytest.mark.parametrize("release", RELEASES)
def test_build_schema_is_executable(release):
    schema = build_sim_schema(release)
    assert schema.query_type is not None
    assert schema.query_type.name == "Query"
