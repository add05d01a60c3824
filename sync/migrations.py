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


#: item_type → the table of its rows (the types whose rows carry their ``signature``).
_SIGNED_TABLES = {"proposal": "proposals", "debate": "debates", "meeting": "meetings"}
_KEY_OF = "item_id = {row}.item_id AND item_type = {row}.item_type AND instance = {row}.instance"
#: Whether ``{row}``'s department is (still) given to its item by another rule: then the item's
#: departments did not change and the trigger has nothing to do (a second rule, or retag
#: deleting the first of several).
_OTHER_RULE = """EXISTS (
  SELECT 1 FROM item_departments AS d WHERE d.instance = {row}.instance
     AND d.item_type = {row}.item_type AND d.item_id = {row}.item_id
     AND d.department = {row}.department{other})"""
#: The item's own row gets the signature ``item_signatures`` now holds; the ``{row}.item_type``
#: test is a constant, so only the item's own table is searched.
_KEEP_ROW = """
  UPDATE {table} SET signature = (SELECT g.signature FROM item_signatures AS g
                                   WHERE g.item_id = {row}.item_id AND g.item_type = '{item_type}'
                                     AND g.instance = {row}.instance)
   WHERE {row}.item_type = '{item_type}' AND instance = {row}.instance AND id = {row}.item_id;"""


def _keep_rows(row: str) -> str:
    return "".join(
        _KEEP_ROW.format(table=table, item_type=item_type, row=row).rstrip()
        for item_type, table in _SIGNED_TABLES.items()
    )


#: 0002's triggers, run only when the item's set of departments changes, and keeping the item
#: rows' ``signature`` too.
_ROW_SIGNATURE_TRIGGERS = {
    "item_signatures_insert": f"""
AFTER INSERT ON item_departments
 WHEN NOT {_OTHER_RULE.format(row="new", other=" AND d.rule <> new.rule")} BEGIN
  DELETE FROM item_signatures WHERE {_KEY_OF.format(row="new")};
  INSERT INTO item_signatures (instance, item_type, item_id, signature)
  VALUES (new.instance, new.item_type, new.item_id, ({_SIGNATURE_OF.format(row="new")}));
  {_keep_rows("new").strip()}
END""",
    "item_signatures_delete": f"""
AFTER DELETE ON item_departments
 WHEN NOT {_OTHER_RULE.format(row="old", other="")} BEGIN
  DELETE FROM item_signatures WHERE {_KEY_OF.format(row="old")};
  INSERT INTO item_signatures (instance, item_type, item_id, signature)
  SELECT old.instance, old.item_type, old.item_id, s FROM
    (SELECT ({_SIGNATURE_OF.format(row="old")}) AS s) WHERE s IS NOT NULL;
  {_keep_rows("old").strip()}
END""",
}


@MIGRATIONS(name="0003_item_row_signatures")
def _item_row_signatures(db: Database) -> None:
    """Reports read an item's departments from its own row (``signature`` on ``proposals``,
    ``debates`` and ``meetings``, kept by the triggers on ``item_departments`` like
    ``item_signatures``), so a pass over every item needs no look-up. ``item_signatures``
    becomes a WITHOUT ROWID table keyed ``(item_id, item_type, instance)``: the look-ups left
    (a comment's item, a space) are one B-tree descent that an integer decides first."""
    for name in _SIGNATURE_TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute(
        "CREATE TABLE item_signatures_0003 (instance TEXT NOT NULL, item_type TEXT NOT NULL, "
        "item_id INTEGER NOT NULL, signature TEXT NOT NULL, "
        "PRIMARY KEY (item_id, item_type, instance)) WITHOUT ROWID"
    )
    db.execute(
        "INSERT INTO item_signatures_0003 (instance, item_type, item_id, signature) "
        "SELECT instance, item_type, item_id, signature FROM item_signatures"
    )
    db.execute("DROP TABLE item_signatures")
    db.execute("ALTER TABLE item_signatures_0003 RENAME TO item_signatures")
    for item_type, table in _SIGNED_TABLES.items():
        if "signature" not in db.table(table).columns_dict:
            db.execute(f"ALTER TABLE {table} ADD COLUMN signature TEXT")
        found = (
            f"SELECT g.signature FROM item_signatures AS g WHERE g.item_id = {table}.id "
            f"AND g.item_type = '{item_type}' AND g.instance = {table}.instance"
        )
        db.execute(f"UPDATE {table} SET signature = ({found}) WHERE EXISTS ({found})")
    for name, body in _ROW_SIGNATURE_TRIGGERS.items():
        db.execute(f"CREATE TRIGGER {name} {body.strip()}")
