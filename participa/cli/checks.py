"""What ``participa config check`` tries, one ``Check`` per thing: schedule, store folder,
secrets in the environment, each Decidim instance (the client's feature probe: 1–3 small
requests, no retries) and the SMTP server (connect, EHLO, STARTTLS and login as configured,
QUIT; no message is sent).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import tzinfo

from connector.client import DecidimClient
from participa.errors import ConfigError, ParticipaError
from reports.delivery import explain_smtp_error
from sync.config import Config, EmailConfig, InstanceConfig
from sync.scheduler import JOB_NAMES, parse_cron

PROBE_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_checks(
    config: Config, zone: tzinfo, environ: Mapping[str, str] | None = None
) -> Iterator[Check]:
    env = environ if environ is not None else os.environ
    yield from _schedule_checks(config, zone)
    yield _store_check(config)
    for inst in config.instances:
        yield _instance_check(inst, env)
    if config.email is not None:
        yield _smtp_check(config.email, env)


def _schedule_checks(config: Config, zone: tzinfo) -> Iterator[Check]:
    for name in JOB_NAMES:
        expr = getattr(config.schedule, name)
        try:
            parse_cron(expr, zone, key=f"schedule.{name}")
        except ConfigError as exc:
            yield Check(f"schedule.{name}", False, str(exc),
                        "usa 5 campos de cron, p. ej. '0 */4 * * *'")
        else:
            yield Check(f"schedule.{name}", True, f"{expr!r} ({zone})")


def _store_check(config: Config) -> Check:
    path = config.store.path
    folder = path.parent
    if path.is_dir():
        return Check("store", False, f"{path} es una carpeta", "pon en [store] path un archivo")
    if not folder.is_dir():
        return Check("store", False, f"la carpeta {folder} no existe",
                     f"créala (mkdir -p {folder}) o cambia [store] path")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return Check("store", False, f"{path}: sin permiso de escritura",
                     "ejecuta participa con el usuario dueño de la carpeta")
    state = "existe" if path.exists() else "se creará en la primera sincronización"
    return Check("store", True, f"{path} ({state})")


def _instance_check(inst: InstanceConfig, env: Mapping[str, str]) -> Check:
    name = f"instancia {inst.name}"
    if inst.token_env and not inst.token(env):
        return Check(name, False, f"${inst.token_env} está vacía o no definida",
                     "defínela en el entorno (p. ej. /etc/participa/env) o quita token_env")
    try:
        with DecidimClient.from_config(
            inst, max_retries=0, timeout=min(inst.timeout_seconds, PROBE_TIMEOUT_SECONDS)
        ) as client:
            features = client.detect_features()
    except ParticipaError as exc:
        return Check(name, False, str(exc))  # the connector's message names the fix
    version = features.version or "versión no informada"
    return Check(name, True, f"{inst.url} responde (Decidim {version})")


def _smtp_check(email: EmailConfig, env: Mapping[str, str]) -> Check:
    server = f"{email.smtp_host}:{email.smtp_port}"
    name = f"smtp {server}"
    password = email.password(env)
    if email.username and email.password_env and not password:
        return Check(name, False, f"${email.password_env} está vacía o no definida",
                     "define la contraseña en el entorno (p. ej. /etc/participa/env)")
    try:
        _smtp_probe(email, password)
    except (smtplib.SMTPException, OSError) as exc:
        detail = explain_smtp_error(exc, server, email)
        return Check(name, False, detail.replace(password, "***") if password else detail)
    login = f", sesión iniciada como {email.username}" if email.username else ""
    return Check(name, True, f"responde ({email.security}{login})")


def _smtp_probe(email: EmailConfig, password: str | None) -> None:
    context = ssl.create_default_context()
    if not email.verify_tls:
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    timeout = min(email.timeout_seconds, PROBE_TIMEOUT_SECONDS)
    smtp: smtplib.SMTP
    if email.security == "ssl":
        smtp = smtplib.SMTP_SSL(email.smtp_host, email.smtp_port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(email.smtp_host, email.smtp_port, timeout=timeout)
    with smtp:
        smtp.ehlo()
        if email.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if email.username:
            smtp.login(email.username, password or "")
