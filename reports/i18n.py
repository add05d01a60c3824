"""Every user-visible string of a report, in Spanish (es-CL) and English, and Babel formatting.

Templates call ``t("key", name=value)``; there is no English fallback in Spanish output: a key
missing from a catalog is a bug the tests catch (``missing_keys``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_interval
from babel.numbers import format_decimal, format_percent

from participa.errors import ReportError
from reports.period import Period

LOCALES = {"es": "es_CL", "en": "en"}

CATALOG: dict[str, dict[str, str]] = {
    "es": {
        "title": "Participación ciudadana",
        "week": "Semana {week}",
        "period": "Período",
        "instance": "Instancia",
        "timezone": "Zona horaria",
        "new_spaces": "Espacios nuevos",
        "new_proposals": "Propuestas nuevas",
        "new_debates": "Debates nuevos",
        "new_meetings": "Encuentros nuevos",
        "new_comments": "Comentarios nuevos",
        "active_participants": "Participantes activos",
        "meetings_split": "presenciales: {in_person} · en línea: {online} · híbridos: {hybrid}",
        "metric": "Indicador",
        "this_period": "Este período",
        "previous": "Anterior",
        "change": "Cambio",
        "summary": "Resumen de toda la instancia",
        "summary_filtered": "Resumen de los departamentos elegidos",
        "by_department": "Por departamento",
        "department": "Departamento",
        "untagged": "Sin departamento",
        "contributions": "Aportes nuevos",
        "col_contributions": "Aportes",
        "col_comments": "Comentarios",
        "col_participants": "Participantes",
        "answered": "Propuestas respondidas en el período",
        "answered_none": "Ninguna propuesta recibió respuesta en el período.",
        "unanswered": "Propuestas sin respuesta después de {days} días",
        "unanswered_none": "No hay propuestas esperando respuesta más de {days} días.",
        "waiting": "{days} días esperando",
        "top_supported": "Lo que gana apoyo",
        "top_commented": "Lo más comentado en el período",
        "nothing": "Nada que mostrar en este período.",
        "votes": "{n} apoyo|{n} apoyos",
        "endorsements": "{n} adhesión|{n} adhesiones",
        "comments": "{n} comentario|{n} comentarios",
        "comments_in_period": "{n} comentario en el período|{n} comentarios en el período",
        "upcoming": "Próximos encuentros (hasta el {date})",
        "upcoming_none": "No hay encuentros programados.",
        "upcoming_more": "y {n} más.",
        "gains": "Apoyos y adhesiones ganados",
        "gains_summary": "{votes} y {endorsements} ganados en el período.",
        "gains_coverage": "Elementos con datos: {with_data}; sin datos: {without_data}.",
        "no_data": "sin datos",
        "trend": "Tendencia de los últimos {n} períodos",
        "trend_metric": "Participantes activos por período",
        "chart_alt": "Gráfico de barras de participantes activos por período: {values}.",
        "sparkline": "Participantes activos",
        "filtered_note": "Este resumen cuenta solo lo etiquetado con los departamentos elegidos.",
        "privacy_note": "Las personas participantes se cuentan, nunca se nombran.",
        "partial": "Período en curso: las cifras aún pueden cambiar.",
        "generated": "Generado el {when}",
        "untitled": "(sin título)",
        "hybrid": "híbrido",
        "type_proposal": "Propuesta",
        "type_debate": "Debate",
        "type_meeting": "Encuentro",
        "state_accepted": "aceptada",
        "state_rejected": "rechazada",
        "state_evaluating": "en evaluación",
        "state_not_answered": "sin respuesta",
        "state_withdrawn": "retirada",
        "state_": "sin estado",
        "open": "ver en Decidim",
        "department_empty": "Sin actividad en este período.",
    },
    "en": {
        "title": "Citizen participation",
        "week": "Week {week}",
        "period": "Period",
        "instance": "Instance",
        "timezone": "Time zone",
        "new_spaces": "New spaces",
        "new_proposals": "New proposals",
        "new_debates": "New debates",
        "new_meetings": "New meetings",
        "new_comments": "New comments",
        "active_participants": "Active participants",
        "meetings_split": "in person: {in_person} · online: {online} · hybrid: {hybrid}",
        "metric": "Metric",
        "this_period": "This period",
        "previous": "Previous",
        "change": "Change",
        "summary": "Whole instance",
        "by_department": "By department",
        "department": "Department",
        "untagged": "No department",
        "summary_filtered": "Summary of the chosen departments",
        "contributions": "New contributions",
        "col_contributions": "Contributions",
        "col_comments": "Comments",
        "col_participants": "Participants",
        "answered": "Proposals answered in the period",
        "answered_none": "No proposal was answered in the period.",
        "unanswered": "Proposals unanswered after {days} days",
        "unanswered_none": "No proposal has waited more than {days} days for an answer.",
        "waiting": "waiting {days} days",
        "top_supported": "Gaining support",
        "top_commented": "Most commented in the period",
        "nothing": "Nothing to show for this period.",
        "votes": "{n} vote|{n} votes",
        "endorsements": "{n} endorsement|{n} endorsements",
        "comments": "{n} comment|{n} comments",
        "comments_in_period": "{n} comment in the period|{n} comments in the period",
        "upcoming": "Upcoming meetings (until {date})",
        "upcoming_none": "No meetings scheduled.",
        "upcoming_more": "and {n} more.",
        "gains": "Votes and endorsements gained",
        "gains_summary": "{votes} and {endorsements} gained in the period.",
        "gains_coverage": "Items with data: {with_data}; without data: {without_data}.",
        "no_data": "no data",
        "trend": "Trend over the last {n} periods",
        "trend_metric": "Active participants per period",
        "chart_alt": "Bar chart of active participants per period: {values}.",
        "sparkline": "Active participants",
        "filtered_note": "This digest counts only what is tagged with the chosen departments.",
        "privacy_note": "Participants are counted, never named.",
        "partial": "Period in progress: figures may still change.",
        "generated": "Generated on {when}",
        "untitled": "(untitled)",
        "hybrid": "hybrid",
        "type_proposal": "Proposal",
        "type_debate": "Debate",
        "type_meeting": "Meeting",
        "state_accepted": "accepted",
        "state_rejected": "rejected",
        "state_evaluating": "evaluating",
        "state_not_answered": "not answered",
        "state_withdrawn": "withdrawn",
        "state_": "no state",
        "open": "open in Decidim",
        "department_empty": "No activity in this period.",
    },
}


def missing_keys() -> dict[str, set[str]]:
    """Keys some catalog has and another lacks (should be empty)."""
    every = set().union(*(set(c) for c in CATALOG.values()))
    return {lang: every - set(c) for lang, c in CATALOG.items() if every - set(c)}


@dataclass(frozen=True)
class Messages:
    """Strings and number/date formatting for one language and time zone."""

    lang: str
    timezone: str

    @property
    def locale(self) -> str:
        return LOCALES[self.lang]

    def t(self, key: str, **values: object) -> str:
        """The message ``key`` filled with ``values``; ``"one|many"`` entries pick by ``n``."""
        try:
            template = CATALOG[self.lang][key]
        except KeyError as exc:
            raise ReportError(f"message catalog {self.lang!r}: no entry for {exc}") from None
        if "|" in template:
            one, many = template.split("|", 1)
            template = one if str(values.get("n")) == "1" else many
        return template.format(**values)

    def number(self, value: int | None) -> str:
        return self.t("no_data") if value is None else format_decimal(value, locale=self.locale)

    def signed(self, value: int) -> str:
        text = format_decimal(abs(value), locale=self.locale)
        return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "0")

    def change(self, now: int, before: int) -> str:
        """``+3 (+25 %)``; percentages only when the previous value is not zero."""
        if now == before:
            return "="
        delta = self.signed(now - before)
        if before == 0:
            return delta
        share = format_percent(abs(now - before) / before, locale=self.locale)
        return f"{delta} ({'−' if now < before else '+'}{share})"

    def date(self, day: dt.date, form: str = "long") -> str:
        return format_date(day, form, locale=self.locale)

    def short_date(self, day: dt.date) -> str:
        return format_date(day, "d MMM", locale=self.locale)

    def datetime(self, instant: dt.datetime, form: str = "EEE d MMM, HH:mm") -> str:
        return format_datetime(instant, form, tzinfo=ZoneInfo(self.timezone), locale=self.locale)

    def period(self, period: Period) -> str:
        """``Semana 2026-W47 · 16–22 de noviembre de 2026`` or the bare date range."""
        span = format_interval(period.start, period.end, "yMMMMd", locale=self.locale)
        if period.is_iso_week:
            return f"{self.t('week', week=period.label)} · {span}"
        return span

    def period_short(self, period: Period) -> str:
        return format_interval(period.start, period.end, "MMMd", locale=self.locale)

    def state(self, state: str | None) -> str:
        key = f"state_{state or ''}"
        return self.t(key) if key in CATALOG[self.lang] else str(state)

    def item_type(self, item_type: str) -> str:
        return self.t(f"type_{item_type}")
