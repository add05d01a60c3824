"""No names, nicknames or user ids of participants in the store.

The simulator's participants have names and nicknames (the API serves them to anyone who
asks; participa never asks). Some bodies and comments here also mention participants the
ways Decidim stores and renders mentions: a global id, TipTap's mention ``<span>`` and the
rendered profile link. After a sync, no text column (``*_html`` included) holds any of them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rel_helpers import NOW, SECRET, Clock, text_columns

from connector.client import DecidimClient
from connector.simulator import Simulator, generate_world
from sync.config import InstanceConfig
from sync.departments import retag
from sync.pipeline import sync_instance
from sync.store import open_store


def mentions(person) -> list[str]:
    gid = f"gid://participa-valparaiso/Decidim::{person.kind}/{person.id}"
    return [
        f"<p>Como dijo {gid} en el taller.</p>",
        f'<p>Hola <span data-type="mention" data-id="{gid}" data-label="@{person.nickname} '
        f'({person.name})">@{person.nickname}</span>, ¿vienes?</p>',
        f'<p>Gracias <a class="user-mention" href="https://x.cl/profiles/{person.nickname}" '
        f'title="{person.name}">@{person.nickname}</a></p>',
        f"<p>Ver <a href='/profiles/{person.nickname}/activity'>{person.name}</a></p>",
    ]


def with_mentions(world):
    people = [p for p in world.people if p.name and p.nickname]
    proposals = []
    for n, p in enumerate(world.proposals):
        person = people[n % len(people)]
        extra = "".join(mentions(person)) if n % 3 == 0 else ""
        body = replace(p.body, values={k: v + extra for k, v in p.body.values.items()})
        proposals.append(replace(p, body=body))
    comments = []
    for n, c in enumerate(world.comments):
        person = people[n % len(people)]
        comments.append(replace(c, body=c.body + mentions(person)[n % 4]) if n % 2 else c)
    return replace(world, proposals=tuple(proposals), comments=tuple(comments)), people


def test_no_participant_name_nickname_or_id_reaches_the_store(tmp_path):
    world, people = with_mentions(generate_world(7, "small", NOW))
    path = tmp_path / "participa.db"
    db = open_store(path)
    with Simulator(release="0.29", world=world) as sim:
        inst = InstanceConfig(name="valpo", url=sim.url, requests_per_minute=600_000)
        with DecidimClient.from_config(inst, sleep=lambda _s: None) as client:
            sync_instance(db, inst, client, now=Clock(), secret=SECRET, retag=retag)
    html = db.execute("SELECT COUNT(*) FROM proposals WHERE body_html LIKE '%@participante%'")
    assert html.fetchone()[0] > 10  # the mentions were there, and were scrubbed
    db.close()
    stored = "\n".join(text_columns(path))
    words = {w.strip("@.-") for w in re.findall(r"[\w@.-]+", stored)}
    leaks = {p.nickname for p in people if p.nickname in words}
    leaks |= {p.name for p in people if p.name in stored}
    assert not leaks, sorted(leaks)[:10]
    assert not re.search(r"Decidim::(User|UserGroup)/\d", stored)
    assert "/profiles/" not in stored
