"""participa's GraphQL documents, assembled per detected feature set, and their cost.

The ``.graphql`` files beside this module are package data. ``document(operation, features)``
picks one operation, the feature variants of its fragments (``Name__flag`` / ``Name__no_flag``
in ``fragments.graphql``) and only the fragments it uses, and prints the result.
``estimate_cost`` mirrors graphql-ruby's complexity rule (API-NOTES §2) so that ``page_size``
can pick the largest ``first`` (≤ 50) that stays inside Decidim's complexity budget.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    parse,
    print_ast,
)

from connector.models import Features

MAX_PAGE_SIZE = 50
MAX_COMPLEXITY = 5000
MAX_DEPTH = 15
RELEASES = ("0.27", "0.28", "0.29", "0.30")

#: what feature detection yields on each release whose SDL ships in shared/decidim.
RELEASE_FEATURES: dict[str, Features] = {
    "0.27": Features(),
    "0.28": Features(),
    "0.29": Features(withdrawn_field=True),
    "0.30": Features(withdrawn_field=True, taxonomies=True, categories=False, scopes=False),
}

#: operation name → the file that holds it.
OPERATIONS = {
    "ParticipaProbe": "probe",
    "ParticipaLimits": "limits",
    "ParticipaVersion": "version",
    "Spaces": "spaces",
    "ProposalsPage": "proposals",
    "ProposalsPageSince": "proposals",
    "DebatesPage": "debates",
    "MeetingsPage": "meetings",
}

#: item kind → (operation without a date filter, operation with one or None).
PAGE_OPERATIONS = {
    "proposals": ("ProposalsPage", "ProposalsPageSince"),
    "debates": ("DebatesPage", None),
    "meetings": ("MeetingsPage", None),
}


def read_text(name: str) -> str:
    """The text of ``connector/queries/<name>.graphql``."""
    return files(__package__).joinpath(f"{name}.graphql").read_text(encoding="utf-8")


def flags_for(features: Features) -> frozenset[str]:
    """The variant flags that are on for ``features`` (names used in ``Name__flag``)."""
    on = {
        name
        for name in ("taxonomies", "categories", "scopes", "withdrawn_field", "endorsements")
        if getattr(features, name)
    }
    on |= {n for n in ("hashtags", "space_categories") if getattr(features, n)}
    if features.likes and not features.endorsements:
        on.add("likes")
    if features.comment_depth >= 3:
        on.add("deep_comments")
    return frozenset(on)


def document(operation: str, features: Features) -> str:
    """The printed document for ``operation`` under ``features`` (only used fragments)."""
    return _document(operation, flags_for(features))


def all_documents(features: Features) -> dict[str, str]:
    """Every document the client may send to a server with ``features``, by operation name."""
    return {op: document(op, features) for op in OPERATIONS}


@cache
def _document(operation: str, flags: frozenset[str]) -> str:
    parsed = parse(read_text(OPERATIONS[operation]))
    ops = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    op = next(d for d in ops if d.name and d.name.value == operation)
    available = _fragments(flags)
    used: dict[str, FragmentDefinitionNode] = {}
    _collect(op.selection_set, available, used)
    return print_ast(DocumentNode(definitions=(op, *used.values())))


@cache
def _fragments(flags: frozenset[str]) -> dict[str, FragmentDefinitionNode]:
    """Fragments of ``fragments.graphql`` with the variants for ``flags`` renamed to base names."""
    chosen: dict[str, FragmentDefinitionNode] = {}
    for frag in parse(read_text("fragments")).definitions:
        if not isinstance(frag, FragmentDefinitionNode):
            continue
        base, _, flag = frag.name.value.partition("__")
        if flag and (flag.removeprefix("no_") in flags) == flag.startswith("no_"):
            continue
        chosen[base] = FragmentDefinitionNode(
            name=NameNode(value=base),
            type_condition=frag.type_condition,
            directives=frag.directives,
            selection_set=frag.selection_set,
            variable_definitions=frag.variable_definitions,
        )
    return chosen


def _collect(
    selections: SelectionSetNode | None,
    available: dict[str, FragmentDefinitionNode],
    used: dict[str, FragmentDefinitionNode],
) -> None:
    for sel in selections.selections if selections else ():
        if isinstance(sel, FragmentSpreadNode):
            name = sel.name.value
            if name not in used:
                used[name] = available[name]
                _collect(used[name].selection_set, available, used)
        elif isinstance(sel, FieldNode | InlineFragmentNode):
            _collect(sel.selection_set, available, used)


# --- cost ---------------------------------------------------------------------------------


def estimate_cost(text: str, variables: dict[str, Any] | None = None) -> tuple[int, int]:
    """(complexity, depth) of the first operation in ``text``, graphql-ruby style.

    Every field costs 1 plus its children; a connection (a field selecting ``nodes``,
    ``edges`` or ``pageInfo``) costs 1 + page size × node selection + its metadata; plain
    lists are not multiplied. Inline fragments on different types are summed rather than
    maximised, so this is an upper bound of what the server computes.
    """
    doc = parse(text)
    frags = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    op = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    walker = _CostWalker(frags, variables or {})
    return walker.cost(op.selection_set), walker.depth(op.selection_set)


def page_size(text: str, variables: dict[str, Any] | None = None) -> int:
    """The largest ``first`` (1–50) keeping ``text`` within ``MAX_COMPLEXITY``."""
    base = dict(variables or {})
    fixed = estimate_cost(text, {**base, "first": 0})[0]
    per_item = estimate_cost(text, {**base, "first": 1})[0] - fixed
    if per_item <= 0:
        return MAX_PAGE_SIZE
    return max(1, min(MAX_PAGE_SIZE, (MAX_COMPLEXITY - fixed) // per_item))


class _CostWalker:
    def __init__(self, frags: dict[str, FragmentDefinitionNode], variables: dict[str, Any]):
        self.frags = frags
        self.variables = variables

    def fields(self, sel_set: SelectionSetNode | None) -> list[FieldNode]:
        out: list[FieldNode] = []
        for sel in sel_set.selections if sel_set else ():
            if isinstance(sel, FieldNode):
                out.append(sel)
            elif isinstance(sel, InlineFragmentNode):
                out.extend(self.fields(sel.selection_set))
            elif isinstance(sel, FragmentSpreadNode):
                out.extend(self.fields(self.frags[sel.name.value].selection_set))
        return out

    def cost(self, sel_set: SelectionSetNode | None) -> int:
        return sum(self.field_cost(f) for f in self.fields(sel_set))

    def field_cost(self, field: FieldNode) -> int:
        if field.selection_set is None:
            return 1
        children = {f.name.value: f for f in self.fields(field.selection_set)}
        if not {"nodes", "edges", "pageInfo"} & children.keys():
            return 1 + self.cost(field.selection_set)
        meta = 0
        if "pageInfo" in children:
            meta = 1 + len(self.fields(children["pageInfo"].selection_set))
        wrappers = sum(1 for k in ("nodes", "edges") if k in children)
        items = sum(
            self.cost(children[k].selection_set) for k in ("nodes", "edges") if k in children
        )
        return 1 + self.first(field) * items + meta + wrappers

    def first(self, field: FieldNode) -> int:
        for arg in field.arguments or ():
            if arg.name.value == "first":
                if isinstance(arg.value, IntValueNode):
                    return int(arg.value.value)
                if isinstance(arg.value, VariableNode):
                    value = self.variables.get(arg.value.name.value)
                    return MAX_PAGE_SIZE if value is None else int(value)
        return MAX_PAGE_SIZE

    def depth(self, sel_set: SelectionSetNode | None) -> int:
        return max((1 + self.depth(f.selection_set) for f in self.fields(sel_set)), default=0)


# --- packed pages ---------------------------------------------------------------------------

#: item kind → (component type, connection field, extra connection arguments).
_PACKED_KINDS = {
    "proposals": ("Proposals", "proposals", 'order: {id: "asc"}'),
    "debates": ("Debates", "debates", ""),
    "meetings": ("Meetings", "meetings", ""),
}
_NODE_FRAGMENTS = {"proposals": "ProposalFields", "debates": "DebateFields",
                   "meetings": "MeetingFields"}
PACKED_OPERATION = "ParticipaPages"


def packed_document(parts: tuple[tuple[str, bool], ...], features: Features) -> str:
    """One query reading a page of each of several components, aliased ``c0``, ``c1``, ….

    ``parts`` holds ``(item kind, dated)`` per component; variables are ``$idN``, ``$firstN``,
    ``$afterN`` and, for a dated proposals part, ``$sinceN`` (``publishedSince``, inclusive).
    """
    return _packed_document(parts, flags_for(features))


def packed_variables(n: int, component_id: str, first: int, after: str | None,
                     since: str | None) -> dict[str, Any]:
    """The variables of part ``n`` of a ``packed_document``."""
    out: dict[str, Any] = {f"id{n}": component_id, f"first{n}": first, f"after{n}": after}
    if since is not None:
        out[f"since{n}"] = since
    return out


@cache
def _packed_document(parts: tuple[tuple[str, bool], ...], flags: frozenset[str]) -> str:
    params: list[str] = []
    fields: list[str] = []
    for n, (kind, dated) in enumerate(parts):
        typename, connection, extra = _PACKED_KINDS[kind]
        params += [f"$id{n}: ID!", f"$first{n}: Int!", f"$after{n}: String"]
        args = [f"first: $first{n}", f"after: $after{n}"] + ([extra] if extra else [])
        if dated:
            if kind != "proposals":
                raise ValueError(f"{kind} cannot be filtered by publication date")
            params.append(f"$since{n}: String!")
            args.append(f"filter: {{publishedSince: $since{n}}}")
        fields.append(
            f"c{n}: component(id: $id{n}) {{ __typename ... on {typename} {{ "
            f"{connection}({', '.join(args)}) {{ pageInfo {{ hasNextPage endCursor }} "
            f"nodes {{ ...{_NODE_FRAGMENTS[kind]} }} }} }} }}"
        )
    text = f"query {PACKED_OPERATION}({', '.join(params)}) {{ {' '.join(fields)} }}"
    op = next(d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode))
    used: dict[str, FragmentDefinitionNode] = {}
    _collect(op.selection_set, _fragments(flags), used)
    return print_ast(DocumentNode(definitions=(op, *used.values())))


@cache
def part_cost(kind: str, dated: bool, features: Features) -> tuple[int, int]:
    """(fixed, per item) complexity one part of a ``packed_document`` adds to the query."""
    text = packed_document(((kind, dated),), features)
    fixed = estimate_cost(text, {"first0": 0})[0]
    return fixed, estimate_cost(text, {"first0": 1})[0] - fixed


def alias_count(text: str) -> int:
    """Aliases in ``text``, counted the way Decidim's ``max_aliases`` limit counts them."""
    count = 0
    stack: list[Any] = [parse(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode) and node.alias is not None:
            count += 1
        for key in getattr(node, "keys", ()):
            value = getattr(node, key, None)
            if isinstance(value, tuple | list):
                stack.extend(v for v in value if hasattr(v, "keys"))
            elif hasattr(value, "keys") and not isinstance(value, str):
                stack.append(value)
    return count
