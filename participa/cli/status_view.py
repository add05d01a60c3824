"""How ``participa status`` shows a ``sync.status.Status``: Spanish or English text, or JSON.

Pure: a ``Status`` and a language in, a string or a dict out. Times are shown in the
schedule's time zone; JSON carries ISO 8601 UTC (``...Z``) like the store.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sync.status import DigestStatus, InstanceStatus, RunInfo, SendInfo, Status

_TEXT = {
    "es": {
        "title": "participa — estado al {now}", "instance": "Instancia {name}",
        "last_ok": "última sincronización correcta", "last_failed": "última sincronización fallida",
        "none": "ninguna", "none_m": "ninguno", "ago": "hace {age}", "took": "duró {dur}",
        "requests": "{n} solicitudes",
        "running": "sincronización en curso desde {since} (pid {pid})",
        "interrupted": "⚠ la ejecución {id} iniciada {since} quedó sin terminar (proceso detenido);"
                       " la próxima sincronización retoma donde quedó",
        "fresh": "✓ al día (alerta si pasan más de {limit} h)",
        "stale": "✗ DESACTUALIZADA: la última sincronización correcta fue hace {age}"
                 " (límite {limit} h)",
        "never": "✗ nunca se ha sincronizado correctamente; ejecuta 'participa sync'",
        "store": "Almacén {path} ({size})",
        "no_store": "Almacén {path}: aún no existe; ejecuta 'participa sync'",
        "next": "Próximas ejecuciones (participa schedule)", "mail": "Correos (resúmenes)",
        "no_ledger": "  aún no se ha enviado ningún resumen", "sent": "último enviado",
        "failed": "último fallo", "failing": "✗ el último intento falló",
    },
    "en": {
        "title": "participa — status at {now}", "instance": "Instance {name}",
        "last_ok": "last successful sync", "last_failed": "last failed sync",
        "none": "none", "none_m": "none", "ago": "{age} ago", "took": "took {dur}",
        "requests": "{n} requests",
        "running": "sync running since {since} (pid {pid})",
        "interrupted": "⚠ run {id} started {since} never finished (process stopped);"
                       " the next sync resumes where it left off",
        "fresh": "✓ up to date (alert after {limit} h)",
        "stale": "✗ STALE: the last successful sync was {age} ago (limit {limit} h)",
        "never": "✗ never synced successfully; run 'participa sync'",
        "store": "Store {path} ({size})",
        "no_store": "Store {path}: does not exist yet; run 'participa sync'",
        "next": "Next runs (participa schedule)", "mail": "E-mail (digests)",
        "no_ledger": "  no digest sent yet", "sent": "last sent", "failed": "last failure",
        "failing": "✗ the latest attempt failed",
    },
}


def render_status(status: Status, lang: str = "es") -> str:
    t = _TEXT["en" if lang == "en" else "es"]
    lines = [t["title"].format(now=_local(status.now, status)), ""]
    for inst in status.instances:
        lines += _instance_lines(inst, status, t) + [""]
    lines += _store_lines(status, t) + [""]
    lines.append(t["next"])
    for job, when in status.next_runs.items():
        lines.append(f"  {job:<7} {_local(when, status) if when else '—'}")
    lines += [f"  ✗ {err}" for err in status.schedule_errors.values()]
    lines += ["", t["mail"]] + _mail_lines(status, t)
    return "\n".join(lines)


def _instance_lines(inst: InstanceStatus, status: Status, t: dict[str, str]) -> list[str]:
    lines = [t["instance"].format(name=inst.name)]
    lines.append(f"  {t['last_ok']}: {_run(inst.last_ok, status, t)}")
    if inst.last_ok is not None:
        lines.append(f"    {_counts(inst.last_ok.counts)}")
    lines.append(f"  {t['last_failed']}: {_run(inst.last_failed, status, t)}")
    if inst.last_failed is not None and inst.last_failed.error:
        lines.append(f"    {inst.last_failed.error}")
    holder = status.sync_holder
    if inst.running is not None and inst.interrupted:
        since = _local(inst.running.started_at, status)
        lines.append("  " + t["interrupted"].format(id=inst.running.id, since=since))
    elif inst.running is not None and holder is not None:
        since = _local(holder.since or inst.running.started_at, status)
        lines.append("  " + t["running"].format(since=since, pid=holder.pid or "?"))
    limit = f"{status.stale_after_hours:g}"
    if inst.age is None:
        lines.append("  " + t["never"])
    elif inst.stale:
        lines.append("  " + t["stale"].format(age=_duration(inst.age), limit=limit))
    else:
        lines.append("  " + t["fresh"].format(limit=limit))
    return lines


def _run(run: RunInfo | None, status: Status, t: dict[str, str]) -> str:
    if run is None:
        return t["none"]
    end = run.finished_at or run.started_at
    parts = [f"{_local(end, status)} ({t['ago'].format(age=_duration(status.now - end))})"]
    if run.seconds is not None:
        seconds = run.seconds
        took = f"{seconds:.1f} s" if seconds < 10 else _duration(timedelta(seconds=seconds))
        parts.append(t["took"].format(dur=took))
    parts.append(t["requests"].format(n=run.requests))
    return ", ".join(parts)


def _counts(counts: Any) -> str:
    return " · ".join(f"{k} {v}" for k, v in counts.items())


def _store_lines(status: Status, t: dict[str, str]) -> list[str]:
    if not status.store_exists:
        return [t["no_store"].format(path=status.store_path)]
    lines = [t["store"].format(path=status.store_path, size=_bytes(status.size_bytes))]
    width = max((len(name) for name in status.table_rows), default=0)
    lines += [f"  {name:<{width}} {n:>9,}".replace(",", ".")
              for name, n in status.table_rows.items()]
    return lines


def _mail_lines(status: Status, t: dict[str, str]) -> list[str]:
    if not status.digests:
        return [t["no_ledger"]]
    lines = []
    for d in status.digests:
        lines.append(f"  {d.digest} ({d.instance})" + (f"  {t['failing']}" if d.failing else ""))
        lines.append(f"    {t['sent']}: {_send(d.last_sent, status, t)}")
        lines.append(f"    {t['failed']}: {_send(d.last_failed, status, t)}")
    return lines


def _send(send: SendInfo | None, status: Status, t: dict[str, str]) -> str:
    if send is None:
        return t["none_m"]
    text = f"{_local(send.finished_at or send.started_at, status)} [{send.period}]"
    return f"{text} — {send.error}" if send.error else text


def _local(moment: datetime | None, status: Status) -> str:
    return moment.astimezone(status.timezone).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _duration(delta: timedelta) -> str:
    seconds = int(max(delta.total_seconds(), 0))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    if seconds < 48 * 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} d {seconds % 86400 // 3600} h"


def _bytes(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} B"


# --- JSON ---------------------------------------------------------------------------------


def status_dict(status: Status) -> dict[str, Any]:
    """The whole status as JSON-ready values; ``stale`` and ``exit_code`` at the top."""
    return {
        "now": _z(status.now), "stale": status.stale, "exit_code": status.exit_code,
        "stale_after_hours": status.stale_after_hours,
        "instances": [_instance_dict(i) for i in status.instances],
        "store": {"path": str(status.store_path), "exists": status.store_exists,
                  "size_bytes": status.size_bytes, "tables": dict(status.table_rows)},
        "sync_in_progress": None if status.sync_holder is None else {
            "pid": status.sync_holder.pid, "since": _z(status.sync_holder.since)},
        "next_runs": {job: _z(when) for job, when in status.next_runs.items()},
        "schedule_errors": dict(status.schedule_errors),
        "digests": None if status.digests is None else [_digest_dict(d) for d in status.digests],
    }


def _instance_dict(inst: InstanceStatus) -> dict[str, Any]:
    return {
        "name": inst.name, "stale": inst.stale,
        "age_seconds": None if inst.age is None else int(inst.age.total_seconds()),
        "last_ok": _run_dict(inst.last_ok), "last_failed": _run_dict(inst.last_failed),
        "running": _run_dict(inst.running), "interrupted": inst.interrupted,
    }


def _run_dict(run: RunInfo | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {"id": run.id, "status": run.status, "started_at": _z(run.started_at),
            "finished_at": _z(run.finished_at), "seconds": run.seconds, "mode": run.mode,
            "requests": run.requests, "counts": dict(run.counts), "error": run.error}


def _digest_dict(d: DigestStatus) -> dict[str, Any]:
    def send(s: SendInfo | None) -> dict[str, Any] | None:
        return None if s is None else {"period": s.period, "status": s.status,
                                       "at": _z(s.finished_at or s.started_at), "error": s.error}
    return {"digest": d.digest, "instance": d.instance, "failing": d.failing,
            "last_sent": send(d.last_sent), "last_failed": send(d.last_failed)}


def _z(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
