"""Static validation with graphql-ruby's wording, and Decidim's alias limit.

graphql-core does the checking; the three errors clients meet most (an unknown field, an
unknown argument, a missing required argument) are re-worded the way graphql-ruby words
them, with its ``path`` (operation, fields by alias, "... on Type" fragments) and codes.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    Undefined,
    ValidationRule,
    get_named_type,
    is_non_null_type,
    specified_rules,
    validate,
    visit,
)
from graphql.language import Visitor
from graphql.validation import (
    FieldsOnCorrectTypeRule,
    KnownArgumentNamesRule,
    ProvidedRequiredArgumentsRule,
)


class RubyFieldRules(ValidationRule):
    """Unknown fields, unknown and missing arguments, reported like graphql-ruby 1.13/2.x."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.path: list[str] = []

    def _report(self, message: str, node: Any, extensions: dict[str, Any],
                path: list[str]) -> None:
        self.report_error(GraphQLError(message, node, extensions={**extensions, "path": path}))

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        name = f" {node.name.value}" if node.name else ""
        self.path.append(f"{node.operation.value}{name}")

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
        self.path.append(f"fragment {node.name.value}")

    def enter_inline_fragment(self, node: InlineFragmentNode, *_: Any) -> None:
        condition = f" on {node.type_condition.name.value}" if node.type_condition else ""
        self.path.append(f"...{condition}")

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.path.append(f"... {node.name.value}")

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.path.append(node.alias.value if node.alias else node.name.value)
        parent = self.context.get_parent_type()
        if parent is None:
            return
        definition = self.context.get_field_def()
        if definition is None:
            type_name = get_named_type(parent).name
            self._report(
                f"Field '{node.name.value}' doesn't exist on type '{type_name}'", node,
                {"code": "undefinedField", "typeName": type_name, "fieldName": node.name.value},
                list(self.path))
            return
        given = {a.name.value for a in node.arguments or ()}
        missing = [n for n, a in definition.args.items()
                   if is_non_null_type(a.type) and a.default_value is Undefined
                   and n not in given]
        if missing:
            self._report(
                f"Field '{node.name.value}' is missing required arguments: {', '.join(missing)}",
                node, {"code": "missingRequiredArguments", "className": "Field",
                       "name": node.name.value, "arguments": ", ".join(missing)},
                list(self.path))

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        self.path.append(node.name.value)
        if self.context.get_directive() is not None or self.context.get_argument() is not None:
            return
        definition = self.context.get_field_def()
        if definition is None:
            return
        field_name = self.path[-2]
        self._report(
            f"Field '{field_name}' doesn't accept argument '{node.name.value}'", node,
            {"code": "argumentNotAccepted", "name": field_name, "typeName": "Field",
             "argumentName": node.name.value}, list(self.path))

    def leave_operation_definition(self, *_: Any) -> None:
        self.path.pop()

    leave_fragment_definition = leave_operation_definition
    leave_inline_fragment = leave_operation_definition
    leave_fragment_spread = leave_operation_definition
    leave_field = leave_operation_definition
    leave_argument = leave_operation_definition


REPLACED = (FieldsOnCorrectTypeRule, KnownArgumentNamesRule, ProvidedRequiredArgumentsRule)
RULES = [rule for rule in specified_rules if rule not in REPLACED] + [RubyFieldRules]


def format_error(error: GraphQLError) -> dict[str, Any]:
    """An error as graphql-ruby prints it: message, locations, path, extensions."""
    result: dict[str, Any] = {"message": error.message}
    if error.locations:
        result["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    extensions = dict(error.extensions or {})
    if "path" in extensions:
        result["path"] = extensions.pop("path")
    elif error.path:
        result["path"] = list(error.path)
    if extensions:
        result["extensions"] = extensions
    return result


def validation_errors(schema: GraphQLSchema, document: DocumentNode) -> list[dict[str, Any]]:
    """Every static validation error of ``document``, graphql-ruby style."""
    return [format_error(e) for e in validate(schema, document, RULES, max_errors=200)]


class _AliasCounter(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.alias is not None:
            self.count += 1


def alias_count(document: DocumentNode) -> int:
    counter = _AliasCounter()
    visit(document, counter)
    return counter.count


def alias_error(document: DocumentNode, max_aliases: int | None) -> dict[str, Any] | None:
    """Decidim 0.30.5+'s ``TOO_MANY_ALIASES_ERROR`` when the query uses too many aliases."""
    used = alias_count(document)
    if max_aliases is None or used <= max_aliases:
        return None
    return {
        "message": f"Too many aliases used. You have used {used} aliases, "
        f"but {max_aliases} are allowed.",
        "extensions": {"code": "TOO_MANY_ALIASES_ERROR"},
    }
