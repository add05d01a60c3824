"""A realistic digest built from literal rows (used by rendering and browser tests)."""

from __future__ import annotations

from datetime import UTC, datetime

from report_rows import (
    StoreRows,
    comment,
    counter,
    day,
    debate,
    digest_of,
    local,
    meeting,
    proposal,
    space,
    tag,
)

from reports.model import Digest, DigestOptions
from reports.period import iso_week

HOSTILE = '<script>alert("x")</script> "comillas" & \'apóstrofo\' ' + "palabralarguísima" * 12
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
DEPARTMENTS = [
    ("mujeres", "Dirección de la Mujer"),
    ("diversidades", "Diversidades y Género"),
    ("medioambiente", "Medio Ambiente"),
]


def sample_rows() -> StoreRows:
    items = [
        proposal(
            1,
            local(day(0), 9),
            title="Más luminarias en el cerro Alegre",
            vote_count=42,
            endorsements_count=5,
            comments_count=7,
        ),
        proposal(2, local(day(1), 18), title=HOSTILE, vote_count=17, endorsements_count=2),
        proposal(3, local(day(-60)), title="Plaza inclusiva en Playa Ancha", vote_count=8),
        proposal(
            4,
            local(day(-40)),
            title="Ciclovía Avenida Brasil",
            state="accepted",
            answered_at=local(day(2)),
        ),
        proposal(5, local(day(3)), title="Retirada", withdrawn=1),
        debate(
            10,
            local(day(2), 20),
            title="¿Cómo cuidamos los ascensores?",
            endorsements_count=3,
            comments_count=4,
        ),
        meeting(
            20,
            local(day(1)),
            title="Cabildo de mujeres",
            type_of_meeting="hybrid",
            start_time=local(day(9), 18),
        ),
        meeting(
            21,
            local(day(4)),
            title="Taller en línea",
            type_of_meeting="online",
            start_time=local(day(12), 19),
        ),
        proposal(30, local(day(-7)), title="Semana anterior", author_key="a1"),
    ]
    comments = [
        comment(100 + n, ("proposal", 1), local(day(n % 7), 10 + n), author_key=f"c{n % 4}")
        for n in range(7)
    ]
    comments += [comment(200 + n, ("debate", 10), local(day(3), 12)) for n in range(4)]
    tags = [
        tag("proposal", 1, "mujeres"),
        tag("meeting", 20, "mujeres"),
        tag("proposal", 2, "diversidades"),
        tag("debate", 10, "diversidades"),
        tag("participatory_process", 7, "mujeres"),
    ]
    spaces = [space(7, local(day(0), 8), title="Presupuestos participativos 2027")]
    counters = [
        counter("proposal", 3, local(day(-20)), 5),
        counter("proposal", 3, local(day(3)), 8),
        counter("proposal", 1, local(day(0), 10), 10),
    ]
    return StoreRows(tuple(items), tuple(comments), tuple(tags), tuple(spaces), tuple(counters))


def sample_digest(departments_filtered: bool = False) -> Digest:
    return digest_of(
        sample_rows(),
        iso_week("2026-W47", "America/Santiago"),
        DEPARTMENTS,
        DigestOptions(departments_filtered=departments_filtered),
        NOW,
        "valparaiso",
    )
