"""A small CSS inliner for the digest's HTML e-mail (no dependency).

Outlook's Word engine and several webmail clients ignore or strip ``<style>``, so the rules
the digest template writes in its ``<style>`` block are copied into ``style=""`` attributes.
It understands what the templates use: type, class and id selectors combined
(``td.num``, ``.kpi .value``, ``table.data > tbody > tr``), comma lists, and specificity and
source order; an element's own ``style`` wins. ``@media`` blocks and selectors it does not
understand (pseudo-classes, attribute selectors) are kept in one ``<style>`` in the head,
where clients that read it (Gmail, Apple Mail, phones) still apply them.

Why not ``css-inline`` from PyPI: it is a compiled package for a few dozen lines of need, and
the template's selectors are ours to keep simple.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

_COMPOUND = re.compile(r"^(?P<tag>[a-zA-Z][a-zA-Z0-9]*|\*)?(?P<rest>(?:[.#][A-Za-z0-9_-]+)*)$")
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta")
    + ("param", "source", "track", "wbr")
)
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@dataclass(frozen=True)
class _Compound:
    tag: str | None
    classes: frozenset[str]
    ident: str | None

    def matches(self, tag: str, attrs: dict[str, str]) -> bool:
        if self.tag and self.tag != tag:
            return False
        if self.ident and attrs.get("id") != self.ident:
            return False
        return self.classes <= set(attrs.get("class", "").split())


@dataclass(frozen=True)
class _Rule:
    steps: tuple[tuple[str, _Compound], ...]  # (combinator before it, compound), last = subject
    declarations: tuple[tuple[str, str], ...]
    specificity: tuple[int, int, int]
    order: int


def inline_css(document: str) -> str:
    """``document`` with its ``<style>`` rules copied into ``style`` attributes."""
    css = "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", document, flags=re.S | re.I))
    rules, kept = parse_css(css)
    writer = _Inliner(rules, kept)
    writer.feed(document)
    writer.close()
    return "".join(writer.out)


def parse_css(css: str) -> tuple[list[_Rule], str]:
    """The inlinable rules, and the CSS to keep in a ``<style>`` block."""
    css = _COMMENT.sub("", css)
    rules: list[_Rule] = []
    kept: list[str] = []
    pos = 0
    while (brace := css.find("{", pos)) != -1:
        prelude = css[pos:brace].strip()
        end = _block_end(css, brace)
        body = css[brace + 1 : end]
        if prelude.startswith("@"):
            kept.append(f"{prelude}{{{body}}}")
        else:
            for selector in prelude.split(","):
                rule = _rule(selector.strip(), body, len(rules))
                if rule:
                    rules.append(rule)
                elif selector.strip():
                    kept.append(f"{selector.strip()}{{{body.strip()}}}")
        pos = end + 1
    return rules, "\n".join(kept)


def _block_end(css: str, brace: int) -> int:
    depth = 0
    for i in range(brace, len(css)):
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        if depth == 0:
            return i
    return len(css)


def _rule(selector: str, body: str, order: int) -> _Rule | None:
    tokens = re.sub(r"\s*>\s*", " > ", selector).split()
    steps: list[tuple[str, _Compound]] = []
    combinator = " "
    for token in tokens:
        if token == ">":
            combinator = ">"
            continue
        compound = _compound(token)
        if compound is None:
            return None
        steps.append((combinator, compound))
        combinator = " "
    declarations = _declarations(body)
    if not steps or not declarations:
        return None
    spec = (
        sum(1 for _, c in steps if c.ident),
        sum(len(c.classes) for _, c in steps),
        sum(1 for _, c in steps if c.tag and c.tag != "*"),
    )
    return _Rule(tuple(steps), declarations, spec, order)


def _compound(token: str) -> _Compound | None:
    match = _COMPOUND.match(token)
    if not match or not token:
        return None
    rest = match["rest"]
    idents = re.findall(r"#([A-Za-z0-9_-]+)", rest)
    tag = (match["tag"] or "").lower() or None
    return _Compound(
        None if tag == "*" else tag,
        frozenset(re.findall(r"\.([A-Za-z0-9_-]+)", rest)),
        idents[0] if idents else None,
    )


def _declarations(body: str) -> tuple[tuple[str, str], ...]:
    out = []
    for item in body.split(";"):
        prop, sep, value = item.partition(":")
        if sep and prop.strip() and value.strip():
            out.append((prop.strip().lower(), " ".join(value.split())))
    return tuple(out)


class _Inliner(HTMLParser):
    """Re-emits the document, adding ``style`` attributes and replacing ``<style>`` blocks."""

    def __init__(self, rules: list[_Rule], kept: str):
        super().__init__(convert_charrefs=False)
        self.rules = sorted(rules, key=lambda r: (r.specificity, r.order))
        self.kept = kept
        self.out: list[str] = []
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.in_style = False
        self.style_written = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self.in_style = True
            if not self.style_written and self.kept:
                self.out.append(f"<style>\n{self.kept}\n</style>")
            self.style_written = True
            return
        self.out.append(self._tag(tag, attrs, ""))
        if tag not in _VOID:
            self.stack.append((tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, " /"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self.in_style = False
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.in_style:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> str:
        style = self._style_for(tag, {k: v or "" for k, v in attrs})
        pairs = [(k, v) for k, v in attrs if k != "style"]
        if style:
            pairs.append(("style", style))
        text = "".join(
            f" {k}" if v is None else f' {k}="{html_lib.escape(v, quote=True)}"' for k, v in pairs
        )
        return f"<{tag}{text}{close}>"

    def _style_for(self, tag: str, attrs: dict[str, str]) -> str:
        merged: dict[str, str] = {}
        for rule in self.rules:
            if _matches(rule.steps, tag, attrs, self.stack):
                merged.update(rule.declarations)
        for prop, value in _declarations(attrs.get("style", "")):
            merged[prop] = value
        return "; ".join(f"{p}: {v}" for p, v in merged.items())


def _matches(
    steps: tuple[tuple[str, _Compound], ...],
    tag: str,
    attrs: dict[str, str],
    ancestors: list[tuple[str, dict[str, str]]],
) -> bool:
    combinator, subject = steps[-1]
    if not subject.matches(tag, attrs):
        return False
    if len(steps) == 1:
        return True
    for i in range(len(ancestors) - 1, -1, -1):
        if _matches(steps[:-1], ancestors[i][0], ancestors[i][1], ancestors[:i]):
            return True
        if combinator == ">":
            return False
    return False
