"""A fast path for executing a validated query, with graphql-core as the reference.

graphql-core's executor costs several microseconds per field (resolve info, paths, error
bookkeeping, incremental delivery); a packed item page has thousands of fields. ``QueryPlan``
collects each selection set once per concrete type and then walks the results with plain
calls to the same readers, argument coercion and scalar serializers graphql-core uses.

It only takes the road graphql-core takes when nothing goes wrong: a query operation, no
directives, no introspection beyond ``__typename``, no resolver error, no null in a non-null
field, no value a serializer refuses. Anything else raises ``Fallback`` and the caller runs
graphql-core's ``execute`` instead, so every answer stays what graphql-core would give.
``QueryPlan`` also remembers the query's (complexity, depth) per page-size variables.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    VariableNode,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
    visit,
)
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.language import Visitor

from connector.simulator.analysis import analyze

Reader = Callable[[Any, Any, dict[str, Any]], Any]
TypeResolver = Callable[[Any], str]
_MISSING = object()
_ANALYSIS_CACHE_SIZE = 256


class Fallback(Exception):  # noqa: N818 - a signal, not an error
    """The fast path cannot promise graphql-core's answer: run graphql-core instead."""


class _Usage(Visitor):
    """Directives anywhere, and the variables inside ``first``/``last`` arguments."""

    def __init__(self) -> None:
        super().__init__()
        self.directives = False
        self.page_variables: set[str] = set()

    def enter_directive(self, *_: Any) -> None:
        self.directives = True

    def enter_argument(self, node: Any, *_: Any) -> None:
        if node.name.value in ("first", "last"):
            visit(node.value, _VariableNames(self.page_variables))


class _VariableNames(Visitor):
    def __init__(self, into: set[str]) -> None:
        super().__init__()
        self.into = into

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.into.add(node.name.value)


class _FieldPlan:
    __slots__ = ("args", "definition", "key", "name", "nodes", "reader", "return_type")

    def __init__(self, key: str, nodes: list[FieldNode], definition: GraphQLField | None,
                 reader: Reader | None) -> None:
        self.key = key
        self.nodes = nodes
        self.name = nodes[0].name.value
        self.definition = definition
        self.return_type = definition.type if definition is not None else None
        self.reader = reader
        self.args: dict[str, Any] | None = None if definition and definition.args else {}


class QueryPlan:
    """One parsed, valid document: its field plans and its analysis results, both cached."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode,
                 reader_for: Callable[[str, str], Reader], type_resolver: TypeResolver) -> None:
        self.schema = schema
        self.document = document
        self.reader_for = reader_for
        self.type_resolver = type_resolver
        self.fragments = {d.name.value: d for d in document.definitions
                          if isinstance(d, FragmentDefinitionNode)}
        usage = _Usage()
        visit(document, usage)
        self.supported = not usage.directives
        self.page_variables = tuple(sorted(usage.page_variables))
        self._fields: dict[tuple[int, str], list[_FieldPlan]] = {}
        self._roots = {id(d): [d] for d in document.definitions
                       if isinstance(d, OperationDefinitionNode)}
        self._keep: list[Any] = []  # the node lists keyed by id() above stay alive
        self._analysis: dict[tuple[Any, ...], tuple[int, int]] = {}
        self._lock = threading.Lock()

    # --- analysis ---------------------------------------------------------------------------

    def analyze(self, operation: OperationDefinitionNode,
                variables: dict[str, Any]) -> tuple[int, int]:
        """``analysis.analyze`` of ``operation``, computed once per page-size variables."""
        key = (id(operation), *(repr(variables.get(n, _MISSING)) for n in self.page_variables))
        found = self._analysis.get(key)
        if found is None:
            found = analyze(self.schema, operation, self.fragments, variables)
            with self._lock:
                if len(self._analysis) >= _ANALYSIS_CACHE_SIZE:
                    self._analysis.clear()
                self._analysis[key] = found
        return found

    # --- execution --------------------------------------------------------------------------

    def execute(self, operation: OperationDefinitionNode, context: Any,
                raw_variables: dict[str, Any]) -> dict[str, Any]:
        """The ``data`` graphql-core would answer; raises ``Fallback`` when unsure."""
        root = self.schema.query_type
        if not self.supported or operation.operation != OperationType.QUERY or root is None:
            raise Fallback
        variables = get_variable_values(self.schema, operation.variable_definitions or (),
                                        raw_variables)
        if isinstance(variables, list):
            raise Fallback
        run = _Run(self, context, variables)
        try:
            return run.object(root, self._roots[id(operation)], None)
        except Fallback:
            raise
        except Exception as exc:  # noqa: BLE001 - graphql-core turns it into a field error
            raise Fallback from exc

    def fields(self, parent: GraphQLObjectType, owners: list[Any]) -> list[_FieldPlan]:
        """The field plans of the merged selection sets of ``owners`` on ``parent``."""
        key = (id(owners), parent.name)
        found = self._fields.get(key)
        if found is None:
            found = self._collect(parent, owners)
            with self._lock:
                self._keep.append(owners)
                self._fields[key] = found
        return found

    def _collect(self, parent: GraphQLObjectType, owners: list[Any]) -> list[_FieldPlan]:
        grouped: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for owner in owners:
            if owner.selection_set is not None:
                self._collect_set(parent, owner.selection_set, grouped, visited)
        plans = []
        for key, nodes in grouped.items():
            name = nodes[0].name.value
            if name == "__typename":
                plans.append(_FieldPlan(key, nodes, None, None))
                continue
            definition = parent.fields.get(name)
            if definition is None or definition.resolve is not None:
                raise Fallback
            plans.append(_FieldPlan(key, nodes, definition, self.reader_for(parent.name, name)))
        return plans

    def _collect_set(self, parent: GraphQLObjectType, selection_set: SelectionSetNode,
                     grouped: dict[str, list[FieldNode]], visited: set[str]) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._matches(selection, parent):
                    self._collect_set(parent, selection.selection_set, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visited:
                    continue
                visited.add(name)
                fragment = self.fragments.get(name)
                if fragment is not None and self._matches(fragment, parent):
                    self._collect_set(parent, fragment.selection_set, grouped, visited)

    def _matches(self, fragment: Any, parent: GraphQLObjectType) -> bool:
        condition = fragment.type_condition
        if condition is None:
            return True
        wanted = self.schema.get_type(condition.name.value)
        if wanted is parent:
            return True
        return is_abstract_type(wanted) and self.schema.is_sub_type(wanted, parent)  # type: ignore[arg-type]


def _coercer(leaf: Any) -> Callable[[Any], Any]:
    """graphql-core 3.3 calls it ``coerce_output_value``; 3.2 ``serialize``."""
    return getattr(leaf, "coerce_output_value", None) or leaf.serialize


class _Run:
    """One execution: the context and the coerced variables."""

    def __init__(self, plan: QueryPlan, context: Any, variables: Any) -> None:
        self.plan = plan
        self.context = context
        self.variables = variables

    def object(self, parent: GraphQLObjectType, owners: list[Any], source: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for field in self.plan.fields(parent, owners):
            if field.definition is None:
                result[field.key] = parent.name
                continue
            args = field.args
            if args is None:
                args = get_argument_values(field.definition, field.nodes[0], self.variables)
            value = field.reader(source, self.context, args)  # type: ignore[misc]
            result[field.key] = self.complete(field.return_type, field.nodes, value)
        return result

    def complete(self, type_: Any, owners: list[Any], value: Any) -> Any:
        if isinstance(type_, GraphQLNonNull):
            if value is None or value is Undefined:
                raise Fallback
            type_ = type_.of_type
        elif value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            raise Fallback
        if isinstance(type_, GraphQLList):
            if not isinstance(value, (list, tuple)):
                raise Fallback
            item_type = type_.of_type
            return [self.complete(item_type, owners, item) for item in value]
        if is_leaf_type(type_):
            coerced = _coercer(type_)(value)
            if coerced is None or coerced is Undefined:
                raise Fallback
            return coerced
        if is_object_type(type_):
            return self.object(type_, owners, value)
        return self.object(self._runtime_type(type_, value), owners, value)

    def _runtime_type(self, abstract: GraphQLAbstractType, value: Any) -> GraphQLObjectType:
        runtime = self.plan.schema.get_type(self.plan.type_resolver(value))
        if not is_object_type(runtime) or not self.plan.schema.is_sub_type(abstract, runtime):
            raise Fallback
        return runtime  # type: ignore[return-value]

