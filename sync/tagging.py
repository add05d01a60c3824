"""Department tagging as pure functions: compile the rules once, then match plain values.

``compile_rules(rules)`` turns the ``[[departments]]`` of the config into a ``Matcher``;
``Matcher.match(facts)`` says which departments reach one space or item, and why. Nothing
here reads the store: ``sync.departments`` feeds it rows and writes the tags.

How things match (the README's rules, in one place):

- keywords match whole words or phrases in the text, ignoring case and accents:
  ``economía popular`` matches "ECONOMIA  popular"; ``trans`` does not match "transporte";
  punctuation inside a phrase is a word break, so ``sexo-genéricas`` matches "sexo genéricas";
- names (space slugs, categories, scopes, areas, taxonomies, hashtags) match the whole name,
  ignoring case, accents and repeated spaces; hashtags with or without ``#``;
- a section (a rule with ``parent``) also tags its parent department, with rule
  ``section:<slug>``.

Each ``Tag`` carries the rule that produced it as written in the config (``keyword:trans``,
``hashtag:DiversidadesValpo``, ``space:participatory_process:3``...) so any tag can be
explained.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync.config import DepartmentRule

# The combining-mark blocks NFKD produces for Latin, Greek and Cyrillic accents.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_WORD = re.compile(r"\w+")
_NAME_KINDS = ("space_slug", "category", "scope", "area", "taxonomy", "hashtag")


@dataclass(frozen=True, order=True)
class Tag:
    """One department reached by one rule (``rule`` as stored in ``item_departments``)."""

    department: str
    rule: str


@dataclass(frozen=True)
class Facts:
    """What the rules look at for one space or item: its plain text and its names.

    Spaces fill ``slug``, ``hashtags``, ``scopes``, ``areas``, ``taxonomies``; items fill
    ``categories``, ``scopes``, ``taxonomies``, ``hashtags``. Missing values are empty.
    """

    texts: tuple[str, ...] = ()
    slug: str | None = None
    categories: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    taxonomies: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()


def fold(text: str) -> str:
    """``text`` without case or accents: NFKD, combining marks removed, casefolded."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (punctuation and spaces are breaks)."""
    return _WORD.findall(fold(text))


def fold_name(name: str, *, hashtag: bool = False) -> str:
    """A name ready for comparison: folded, inner spaces collapsed, ``#`` dropped for hashtags."""
    name = name.strip()
    if hashtag:
        name = name.lstrip("#")
    return " ".join(fold(name).split())


@dataclass(frozen=True)
class Phrase:
    """A keyword as a tuple of folded words, and the tag it gives."""

    words: tuple[str, ...]
    tag: Tag


@dataclass(frozen=True)
class Matcher:
    """The compiled rules. Build it with ``compile_rules``; it is immutable and reusable."""

    # first word of a keyword -> the keywords starting with it
    phrases: dict[str, tuple[Phrase, ...]] = field(default_factory=dict)
    # (kind, folded name) -> tags, for space slugs and the name lists
    names: dict[tuple[str, str], tuple[Tag, ...]] = field(default_factory=dict)
    # section slug -> its parent department's slug
    parents: dict[str, str] = field(default_factory=dict)

    def match(self, facts: Facts) -> frozenset[Tag]:
        """Every (department, rule) that reaches ``facts``, sections' parents included."""
        tags = set(self._match_names(facts))
        for text in facts.texts:
            tags.update(self._match_text(text))
        return frozenset(with_parents(tags, self.parents))

    def _match_names(self, facts: Facts) -> Iterable[Tag]:
        pairs = [("space_slug", facts.slug)] if facts.slug else []
        pairs += [("category", n) for n in facts.categories]
        pairs += [("scope", n) for n in facts.scopes]
        pairs += [("area", n) for n in facts.areas]
        pairs += [("taxonomy", n) for n in facts.taxonomies]
        for kind, name in pairs:
            yield from self.names.get((kind, fold_name(name)), ())
        for name in facts.hashtags:
            yield from self.names.get(("hashtag", fold_name(name, hashtag=True)), ())

    def _match_text(self, text: str) -> Iterable[Tag]:
        if not text:
            return
        found = words(text)
        starts = self.phrases.keys() & set(found)
        if not starts:
            return
        for i, word in enumerate(found):
            if word in starts:
                for phrase in self.phrases[word]:
                    if tuple(found[i : i + len(phrase.words)]) == phrase.words:
                        yield phrase.tag


def with_parents(tags: Iterable[Tag], parents: dict[str, str]) -> set[Tag]:
    """``tags`` plus one ``section:<slug>`` tag on the parent of every tagged section."""
    out = set(tags)
    for tag in list(out):
        parent = parents.get(tag.department)
        if parent:
            out.add(Tag(parent, f"section:{tag.department}"))
    return out


def inherit(space_tags: Iterable[Tag], space_type: str, space_id: int) -> frozenset[Tag]:
    """The tags an item gets from its space: one ``space:<type>:<id>`` per department."""
    rule = f"space:{space_type}:{space_id}"
    return frozenset(Tag(d, rule) for d in {t.department for t in space_tags})


def compile_rules(rules: Sequence[DepartmentRule]) -> Matcher:
    """Turn the config's department rules into a ``Matcher`` (do it once per run)."""
    phrases: dict[str, list[Phrase]] = {}
    names: dict[tuple[str, str], list[Tag]] = {}
    for rule in rules:
        for keyword in rule.keywords:
            key = tuple(words(keyword))
            if key:
                phrase = Phrase(key, Tag(rule.slug, f"keyword:{keyword}"))
                phrases.setdefault(key[0], []).append(phrase)
        for kind, values in _name_lists(rule):
            for value in values:
                label = value.strip().lstrip("#") if kind == "hashtag" else value.strip()
                folded = fold_name(value, hashtag=kind == "hashtag")
                names.setdefault((kind, folded), []).append(Tag(rule.slug, f"{kind}:{label}"))
    return Matcher(
        phrases={k: tuple(dict.fromkeys(v)) for k, v in phrases.items()},
        names={k: tuple(dict.fromkeys(v)) for k, v in names.items()},
        parents={r.slug: r.parent for r in rules if r.parent},
    )


def _name_lists(rule: DepartmentRule) -> list[tuple[str, list[str]]]:
    lists = (rule.space_slugs, rule.categories, rule.scopes, rule.areas, rule.taxonomies)
    return list(zip(_NAME_KINDS, (*lists, rule.hashtags), strict=True))
