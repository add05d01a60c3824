"""The store's schema, as ``sqlite_utils.Migrations``: migration 1 is the whole README contract.

Add a schema change as a new numbered function below (never edit an applied one) and update
the data dictionary in README.md in the same change. Views and indexes are not migrations:
``sync.store.ensure_schema`` recreates them on every open, so they always match this code.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("participa")

_SEEN = {"first_seen_at": str, "last_seen_at": str, "removed_at": str}
_ITEM_PLACE = {"instance": str, "id": int, "component_id": int, "space_type": str, "space_id": int}
_CLASSIFIERS = {"category": str, "scope": str, "taxonomies": str, "hashtags": str}

TABLES: dict[str, tuple[dict[str, type], list[str]]] = {
    "spaces": (
        {
            "instance": str, "type": str, "id": int, "slug": str, "title": str, "subtitle": str,
            "description_text": str, "description_html": str, "hashtag": str, "scope": str,
            "area": str, "taxonomies": str, "categories": str, "start_date": str,
            "end_date": str, "published_at": str, "url": str, **_SEEN,
        },
        ["instance", "type", "id"],
    ),
    "components": (
        {
            "instance": str, "id": int, "space_type": str, "space_id": int, "type": str,
            "name": str, "weight": int, "url": str, **_SEEN,
        },
        ["instance", "id"],
    ),
    "proposals": (
        {
            **_ITEM_PLACE, "title": str, "body_text": str, "body_html": str, "state": str,
            "withdrawn": int, "withdrawn_at": str, "answered_at": str, "published_at": str,
            "created_at": str, "updated_at": str, "vote_count": int,
            "endorsements_count": int, "comments_count": int, **_CLASSIFIERS,
            "author_key": str, "official": int, "reference": str, "address": str, "url": str,
            **_SEEN,
        },
        ["instance", "id"],
    ),
    "debates": (
        {
            **_ITEM_PLACE, "title": str, "description_text": str, "description_html": str,
            "published_at": str, "created_at": str, "updated_at": str, "start_time": str,
            "end_time": str, "comments_count": int, **_CLASSIFIERS, "author_key": str,
            "reference": str, "url": str, **_SEEN,
        },
        ["instance", "id"],
    ),
    "meetings": (
        {
            **_ITEM_PLACE, "title": str, "description_text": str, "description_html": str,
            "published_at": str, "created_at": str, "updated_at": str, "start_time": str,
            "end_time": str, "type_of_meeting": str, "address": str, "closed": int,
            "withdrawn": int, "attendee_count": int, "comments_count": int, **_CLASSIFIERS,
            "author_key": str, "reference": str, "url": str, **_SEEN,
        },
        ["instance", "id"],
    ),
    "comments": (
        {
            "instance": str, "id": int, "item_type": str, "item_id": int, "parent_id": int,
            "depth": int, "body_text": str, "alignment": int, "up_votes": int,
            "down_votes": int, "published_at": str, "author_key": str, "component_id": int,
            "space_type": str, "space_id": int, **_SEEN,
        },
        ["instance", "id"],
    ),
    "counter_history": (
        {
            "instance": str, "item_type": str, "item_id": int, "observed_at": str,
            "vote_count": int, "endorsements_count": int, "comments_count": int,
            "sync_run_id": int,
        },
        ["instance", "item_type", "item_id", "observed_at"],
    ),
    "item_departments": (
        {"instance": str, "item_type": str, "item_id": int, "department": str, "rule": str},
        ["instance", "item_type", "item_id", "department", "rule"],
    ),
    "sync_runs": (
        {
            "id": int, "instance": str, "started_at": str, "finished_at": str, "status": str,
            "mode": str, "requests": int, "spaces": int, "components": int, "proposals": int,
            "debates": int, "meetings": int, "comments": int, "error": str,
        },
        ["id"],
    ),
    "sync_state": (
        {"instance": str, "key": str, "value": str, "updated_at": str},
        ["instance", "key"],
    ),
    "store_meta": ({"key": str, "value": str}, ["key"]),
}


@MIGRATIONS(name="0001_initial_schema")
def _initial_schema(db: Database) -> None:
    for name, (columns, pk) in TABLES.items():
        pk_arg: str | tuple[str, ...] = pk[0] if len(pk) == 1 else tuple(pk)
        db.table(name).create(columns, pk=pk_arg, not_null=set(pk))


#: Each tagged space or item's departments, sorted and joined by ``char(31)`` (untagged: no
#: row), kept equal to ``item_departments`` by triggers so that every writer (``retag``, tests,
#: the bench) keeps it current and reports look an item's departments up with one key seek.
#: Each trigger deletes, then inserts: a conflict clause inside a trigger would be overridden by
#: the writer's (``retag``'s ``INSERT OR IGNORE`` would turn ``OR REPLACE`` into a no-op).
_SIGNATURE_OF = """
SELECT group_concat(department, char(31)) FROM (
  SELECT DISTINCT d.department FROM item_departments AS d
   WHERE d.instance = {row}.instance AND d.item_type = {row}.item_type
     AND d.item_id = {row}.item_id ORDER BY d.department)
"""
_SIGNATURE_TRIGGERS = {
    "item_signatures_insert": f"""
AFTER INSERT ON item_departments BEGIN
  DELETE FROM item_signatures WHERE instance = new.instance AND item_type = new.item_type
     AND item_id = new.item_id;
  INSERT INTO item_signatures (instance, item_type, item_id, signature)
  VALUES (new.instance, new.item_type, new.item_id, ({_SIGNATURE_OF.format(row="new")}));
END""",
    "item_signatures_delete": f"""
AFTER DELETE ON item_departments BEGIN
  DELETE FROM item_signatures WHERE instance = old.instance AND item_type = old.item_type
     AND item_id = old.item_id;
  INSERT INTO item_signatures (instance, item_type, item_id, signature)
  SELECT old.instance, old.item_type, old.item_id, s FROM
    (SELECT ({_SIGNATURE_OF.format(row="old")}) AS s) WHERE s IS NOT NULL;
END""",
}


@MIGRATIONS(name="0002_item_signatures")
def _item_signatures(db: Database) -> None:
    db.table("item_signatures").create(
        {"instance": str, "item_type": str, "item_id": int, "signature": str},
        pk=("instance", "item_type", "item_id"),
        not_null={"instance", "item_type", "item_id", "signature"},
    )
    db.execute(
        "INSERT INTO item_signatures (instance, item_type, item_id, signature) "
        "SELECT instance, item_type, item_id, group_concat(department, char(31)) FROM "
        "(SELECT DISTINCT instance, item_type, item_id, department FROM item_departments "
        "ORDER BY instance, item_type, item_id, department) "
        "GROUP BY instance, item_type, item_id"
    )
    for name, body in _SIGNATURE_TRIGGERS.items():
        db.execute(f"CREATE TRIGGER {name} {body.strip()}")
