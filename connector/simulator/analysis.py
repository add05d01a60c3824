"""Query complexity and depth, computed the way graphql-ruby's AST analyzers compute them.

Complexity: every field costs 1 plus its children. A connection field (its type ends in
``Connection``) costs ``1 + page_size × items + metadata + edges/nodes``, where page_size is
the *requested* ``first``/``last`` (the larger; 50 when neither), ``metadata`` is pageInfo
(1 + its selected fields), ``edges``/``nodes`` cost 1 each and ``items`` is everything else
below (so per-edge ``cursor`` is multiplied too, as in graphql-ruby). Plain lists are not
multiplied. On an abstract type the most expensive possible type counts. Depth: the deepest
field nesting; fragments add no depth.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    value_from_ast_untyped,
)

DEFAULT_PAGE_SIZE = 50


class QueryAnalyzer:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any], default_page_size: int = DEFAULT_PAGE_SIZE) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.default_page_size = default_page_size

    # --- field collection -------------------------------------------------------------------

    def _applies(self, condition: str | None, concrete: Any) -> bool:
        if condition is None or condition == concrete.name:
            return True
        condition_type = self.schema.get_type(condition)
        return condition_type is not None and is_abstract_type(condition_type) and (
            self.schema.is_sub_type(condition_type, concrete))

    def collect(self, selections: Sequence[Any], concrete: Any,
                into: dict[str, list[FieldNode]], seen: frozenset[str] = frozenset()) -> None:
        """Fields that apply to ``concrete``, grouped by response key (fragments expanded)."""
        for selection in selections:
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                into.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = (selection.type_condition.name.value
                             if selection.type_condition else None)
                if self._applies(condition, concrete):
                    self.collect(selection.selection_set.selections, concrete, into, seen)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None or fragment.name.value in seen:
                    continue
                if self._applies(fragment.type_condition.name.value, concrete):
                    self.collect(fragment.selection_set.selections, concrete, into,
                                 seen | {fragment.name.value})

    def _concrete_types(self, parent: Any) -> list[Any]:
        if is_abstract_type(parent):
            return list(self.schema.get_possible_types(parent))
        return [parent]

    # --- complexity -------------------------------------------------------------------------

    def selection_complexity(self, selections: Sequence[Any], parent: Any) -> int:
        best = 0
        for concrete in self._concrete_types(parent):
            fields: dict[str, list[FieldNode]] = {}
            self.collect(selections, concrete, fields)
            best = max(best, sum(self.field_complexity(concrete, nodes)
                                 for nodes in fields.values()))
        return best

    def field_complexity(self, parent: Any, nodes: list[FieldNode]) -> int:
        name = nodes[0].name.value
        definition = getattr(parent, "fields", {}).get(name)
        if definition is None:
            return 1  # __typename and other introspection leaves
        named = get_named_type(definition.type)
        selections = [s for n in nodes if n.selection_set for s in n.selection_set.selections]
        child = 0 if is_leaf_type(named) else self.selection_complexity(selections, named)
        if not (named.name.endswith("Connection") and "first" in definition.args):
            return 1 + child
        return self._connection_complexity(nodes[0], named, selections, child)

    def _connection_complexity(self, node: FieldNode, connection: Any, selections: list[Any],
                               child: int) -> int:
        page_size = self.page_size(node)
        fields: dict[str, list[FieldNode]] = {}
        self.collect(selections, connection, fields)
        names = {nodes[0].name.value: nodes for nodes in fields.values()}
        metadata = 0
        if "pageInfo" in names:
            info_fields: dict[str, list[FieldNode]] = {}
            page_info = self.schema.get_type("PageInfo")
            inner = [s for n in names["pageInfo"] if n.selection_set
                     for s in n.selection_set.selections]
            self.collect(inner, page_info, info_fields)
            metadata = 1 + len({nodes[0].name.value for nodes in info_fields.values()})
        wrappers = int("edges" in names) + int("nodes" in names)
        items = child - metadata - wrappers
        return 1 + page_size * items + metadata + wrappers

    def page_size(self, node: FieldNode) -> int:
        arguments = {a.name.value: value_from_ast_untyped(a.value, self.variables)
                     for a in node.arguments or ()}
        first, last = arguments.get("first"), arguments.get("last")
        size = first if isinstance(first, int) else None
        if isinstance(last, int) and (size is None or last > size):
            size = last
        return self.default_page_size if size is None else size

    # --- depth ------------------------------------------------------------------------------

    def depth(self, selection_set: SelectionSetNode | None,
              seen: frozenset[str] = frozenset()) -> int:
        if selection_set is None:
            return 0
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                deepest = max(deepest, 1 + self.depth(selection.selection_set, seen))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.depth(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None and fragment.name.value not in seen:
                    deepest = max(deepest, self.depth(fragment.selection_set,
                                                      seen | {fragment.name.value}))
        return deepest


def analyze(schema: GraphQLSchema, operation: OperationDefinitionNode,
            fragments: dict[str, FragmentDefinitionNode],
            variables: dict[str, Any]) -> tuple[int, int]:
    """(complexity, depth) of one operation with its variables."""
    analyzer = QueryAnalyzer(schema, fragments, variables)
    root = schema.get_root_type(operation.operation)
    selections = list(operation.selection_set.selections)
    return analyzer.selection_complexity(selections, root), analyzer.depth(operation.selection_set)


def limit_errors(complexity: int, depth: int, max_complexity: int,
                 max_depth: int) -> list[dict[str, Any]]:
    errors = []
    if depth > max_depth:
        errors.append({"message": f"Query has depth of {depth}, which exceeds max depth of "
                                  f"{max_depth}"})
    if complexity > max_complexity:
        errors.append({"message": f"Query has complexity of {complexity}, which exceeds max "
                                  f"complexity of {max_complexity}"})
    return errors
