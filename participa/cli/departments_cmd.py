"""``participa retag`` and ``participa departments``: department tags, without the network.

Output is Spanish unless ``PARTICIPA_LANG=en``. Items are written ``type:id`` (``proposal:123``)
so a line of ``--untagged`` can be pasted into ``--explain``.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from sqlite_utils import Database

from participa.cli import app
from participa.cli.common import ConfigOption, InstanceOption, echo, get_config, tr, warn
from participa.errors import StoreError
from sync.config import Config
from sync.departments import (
    NO_DEPARTMENT,
    TAGGED_TYPES,
    Explanation,
    count_tags,
    explain,
    iter_untagged,
    retag,
)
from sync.lock import store_lock
from sync.store import open_store

_TYPE_HEADINGS = {
    "es": ("procesos", "asambleas", "propuestas", "debates", "encuentros"),
    "en": ("processes", "assemblies", "proposals", "debates", "meetings"),
}
_TEXT = {
    "es": {
        "none": "sin departamento",
        "retagged": "{instance}: {n} etiquetas recalculadas",
        "heading": "Departamentos en {instance}",
        "space": "espacio",
        "untagged": "{instance}: {n} sin departamento (se muestran {shown})",
        "no_rule": "sin departamento: ninguna regla lo alcanza",
        "unknown": "Error: {item} no está en el almacén ({instances}); revisa el tipo y el id",
        "no_store": "{path}: no hay almacén todavía; ejecuta 'participa sync' primero",
        "bad_item": "Error: --explain {spec!r}: se espera TIPO:ID, con TIPO en {types} "
        "(p. ej. proposal:123)",
    },
    "en": {
        "none": "no department",
        "retagged": "{instance}: {n} tags recomputed",
        "heading": "Departments in {instance}",
        "space": "space",
        "untagged": "{instance}: {n} with no department (showing {shown})",
        "no_rule": "no department: no rule reaches it",
        "unknown": "Error: {item} is not in the store ({instances}); check the type and id",
        "no_store": "{path}: no store yet; run 'participa sync' first",
        "bad_item": "Error: --explain {spec!r}: expected TYPE:ID with TYPE one of {types} "
        "(e.g. proposal:123)",
    },
}
_ALIASES = {
    "process": "participatory_process", "proceso": "participatory_process",
    "asamblea": "assembly", "propuesta": "proposal", "encuentro": "meeting",
    "reunion": "meeting",
}


def _lang() -> str:
    return "en" if os.environ.get("PARTICIPA_LANG", "").lower().startswith("en") else "es"


def _say(key: str, **values: object) -> str:
    return _TEXT[_lang()][key].format(**values)


def _open(config: Config) -> Database:
    path = config.store.path
    if not path.exists():
        raise StoreError(_say("no_store", path=path))
    return open_store(path)


@app.command(
    "retag",
    help=tr(
        "Recalcula las etiquetas de departamento con las reglas de la configuración (sin red).",
        "Recompute the department tags from the rules in the config (no network).",
    ),
)
def retag_cmd(config: ConfigOption = None, instance: InstanceOption = None) -> None:
    """Recompute the department tags from the rules in the config (no network)."""
    cfg = get_config(config)
    db = _open(cfg)
    for inst in cfg.instance(instance):
        with store_lock(cfg.store.path):  # a sync retags too: one writer at a time
            written = retag(db, inst.name, cfg.departments, inst.locale)
        echo(_say("retagged", instance=inst.name, n=written))
        counts = count_tags(db, inst.name)
        for slug in _department_order(cfg, counts):
            echo(f"  {_label(slug):<28} {sum(counts.get(slug, {}).values()):>7}")


@app.command(
    "departments",
    help=tr(
        "Lista los departamentos con cuántos espacios y elementos etiqueta cada uno (y los "
        "que no tienen departamento).",
        "List departments with how many spaces and items each tags (and those with none).",
    ),
)
def departments_cmd(
    config: ConfigOption = None,
    instance: InstanceOption = None,
    explain_item: Annotated[
        str | None,
        typer.Option(
            "--explain",
            metavar=tr("TIPO:ID", "TYPE:ID"),
            help=tr(
                "Por qué un elemento tiene sus departamentos.", "Why an item has its departments."
            ),
        ),
    ] = None,
    untagged: Annotated[
        bool,
        typer.Option(
            "--untagged",
            help=tr("Lista lo que ninguna regla alcanza.", "List what no rule reaches."),
        ),
    ] = False,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", min=1, help=tr("Líneas para --untagged.", "Lines for --untagged.")
        ),
    ] = 50,
) -> None:
    """List departments with how many spaces and items each tags (and those with none)."""
    cfg = get_config(config)
    db = _open(cfg)
    instances = [i.name for i in cfg.instance(instance)]
    if explain_item is not None:
        _explain(db, cfg, instances, explain_item)
    elif untagged:
        for name in instances:
            _list_untagged(db, name, limit)
    else:
        for name in instances:
            _table(db, cfg, name)


def _table(db: Database, cfg: Config, instance: str) -> None:
    counts = count_tags(db, instance)
    names = {d.slug: d.name for d in cfg.departments}
    echo(_say("heading", instance=instance))
    echo(f"{'':<28}" + "".join(f"{h:>12}" for h in _TYPE_HEADINGS[_lang()]))
    for slug in _department_order(cfg, counts):
        row = counts.get(slug, {})
        cells = "".join(f"{row.get(t, 0):>12}" for t in TAGGED_TYPES)
        echo(f"{_label(slug):<28}{cells}  {names.get(slug, '')}".rstrip())


def _department_order(cfg: Config, counts: dict[str, dict[str, int]]) -> list[str]:
    """Configured departments first (in config order), then stale ones, then "none"."""
    slugs = [d.slug for d in cfg.departments]
    slugs += sorted(s for s in counts if s not in slugs and s != NO_DEPARTMENT)
    return [*slugs, NO_DEPARTMENT]


def _label(slug: str) -> str:
    return slug or _say("none")


def _list_untagged(db: Database, instance: str, limit: int) -> None:
    total = sum(count_tags(db, instance).get(NO_DEPARTMENT, {}).values())
    echo(_say("untagged", instance=instance, n=total, shown=min(total, limit)))
    for row in iter_untagged(db, instance, limit):
        space = f"{row.space_type}:{row.space_id} {_short(row.space_title)}"
        where = f"  [{space}]" if row.space_id is not None else ""
        echo(f"{row.item_type}:{row.id}  {_short(row.title)}{where}")


def _explain(db: Database, cfg: Config, instances: list[str], spec: str) -> None:
    item_type, item_id = _parse_item(spec)
    found = [(n, e) for n in instances if (e := explain(db, n, item_type, item_id))]
    if not found:
        warn(_say("unknown", item=f"{item_type}:{item_id}", instances=", ".join(instances)))
        raise typer.Exit(1)
    names = {d.slug: d.name for d in cfg.departments}
    for instance, explanation in found:
        _print_explanation(instance, explanation, names)


def _print_explanation(instance: str, e: Explanation, names: dict[str, str]) -> None:
    echo(f"{instance} {e.item_type}:{e.id}  {_short(e.title, 100)}")
    if e.space_id is not None:
        echo(f"  {_say('space')}: {e.space_type}:{e.space_id}  {_short(e.space_title, 100)}")
    if not e.reasons:
        echo(f"  {_say('no_rule')}")
    for slug, reasons in e.reasons.items():
        echo(f"  {slug} — {names.get(slug, '?')}")
        for reason in reasons:
            via = f"  ← {', '.join(reason.via)}" if reason.via else ""
            echo(f"    {reason.rule}{via}")


def _parse_item(spec: str) -> tuple[str, int]:
    kind, _, ident = spec.strip().partition(":")
    kind = _ALIASES.get(kind.lower(), kind.lower())
    if kind not in TAGGED_TYPES or not ident.isdigit():
        warn(_say("bad_item", spec=spec, types=", ".join(TAGGED_TYPES)))
        raise typer.Exit(2)  # a usage error, as click would report it
    return kind, int(ident)


def _short(text: str | None, width: int = 70) -> str:
    text = " ".join((text or "").split())
    return f"«{text[: width - 1]}…»" if len(text) > width else f"«{text}»"
